"""Malformed-input corpus: configs, slugs in URLs, query JSON, questions and onboarding bodies. Each case gets a
4xx (or a CLI error) naming what is wrong, never a 5xx, and writes nothing: the workspace is digested before and
after."""

from __future__ import annotations

import hashlib
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import GATA, Served

TENANT = "stark_industries"
GOOD = "  - slug: acme_co\n    name: Acme\n    sources:\n      shopify: {}\n"
CONFIGS = [  # name, tenants.yaml text, what the message must name
    ("bad_yaml", "tenants:\n  - slug: acme_co\n    sources:\n      shopify: {}\n   bad: [\n", ["line 5", "YAML"]),
    ("no_tenants_key", "clients: []\n", ["top-level key 'tenants'"]),
    ("unknown_key", "tenants:\n" + GOOD + "    colour: blue\n", ["acme_co", "colour", "unknown key"]),
    ("bad_slug", "tenants:\n" + GOOD.replace("acme_co", "Acme-Co"), ["tenants[0]", "Acme-Co", "^[a-z][a-z0-9_]"]),
    (
        "bad_lever",
        "tenants:\n" + GOOD.replace("shopify: {}", "shopify:\n        generation: {products: -3}"),
        ["acme_co", "sources.shopify.generation.products", "greater than or equal to 1"],
    ),
    (
        "unknown_lever",
        "tenants:\n" + GOOD.replace("shopify: {}", "shopify:\n        generation: {avg_order_valu: 2}"),
        ["acme_co", "avg_order_valu", "allowed keys"],
    ),
    ("duplicate_slugs", "tenants:\n" + GOOD + GOOD.replace("Acme", "Acme 2"), ["acme_co", "duplicate slug"]),
    ("empty_sources", "tenants:\n" + GOOD.replace("\n      shopify: {}", " {}"), ["acme_co", "at least one"]),
    ("unknown_connector", "tenants:\n" + GOOD.replace("shopify", "snapchat_ads"), ["acme_co", "snapchat_ads"]),
]


def tree_digest(root: Path, skip: tuple[str, ...] = ("auth",)) -> str:
    """Every file's path, size and mtime below root (`skip` folders left out: sign-in sessions change)."""
    h = hashlib.sha256()
    if root.exists():
        for p in sorted(root.rglob("*")):
            rel = p.relative_to(root)
            if rel.parts[0] in skip:
                continue
            st = p.stat()
            h.update(f"{rel}:{st.st_size}:{st.st_mtime_ns}".encode())
            if p.is_file() and p.suffix == ".yaml":
                h.update(p.read_bytes())
    return h.hexdigest()


def _gata(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GATA, *args], capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("name", "text", "named"), CONFIGS, ids=[c[0] for c in CONFIGS])
def test_bad_config_is_refused_by_name_and_writes_nothing(tmp_path, name, text, named):
    config = tmp_path / "tenants.yaml"
    config.write_text(text)
    ws = tmp_path / "ws"
    before = tree_digest(tmp_path)
    commands = [
        ("validate", "--config", str(config)),
        ("onboard", "acme_co", "--days", "1", "--config", str(config), "--workspace", str(ws)),
    ]
    if name in ("bad_slug", "duplicate_slugs"):  # lenient loading leaves such tenants out: nothing left to do
        commands.append(("onboard", "--all", "--days", "1", "--config", str(config), "--workspace", str(ws)))
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda c: _gata(*c), commands))
    for command, proc in zip(commands, results, strict=True):
        out = " ".join((proc.stdout + proc.stderr).split())  # rich wraps long lines
        assert proc.returncode != 0, (command, out[-1000:])
        assert "Traceback" not in out, out[-2000:]
        assert "tenants.yaml" in out and all(n in out for n in named), (command[0], named, out[-1000:])
    assert not ws.exists(), "a refused configuration created the workspace"
    assert tree_digest(tmp_path) == before


@pytest.fixture
def untouched(served: Served):
    """Fails the test if the served workspace or its tenants file changed."""
    before = tree_digest(served.ws.root), (served.ws.root / "tenants.yaml").read_bytes()
    yield
    assert (tree_digest(served.ws.root), (served.ws.root / "tenants.yaml").read_bytes()) == before


