"""Serving while the pipeline writes, star tables as Arrow, the OpenAPI contract, keys from the CLI."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.compute as pc
import pytest

GATA = str(Path(sys.executable).parent / "gata")
TENANT = "stark_industries"
QUERIES = [
    {"model": "ad_performance", "dimensions": ["campaign_name"], "measures": ["spend", "platform_roas"]},
    {"model": "sessions", "dimensions": ["traffic_source"], "measures": ["sessions", "conversion_rate"]},
    {"model": "orders", "measures": ["revenue", "orders"], "time_grain": "week"},
    {"model": "blended", "dimensions": ["source_platform"], "measures": ["spend", "attributed_roas"]},
]


def test_queries_keep_answering_while_the_pipeline_rebuilds_and_republishes(served):
    with served.client(TENANT) as c:
        before = {i: c.post(f"/semantic-layer/{TENANT}/query", json=q).json() for i, q in enumerate(QUERIES)}
    version_before = before[0]["data_version"]
    failures: list[str] = []
    versions: set[str] = set()
    answered = [0]
    stop = threading.Event()

    def hammer(n: int) -> None:
        with served.client(TENANT) as c:
            while not stop.is_set():
                q = QUERIES[n % len(QUERIES)]
                r = c.post(f"/semantic-layer/{TENANT}/query", json=q)
                if r.status_code != 200:
                    failures.append(f"{r.status_code}: {r.text[:200]}")
                    continue
                body = r.json()
                versions.add(body["data_version"])
                if body["rows"] != before[n % len(QUERIES)]["rows"]:
                    failures.append(f"different rows for query {n % len(QUERIES)} at {body['data_version']}")
                answered[0] += 1
                n += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    try:
        # replay rebuilds the tenant's intermediate and analytics tables in the warehouse (the one writer),
        # then publishes a new snapshot
        proc = subprocess.run(
            [GATA, "replay", TENANT, "--workspace", str(served.ws.root)], capture_output=True, text=True, timeout=600
        )
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert not failures, failures[:5]
    assert answered[0] > 20
    assert len(versions) >= 2 and version_before in versions, "the readers switched to the new snapshot"
    with served.client(TENANT) as c:
        after = c.post(f"/semantic-layer/{TENANT}/query", json=QUERIES[0]).json()
    assert after["data_version"] != version_before and after["rows"] == before[0]["rows"]


def test_star_tables_as_arrow(served):
    with served.client(TENANT) as c:
        r = c.get(f"/semantic-layer/{TENANT}/tables/orders.arrow")
        assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.apache.arrow.stream"
        table = pa.ipc.open_stream(r.content).read_all()
        part = pa.ipc.open_stream(
            c.get(
                f"/semantic-layer/{TENANT}/tables/fct_{TENANT}__events.arrow?columns=event_id,event_name&limit=5"
            ).content
        ).read_all()
        bad = c.get(f"/semantic-layer/{TENANT}/tables/orders.arrow?columns=order_id,password")
        unknown = c.get(f"/semantic-layer/{TENANT}/tables/secrets.arrow")
    with served.snapshot(TENANT) as con:
        n, revenue = con.execute(f'select count(*), sum(net_revenue_reporting) from "fct_{TENANT}__orders"').fetchone()
    assert table.num_rows == n > 0
    assert float(pc.sum(table["net_revenue_reporting"]).as_py()) == pytest.approx(float(revenue))
    assert set(table["tenant_slug"].to_pylist()) == {TENANT}
    assert part.column_names == ["event_id", "event_name"] and part.num_rows == 5
    assert bad.status_code == 404 and "password" in bad.json()["detail"] and "order_id" in bad.json()["detail"]
    assert unknown.status_code == 404 and "orders" in unknown.json()["detail"]


def test_openapi_describes_every_request_and_response(served):
    doc = httpx.get(served.base + "/openapi.json").json()
    operations = [(p, m, op) for p, item in doc["paths"].items() for m, op in item.items()]
    assert {p for p, _, _ in operations} >= {
        "/health",
        "/semantic-layer/{tenant}/models",
        "/semantic-layer/{tenant}/models/{model}",
        "/semantic-layer/{tenant}/query",
        "/semantic-layer/{tenant}/tables/{table}.arrow",
    }
    for path, method, op in operations:
        success = [code for code in op["responses"] if code.startswith("2")]
        assert len(success) == 1, (path, method, success)  # 200, or 202 for starting a job
        ok = op["responses"][success[0]]["content"]
        assert any("schema" in v and v["schema"] for v in ok.values()), (path, method)
        if method == "post" and not path.endswith("/retry"):  # a retry repeats its job: no body
            assert op["requestBody"]["content"]["application/json"]["schema"], path
        if path != "/health":
            assert {"400", "401", "404"} <= set(op["responses"]), (path, method)
            assert op.get("security"), (path, method)
    query = doc["components"]["schemas"]["SemanticQuery"]["properties"]
    assert {
        "model",
        "dimensions",
        "measures",
        "filters",
        "time_grain",
        "date_range",
        "compare",
        "order_by",
        "limit",
    } <= set(query)


def test_keys_cli_prints_the_key_last_and_stores_only_a_digest(served, tmp_path):
    ws = str(served.ws.root)
    out = subprocess.run(
        [GATA, "keys", "create", TENANT, "--name", "ci", "--workspace", ws], capture_output=True, text=True, check=True
    ).stdout
    key = out.strip().splitlines()[-1]
    assert key.startswith("gata_") and key not in (served.ws.auth_dir / "api_keys.json").read_text()
    assert (
        httpx.get(
            f"{served.base}/semantic-layer/{TENANT}/models", headers={"Authorization": f"Bearer {key}"}
        ).status_code
        == 200
    )
    key_id = key.split("_")[1]
    listed = subprocess.run([GATA, "keys", "list", "--workspace", ws], capture_output=True, text=True, check=True)
    assert key_id in listed.stdout and key not in listed.stdout
    subprocess.run([GATA, "keys", "revoke", key_id, "--workspace", ws], check=True, capture_output=True)
    assert (
        httpx.get(
            f"{served.base}/semantic-layer/{TENANT}/models", headers={"Authorization": f"Bearer {key}"}
        ).status_code
        == 401
    )
    unknown = subprocess.run([GATA, "keys", "create", "nobody_here", "--workspace", ws], capture_output=True, text=True)
    assert unknown.returncode == 2 and "nobody_here" in unknown.stderr


def test_query_from_the_shell(served):
    ws = str(served.ws.root)
    ok = subprocess.run(
        [
            GATA,
            "query",
            TENANT,
            "--json",
            '{"model": "orders", "measures": ["orders"]}',
            "--output",
            "json",
            "--workspace",
            ws,
        ],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    with served.snapshot(TENANT) as con:
        n = con.execute(f'select count(*) filter (where is_revenue) from "fct_{TENANT}__orders"').fetchone()[0]
    assert f'"orders": {n}' in ok.stdout
    bad = subprocess.run(
        [GATA, "query", TENANT, "--json", '{"model": "orders", "measures": ["nope"]}', "--workspace", ws],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "nope" in bad.stderr and "revenue" in bad.stderr
