"""The red team's low findings and the docs pages, against real `gata serve` processes: response headers,
redirects, HEAD, /health, file modes in the workspace, vendor files, /docs and /redoc without a CDN, and an MCP
session that stops serving when its key is revoked."""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess

import httpx
import pytest
from fastapi.testclient import TestClient
from mcp.client.stdio import StdioServerParameters

from conftest import GATA, Served, start_server
from gata.api.app import create_app
from gata.api.keys import KeyStore
from gata.settings import Settings
from gata.web.routers import assets
from gata.workspace import Workspace
from mcp import Client

TENANT = "tyrell_corp"


@pytest.fixture
def proxied(served, monkeypatch):
    """A service that trusts the local proxy's forwarded headers (GATA_TRUSTED_PROXIES)."""
    monkeypatch.setenv("GATA_TRUSTED_PROXIES", "127.0.0.1")
    proc, base = start_server(served.ws)
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def test_api_json_is_not_cached_or_sniffed_and_hsts_only_over_https(served: Served, proxied: str):
    with served.client(TENANT) as c:
        r = c.get(f"/semantic-layer/{TENANT}/models")
    assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in r.headers  # plain http
    # from an untrusted address (the default: no proxy), X-Forwarded-Proto is not believed
    r = httpx.get(f"{served.base}/health", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in r.headers
    r = httpx.get(f"{proxied}/health", headers={"X-Forwarded-Proto": "https"})
    assert r.headers["strict-transport-security"].startswith("max-age=")


def test_trailing_slash_redirects_do_not_reflect_the_host(served: Served):
    r = httpx.get(
        f"{served.base}/semantic-layer/{TENANT}/models/",
        headers={**served.headers(TENANT), "Host": "evil.example"},
        follow_redirects=False,
    )
    assert r.status_code == 307
    assert r.headers["location"] == f"/semantic-layer/{TENANT}/models"


def test_head_is_answered_where_get_is(served: Served):
    for path, who in ((f"/semantic-layer/{TENANT}/models", TENANT), ("/health", None), ("/login", None)):
        r = httpx.head(f"{served.base}{path}", headers=served.headers(who))
        assert r.status_code == 200, (path, r.status_code)
        assert r.content == b""


def test_health_tells_the_tenant_count_to_admins_only(served: Served):
    assert "tenants_served" not in httpx.get(f"{served.base}/health").json()
    assert "tenants_served" not in httpx.get(f"{served.base}/health", headers=served.headers(TENANT)).json()
    assert httpx.get(f"{served.base}/health", headers=served.headers("admin")).json()["tenants_served"] == 3


def test_workspace_files_are_the_owners_only(tmp_path):
    """What `gata generate`, `gata keys create` and `gata users create` write: files 0600, folders 0700."""
    ws = str(tmp_path / "ws")
    for args, stdin in (
        (["generate", TENANT, "--days", "1"], None),
        (["keys", "create", TENANT], None),
        (["users", "create", "mode-check", "--tenant", TENANT, "--password-stdin"], "a long passphrase 42\n"),
    ):
        proc = subprocess.run(
            [GATA, *args, "--workspace", ws], input=stdin, capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    paths = [p for p in (tmp_path / "ws").rglob("*") if not p.name.endswith(".lock")]
    assert any(p.suffix == ".jsonl" for p in paths) and any(p.name == "users.json" for p in paths)
    for path in [tmp_path / "ws", *paths]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


def test_a_missing_vendor_file_is_a_404_naming_make_setup(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "NODE_MODULES", tmp_path / "node_modules")  # nothing installed there
    monkeypatch.setattr(assets, "BUILD_DIR", tmp_path / "build")  # nothing bundled there
    with TestClient(create_app(Workspace.resolve(tmp_path), Settings())) as client:
        for path in ("bundle/chart.js", "@duckdb/duckdb-wasm/dist/duckdb-browser.mjs"):
            r = client.get(f"/static/vendor/{path}")
            assert r.status_code == 404 and "make setup" in r.json()["detail"]


@pytest.mark.parametrize("path", ["/docs", "/docs/oauth2-redirect", "/redoc"])
def test_docs_pages_load_only_local_scripts_under_a_csp(served: Served, path):
    r = httpx.get(f"{served.base}{path}", follow_redirects=True)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "cdn" not in r.text and "https://" not in r.text and "<script>" not in r.text
    for src in (s.split('"')[0] for s in r.text.split('src="')[1:]):
        assert src.startswith("/static/"), src
        asset = httpx.get(f"{served.base}{src}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith("text/javascript"), src


def test_an_mcp_session_stops_serving_when_its_key_is_revoked(served: Served):
    store = KeyStore(served.ws)
    record, key = store.create(TENANT, "revoked during an MCP session")
    params = StdioServerParameters(command=GATA, args=["mcp", "--workspace", str(served.ws.root), "--key", key])

    async def session() -> tuple[str, str]:
        async with Client(params) as client:
            before = await client.call_tool("list_models", {})
            proc = subprocess.run(
                [GATA, "keys", "revoke", record.key_id, "--workspace", str(served.ws.root)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert proc.returncode == 0, proc.stderr
            after = [
                await client.call_tool(tool, args)
                for tool, args in (
                    ("list_models", {}),
                    ("get_model", {"model": "orders"}),
                    ("query", {"query": {"model": "orders", "measures": ["revenue"]}}),
                    ("ask", {"question": "revenue last 7 days"}),
                )
            ]
        return json.dumps(before.structured_content), [json.dumps(a.structured_content) for a in after]

    before, after = asyncio.run(session())
    assert "ad_performance" in before
    for answer in after:
        assert "invalid or revoked API key" in answer and '"rows"' not in answer