SLUGS = ["..", "...", "stärk", "s" * 3000, "stark_industries' or '1'='1", "STARK_INDUSTRIES", "\x00", f"{TENANT} "]


@pytest.mark.parametrize("slug", SLUGS, ids=["dots", "three_dots", "unicode", "long", "sql", "upper", "nul", "space"])
def test_malformed_slug_in_url(served, untouched, slug):
    seg = quote(slug, safe="").replace(".", "%2E")  # sent as it is, not resolved as a dot segment
    with served.client(TENANT) as c:
        for method, path, body in [
            ("GET", f"/semantic-layer/{seg}/models", None),
            ("POST", f"/semantic-layer/{seg}/query", {"model": "orders", "measures": ["revenue"]}),
            ("POST", f"/semantic-layer/{seg}/ask", {"question": "revenue"}),
            ("GET", f"/semantic-layer/{seg}/tables/orders.arrow", None),
            ("GET", f"/observability/{seg}/summary", None),
        ]:
            r = c.request(method, path, json=body)
            assert r.status_code == 404, (path, r.status_code, r.text[:200])
            assert r.json() == {"detail": f"tenant '{slug}' not found"}
    with served.client(TENANT) as c:  # a slash in the slug is no route at all
        r = c.get("/semantic-layer/..%2Ftyrell_corp/models")
        assert r.status_code == 404 and "tyrell" not in r.text


Q = {"model": "ad_performance", "dimensions": ["campaign_name"], "measures": ["spend"]}


def _nested(depth: int) -> dict:
    item: dict = {"field": "spend", "op": "gt", "value": 1}
    for _ in range(depth):
        item = {"and": [item]}
    return item


QUERIES = [  # name, body, status, what the detail must name
    ("measures_not_list", {**Q, "measures": "spend"}, 422, ["measures", "valid list"]),
    ("model_not_string", {**Q, "model": 5}, 422, ["model", "valid string"]),
    ("unknown_model", {**Q, "model": "nope_model"}, 400, ["nope_model", "valid models"]),
    ("unknown_measure", {**Q, "measures": ["nope_measure"]}, 400, ["nope_measure", "valid fields"]),
    ("unknown_dimension", {**Q, "dimensions": ["nope_dim"]}, 400, ["nope_dim", "valid fields"]),
    ("field_injection", {**Q, "dimensions": ["x; drop table y"]}, 422, ["x; drop table y", "not a field name"]),
    ("bad_date", {**Q, "date_range": {"start": "2024-13-45", "end": "2024-12-31"}}, 422, ["start", "month"]),
    ("reversed_dates", {**Q, "date_range": {"start": "2024-02-01", "end": "2024-01-01"}}, 422, ["'end' is before"]),
    ("bad_relative", {**Q, "date_range": {"relative": "last_forever"}}, 400, ["last_forever", "last_N_days"]),
    ("huge_limit", {**Q, "limit": 10**12}, 422, ["limit", "10000"]),
    ("negative_limit", {**Q, "limit": -1}, 422, ["limit"]),
    ("unknown_key", {**Q, "colour": "red"}, 422, ["colour", "Extra inputs"]),
    ("bad_grain", {**Q, "time_grain": "fortnight"}, 422, ["time_grain", "fortnight"]),
    ("bad_op", {**Q, "filters": [{"field": "campaign_name", "op": "regex", "value": "x"}]}, 422, ["op", "regex"]),
    ("junk_group", {**Q, "filters": [{"and": [{"or": [{"and": [{"field": "x"}]}]}]}]}, 422, ["filters"]),
    ("object_value", {**Q, "filters": [{"field": "campaign_name", "value": {"a": 1}}]}, 422, ["value"]),
    ("wrong_value_type", {**Q, "filters": [{"field": "report_date", "op": "gte", "value": "x"}]}, 400, ["report_date"]),
    # deeper than the query grammar allows, shallow enough to pass the body's nesting limit
    ("deep_nesting", {**Q, "filters": [_nested(12)]}, 422, ["filters[0]", "levels deep"]),
    ("very_deep_nesting", {**Q, "filters": [_nested(200)]}, 400, ["nested deeper than"]),
    ("empty_query", {"model": "orders"}, 422, ["at least one dimension or measure"]),
    ("not_an_object", [], 422, ["valid dictionary"]),
]


