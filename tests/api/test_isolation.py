"""Tenant isolation over real HTTP: every endpoint x every tenant pair x (no key, own key, other tenant's
key, admin key), and injection attempts in every string field: 4xx, never 5xx, never a foreign row."""

from __future__ import annotations

import itertools
import json
from urllib.parse import quote

import httpx
import pyarrow as pa
import pytest

DEMO = ["tyrell_corp", "wayne_enterprises", "stark_industries"]
QUERY = {"model": "ad_performance", "dimensions": ["campaign_name", "source_platform"], "measures": ["spend"]}


def endpoints(tenant: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", f"/semantic-layer/{tenant}/models", None),
        ("GET", f"/semantic-layer/{tenant}/models/orders", None),
        ("POST", f"/semantic-layer/{tenant}/query", QUERY),
        ("POST", f"/semantic-layer/{tenant}/ask", {"question": "spend by campaign and platform"}),
        ("GET", f"/semantic-layer/{tenant}/tables/campaigns.arrow", None),
        ("GET", f"/observability/{tenant}/summary", None),
        ("GET", f"/observability/{tenant}/runs", None),
        ("GET", f"/observability/{tenant}/runs/latest/models", None),
        ("GET", f"/observability/{tenant}/freshness", None),
        ("GET", f"/observability/{tenant}/tests", None),
        ("GET", f"/observability/{tenant}/identity-resolution", None),
        ("GET", f"/observability/{tenant}/lineage?table=orders", None),
        ("GET", f"/observability/{tenant}/drift", None),
    ]


def _call(served, who: str | None, method: str, path: str, body: dict | None) -> httpx.Response:
    with served.client(who) as c:
        return c.request(method, path, json=body)


def _body_text(r: httpx.Response) -> str:
    if r.headers.get("content-type", "").startswith("application/vnd.apache.arrow"):
        return pa.ipc.open_stream(r.content).read_all().to_pandas().to_json()
    return r.text


def _foreign_markers(served, owner: str) -> dict[str, set[str]]:
    """Values only other tenants have: their slugs and their campaign names."""
    names: dict[str, set[str]] = {}
    for slug in DEMO:
        with served.snapshot(slug) as con:
            names[slug] = {r[0] for r in con.execute(f'select campaign_name from "dim_{slug}__campaigns"').fetchall()}
    own = names[owner]
    return {slug: ({slug} | names[slug]) - own for slug in DEMO if slug != owner}


@pytest.mark.parametrize(("owner", "asked"), list(itertools.product(DEMO, DEMO)))
def test_isolation_matrix(served, owner, asked):
    for method, path, body in endpoints(asked):
        none = _call(served, None, method, path, body)
        assert none.status_code == 401, (path, none.text)
        assert none.headers.get("www-authenticate") == "Bearer"
        mine = _call(served, owner, method, path, body)
        admin = _call(served, "admin", method, path, body)
        assert admin.status_code == 200, (path, admin.text)
        if owner == asked:
            assert mine.status_code == 200, (path, mine.text)
        else:
            assert mine.status_code == 404, (path, mine.text)
            assert mine.json() == {"detail": f"tenant '{asked}' not found"}
            continue
        text = _body_text(mine)
        for other, markers in _foreign_markers(served, owner).items():
            leaked = [m for m in markers if m in text]
            assert not leaked, f"{owner}'s answer on {path} mentions {other}: {leaked[:3]}"


def test_wrong_unknown_and_revoked_keys(served):
    path = "/semantic-layer/stark_industries/models"
    for header in ("Bearer nope", "Bearer gata_000000000000_" + "a" * 43, "Basic abc", served.keys["stark_industries"]):
        r = httpx.get(served.base + path, headers={"Authorization": header})
        assert r.status_code == 401, header
    # an unknown tenant and a tenant that does not exist look the same to a tenant key
    for slug in ("no_such_tenant", "tyrell_corp"):
        r = httpx.get(f"{served.base}/semantic-layer/{slug}/models", headers=served.headers("stark_industries"))
        assert r.status_code == 404 and r.json() == {"detail": f"tenant '{slug}' not found"}


def test_responses_never_carry_credentials(served):
    key_digests = json.loads((served.ws.auth_dir / "api_keys.json").read_text())
    secrets = [*served.keys.values(), *[k["digest"] for k in key_digests["keys"]], str(served.ws.root)]
    for method, path, body in endpoints("stark_industries") + [
        ("GET", "/health", None),
        ("GET", "/openapi.json", None),
    ]:
        r = _call(served, "stark_industries", method, path, body)
        text = r.text if "arrow" not in r.headers.get("content-type", "") else _body_text(r)
        assert not [s for s in secrets if s in text], path


