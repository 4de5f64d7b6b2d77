"""The MCP server from a real MCP client over stdio: tools list, describe and query one tenant only."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from mcp.client.stdio import StdioServerParameters

from mcp import Client

GATA = str(Path(sys.executable).parent / "gata")
TENANT = "wayne_enterprises"


def _params(served, key: str) -> StdioServerParameters:
    return StdioServerParameters(command=GATA, args=["mcp", "--workspace", str(served.ws.root), "--key", key])


def _payload(result) -> dict | list:
    if getattr(result, "structured_content", None) is not None:
        content = result.structured_content
        return content.get("result", content) if isinstance(content, dict) and set(content) == {"result"} else content
    return json.loads(result.content[0].text)


async def _session(served, key: str) -> dict:
    async with Client(_params(served, key)) as client:
        tools = sorted(t.name for t in (await client.list_tools()).tools)
        models = _payload(await client.call_tool("list_models", {}))
        detail = _payload(await client.call_tool("get_model", {"model": "ad_performance"}))
        result = _payload(
            await client.call_tool(
                "query",
                {"query": {"model": "ad_performance", "dimensions": ["source_platform"], "measures": ["spend"]}},
            )
        )
        bad = _payload(await client.call_tool("query", {"query": {"model": "orders", "measures": ["nope"]}}))
        foreign = _payload(await client.call_tool("get_model", {"model": "../tyrell_corp"}))
        asked = _payload(await client.call_tool("ask", {"question": "spend by platform last 14 days"}))
        refused = _payload(await client.call_tool("ask", {"question": "spend on the Holiday Promo campaign"}))
    return {"tools": tools, "models": models, "detail": detail, "result": result, "bad": bad, "foreign": foreign,
            "asked": asked, "refused": refused}  # fmt: skip


def test_mcp_tools_answer_for_the_keys_tenant_only(served):
    out = asyncio.run(_session(served, served.keys[TENANT]))
    assert out["tools"] == ["ask", "get_model", "list_models", "query"]
    assert {m["name"] for m in out["models"]} >= {
        "ad_performance",
        "orders",
        "sessions",
        "events",
        "campaigns",
        "users",
    }
    assert {m["name"] for m in out["detail"]["measures"]} >= {"spend", "ctr", "platform_roas"}
    with served.snapshot(TENANT) as con:
        want = dict(
            con.execute(
                f'select source_platform, sum(spend_reporting) from "fct_{TENANT}__ad_performance" group by 1'
            ).fetchall()
        )
    got = {r["source_platform"]: r["spend"] for r in out["result"]["rows"]}
    assert got.keys() == want.keys() and all(abs(got[k] - float(want[k])) < 1e-6 for k in want)
    assert f'"fct_{TENANT}__ad_performance"' in out["result"]["sql"]
    assert "nope" in out["bad"]["error"] and "revenue" in out["bad"]["error"]
    assert "error" in out["foreign"] and "tyrell" not in json.dumps(out["result"])
    asked = out["asked"]
    assert asked["answered"] and asked["query"]["dimensions"] == ["source_platform"] and asked["chart"]["kind"] == "bar"
    assert {r["source_platform"] for r in asked["rows"]} <= set(want)
    refused = out["refused"]  # a tyrell campaign, asked with a wayne key
    assert not refused["answered"] and refused["rows"] == [] and refused["suggestions"]


def test_mcp_refuses_admin_and_invalid_keys(served):
    for key, expected in ((served.keys["admin"], "one tenant"), ("gata_nope", "invalid")):
        proc = subprocess.run(
            [GATA, "mcp", "--workspace", str(served.ws.root), "--key", key],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 2 and expected in proc.stderr