@pytest.mark.parametrize(("name", "body", "status", "named"), QUERIES, ids=[q[0] for q in QUERIES])
def test_malformed_query(served, untouched, name, body, status, named):
    with served.client(TENANT) as c:
        r = c.post(f"/semantic-layer/{TENANT}/query", json=body)
    assert r.status_code == status, r.text[:500]
    detail = json.dumps(r.json()["detail"])
    assert all(n in detail for n in named), (named, detail[:500])


def test_query_body_that_is_not_json(served, untouched):
    with served.client(TENANT) as c:
        headers = {"content-type": "application/json"}
        r = c.post(f"/semantic-layer/{TENANT}/query", content=b"{not json", headers=headers)
    assert r.status_code == 422 and "JSON decode error" in r.text


QUESTIONS = [  # question, status (200 = refused with answered false)
    ("", 422),
    ("   ", 422),
    ("x" * 10_000, 422),
    ("spend\x00\x07 by\x1b[31m platform", 200),
    ("'; DROP TABLE fct_stark_industries__orders; --", 200),
    ("select * from fct_tyrell_corp__orders", 200),
    ("\u202espend by platform", 200),
    ("{" * 400, 200),
]


@pytest.mark.parametrize(("question", "status"), QUESTIONS, ids=[f"q{i}" for i in range(len(QUESTIONS))])
def test_malformed_question(served, untouched, question, status):
    with served.client(TENANT) as c:
        r = c.post(f"/semantic-layer/{TENANT}/ask", json={"question": question})
    assert r.status_code == status, r.text[:300]
    if status == 422:
        assert "question" in json.dumps(r.json()["detail"])
    else:
        body = r.json()
        assert body["answered"] is False and body["rows"] == [] and body["message"]
        assert "tyrell" not in json.dumps({k: v for k, v in body.items() if k != "question"})


NEW = {"slug": "acme_co", "name": "Acme", "sources": {"shopify": {}}}
WIZARD = [  # body, status, what the answer must name
    ({"tenant": {**NEW, "slug": "Bad Slug"}}, 422, ["slug", "Bad Slug"]),
    ({"tenant": {**NEW, "slug": "../../../tmp/x"}}, 422, ["slug", "../../../tmp/x"]),
    ({"tenant": {"name": "x"}}, 422, ["slug", "required"]),
    ({"tenant": {**NEW, "slug": ["a"]}}, 422, ["slug", "must be a string"]),
    ({"tenant": {**NEW, "sources": {"snapchat_ads": {}}}}, 422, ["sources.snapchat_ads", "unknown connector"]),
    (
        {"tenant": {**NEW, "sources": {"shopify": {"generation": {"products": -1}}}}},
        422,
        ["sources.shopify.generation.products"],
    ),
    ({"tenant": {**NEW, "sources": {}}}, 422, ["sources", "at least one"]),
    ({"tenant": {**NEW, "colour": 1}}, 422, ["colour", "unknown key"]),
    ({"tenant": {**NEW, "id_namespace": "abc"}}, 422, ["id_namespace"]),
    ({"tenant": "acme_co"}, 422, ["tenant", "valid dictionary"]),
    ({"tenant": NEW, "days": 0}, 422, ["days", "greater than or equal to 1"]),
    ({"tenant": NEW, "days": "many"}, 422, ["days", "valid integer"]),
    ({"tenant": NEW, "days": 100_000}, 422, ["days", "365"]),
    ({"tenant": {**NEW, "slug": TENANT}}, 409, [TENANT, "already exists"]),
    ({}, 422, ["tenant", "Field required"]),
]


@pytest.mark.parametrize(("body", "status", "named"), WIZARD, ids=[f"w{i}" for i in range(len(WIZARD))])
def test_malformed_onboarding_body(served, untouched, body, status, named):
    """Admin key: refused with the issues named, the tenants file unchanged, no job recorded or started."""
    with served.client("admin") as c:
        jobs = c.get("/onboarding/jobs").json()
        r = c.post("/onboarding/jobs", json=body)
        assert r.status_code == status, r.text[:500]
        answer = json.dumps(r.json())
        assert all(n in answer for n in named), (named, answer[:500])
        assert c.get("/onboarding/jobs").json() == jobs