INJECTIONS = [
    "stark_industries'; drop table x; --",
    "../tyrell_corp",
    "tyrell_corp/../stark_industries",
    '" or 1=1 --',
    "fct_tyrell_corp__orders",
    "a" * 300,
    "%00",
    "'; ATTACH '/etc/passwd' AS p; --",
]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_in_every_string_field(served, evil):
    tenant = "stark_industries"
    raw, evil = evil, quote(evil, safe="")  # sent as one path segment, not resolved by the client
    attempts = [
        ("GET", f"/semantic-layer/{evil}/models", None),
        ("GET", f"/semantic-layer/{tenant}/models/{evil}", None),
        ("POST", f"/semantic-layer/{evil}/query", QUERY),
        ("POST", f"/semantic-layer/{tenant}/query", {**QUERY, "model": raw}),
        ("POST", f"/semantic-layer/{tenant}/query", {**QUERY, "dimensions": [raw]}),
        ("POST", f"/semantic-layer/{tenant}/query", {**QUERY, "measures": [raw]}),
        ("POST", f"/semantic-layer/{tenant}/query", {**QUERY, "order_by": [{"field": raw}]}),
        ("POST", f"/semantic-layer/{tenant}/query", {**QUERY, "time_dimension": raw, "time_grain": "day"}),
        ("POST", f"/semantic-layer/{tenant}/query", {**QUERY, "date_range": {"relative": raw}}),
        ("POST", f"/semantic-layer/{tenant}/query", {**QUERY, "filters": [{"field": raw, "op": "eq", "value": "x"}]}),
        ("GET", f"/semantic-layer/{tenant}/tables/{evil}.arrow", None),
        ("GET", f"/semantic-layer/{tenant}/tables/orders.arrow?columns={evil}", None),
        ("GET", f"/observability/{evil}/summary", None),
        ("GET", f"/observability/{tenant}/lineage?table={evil}", None),
        ("GET", f"/observability/{tenant}/tests?status={evil}", None),
    ]
    for method, path, body in attempts:
        r = _call(served, "stark_industries", method, path, body)
        assert 400 <= r.status_code < 500, (path, body, r.status_code, r.text[:300])
        assert "tyrell" not in r.text.lower() or "tyrell" in raw, (path, r.text[:300])
    evil = raw
    # as a filter value, injection text is just a value: it matches nothing and runs as a literal
    for op, value in (("eq", evil), ("contains", evil), ("in", [evil, "x"]), ("starts_with", evil)):
        body = {**QUERY, "filters": [{"field": "campaign_name", "op": op, "value": value}]}
        r = _call(served, "stark_industries", "POST", f"/semantic-layer/{tenant}/query", body)
        assert r.status_code == 200, r.text
        assert r.json()["rows"] == []
    # a value of the wrong type for the field is a 400 naming the field, not a 500
    body = {**QUERY, "filters": [{"field": "report_date", "op": "gte", "value": evil}]}
    r = _call(served, "stark_industries", "POST", f"/semantic-layer/{tenant}/query", body)
    assert r.status_code == 400 and "report_date" in r.json()["detail"]


@pytest.mark.parametrize("slug", DEMO)
def test_a_snapshot_holds_only_its_tenants_tables_and_rows(served, slug):
    """Isolation by construction: the file the API opens for a tenant has nothing of anyone else."""
    with served.snapshot(slug) as con:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        others = [t for t in tables if any(o in t for o in DEMO if o != slug)]
        assert others == []
        assert {t for t in tables if not t.startswith(("obs_", "gata_snapshot"))} == {
            f"{p}_{slug}__{e}"
            for p, e in (
                ("fct", "ad_performance"),
                ("fct", "orders"),
                ("fct", "sessions"),
                ("fct", "events"),
                ("dim", "campaigns"),
                ("dim", "users"),
            )
        }
        for table in tables:
            columns = [r[0] for r in con.execute(f'describe "{table}"').fetchall()]
            if "tenant_slug" in columns:
                foreign = con.execute(
                    f'select count(*) from "{table}" where tenant_slug is distinct from ?', [slug]
                ).fetchone()[0]
                assert foreign == 0, table
            text = (
                con.execute(
                    f"select string_agg(t::varchar, '') from (select * from \"{table}\" limit 5000) t"
                ).fetchone()[0]
                or ""
            )
            assert not [o for o in DEMO if o != slug and o in text], table
