"""Isolation suite: every route of the app (API and pages) x every ordered pair of demo tenants x every kind of
credential, over real HTTP against the served demo; also the MCP server and every star table as Arrow.

Routes are enumerated from the app itself, so a new endpoint fails `test_every_route_is_classified` until it
is given a class here (and with it an expectation). The result table (route x credential -> outcomes) is
printed at the end (`-s`) and written to test-artifacts/isolation.md.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import itertools
import json
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyarrow as pa
import pytest
from fastapi.routing import iter_route_contexts
from mcp.client.stdio import StdioServerParameters

from conftest import ADMIN, DEMO, GATA, REPO, Served, create_web_users, password_of, user_of
from gata.api.app import create_app
from gata.api.keys import KeyStore
from gata.config.loader import load_config
from gata.settings import Settings
from gata.workspace import Workspace
from mcp import Client

NOBODY = "no_such_tenant"
QUERY = {"model": "ad_performance", "dimensions": ["campaign_name", "campaign_key"], "measures": ["spend"]}
NEW_TENANT = {"tenant": {"slug": "intruder_co", "name": "Intruder", "sources": {"shopify": {}}}, "days": 1}
ARTIFACT = REPO / "test-artifacts" / "isolation.md"

# route classes: how each route must answer each credential
TENANT_API, ADMIN_API, TENANT_PAGE, ADMIN_PAGE, PICKER, PUBLIC, SIGN_IN, SIGN_OUT, ACCOUNT = (
    "tenant API",
    "admin API",
    "tenant page",
    "admin page",
    "picker page",
    "public",
    "sign-in",
    "sign-out",
    "account",  # the signed-in user's own account page and forms: any session, else sign in first
)
# (method, path template) -> (class, concrete path with {tenant} and {key} left to fill, body, authorized status)
ROUTES: dict[tuple[str, str], tuple[str, str, dict | None, int]] = {
    ("GET", "/semantic-layer/{tenant}/models"): (TENANT_API, "/semantic-layer/{tenant}/models", None, 200),
    ("GET", "/semantic-layer/{tenant}/models/{model}"): (
        TENANT_API,
        "/semantic-layer/{tenant}/models/orders",
        None,
        200,
    ),
    ("POST", "/semantic-layer/{tenant}/query"): (TENANT_API, "/semantic-layer/{tenant}/query", QUERY, 200),
    ("GET", "/semantic-layer/{tenant}/tables/{table}.arrow"): (
        TENANT_API,
        "/semantic-layer/{tenant}/tables/campaigns.arrow",
        None,
        200,
    ),
    ("POST", "/semantic-layer/{tenant}/ask"): (
        TENANT_API,
        "/semantic-layer/{tenant}/ask",
        {"question": "spend by campaign"},
        200,
    ),
    ("GET", "/semantic-layer/{tenant}/grammar"): (TENANT_API, "/semantic-layer/{tenant}/grammar", None, 200),
    ("GET", "/observability/{tenant}/summary"): (TENANT_API, "/observability/{tenant}/summary", None, 200),
    ("GET", "/observability/{tenant}/runs"): (TENANT_API, "/observability/{tenant}/runs", None, 200),
    ("GET", "/observability/{tenant}/runs/{run_id}/models"): (
        TENANT_API,
        "/observability/{tenant}/runs/latest/models",
        None,
        200,
    ),
    ("GET", "/observability/{tenant}/freshness"): (TENANT_API, "/observability/{tenant}/freshness", None, 200),
    ("GET", "/observability/{tenant}/tests"): (TENANT_API, "/observability/{tenant}/tests", None, 200),
    ("GET", "/observability/{tenant}/identity-resolution"): (
        TENANT_API,
        "/observability/{tenant}/identity-resolution",
        None,
        200,
    ),
    ("GET", "/observability/{tenant}/lineage"): (TENANT_API, "/observability/{tenant}/lineage?table=orders", None, 200),
    ("GET", "/observability/{tenant}/lineage/row"): (
        TENANT_API,
        "/observability/{tenant}/lineage/row?table=campaigns&key={key}",
        None,
        200,
    ),
    ("GET", "/observability/{tenant}/drift"): (TENANT_API, "/observability/{tenant}/drift", None, 200),
    ("GET", "/onboarding/catalog"): (ADMIN_API, "/onboarding/catalog", None, 200),
    ("POST", "/onboarding/jobs"): (ADMIN_API, "/onboarding/jobs", NEW_TENANT, 409),  # admin: the slug is taken
    ("GET", "/onboarding/jobs"): (ADMIN_API, "/onboarding/jobs", None, 200),
    ("GET", "/onboarding/schedule"): (ADMIN_API, "/onboarding/schedule?cron=0%206%20*%20*%20*", None, 200),
    ("GET", "/onboarding/jobs/{job_id}"): (ADMIN_API, "/onboarding/jobs/20990101T000000-000000", None, 404),
    ("POST", "/onboarding/jobs/{job_id}/retry"): (
        ADMIN_API,
        "/onboarding/jobs/20990101T000000-000000/retry",
        None,
        404,
    ),
    # connecting live sources (admins): the answers name secrets, never their values; a test without a body is
    # refused before anything is tried or stored
    ("GET", "/onboarding/connections/sources"): (ADMIN_API, "/onboarding/connections/sources", None, 200),
    ("GET", "/onboarding/connections/{tenant}/{connector}"): (
        ADMIN_API,
        "/onboarding/connections/tyrell_corp/shopify",
        None,
        200,
    ),
    ("POST", "/onboarding/connections/test"): (ADMIN_API, "/onboarding/connections/test", {}, 422),
    # the lifecycle, probed on no tenant with a confirmation that does not match: refused before any change
    ("GET", "/tenants"): (ADMIN_API, "/tenants", None, 200),
    ("GET", "/tenants/overview"): (ADMIN_API, "/tenants/overview", None, 200),
    ("POST", "/tenants/{slug}/offboard"): (ADMIN_API, "/tenants/nobody_here/offboard", {"confirm": "no"}, 422),
    ("POST", "/tenants/{slug}/purge"): (ADMIN_API, "/tenants/nobody_here/purge", {"confirm": "no"}, 422),
    ("GET", "/admin/tenants"): (ADMIN_PAGE, "/admin/tenants", None, 200),
    ("GET", "/admin/overview"): (ADMIN_PAGE, "/admin/overview", None, 200),
    ("GET", "/app/{tenant}"): (TENANT_PAGE, "/app/{tenant}", None, 200),
    ("GET", "/app/{tenant}/explore"): (TENANT_PAGE, "/app/{tenant}/explore", None, 200),
    ("GET", "/app/{tenant}/health"): (TENANT_PAGE, "/app/{tenant}/health", None, 200),
    ("GET", "/app/{tenant}/local"): (TENANT_PAGE, "/app/{tenant}/local?model=webllm", None, 200),
    ("GET", "/admin/onboard"): (ADMIN_PAGE, "/admin/onboard", None, 200),
    ("GET", "/admin/onboard/jobs/{job_id}"): (ADMIN_PAGE, "/admin/onboard/jobs/20990101T000000-000000", None, 200),
    ("GET", "/app"): (PICKER, "/app", None, 200),
    ("GET", "/account"): (ACCOUNT, "/account", None, 200),
    # a JSON body carries no form token: refused (403) before anything changes
    ("POST", "/account/password"): (ACCOUNT, "/account/password", None, 403),
    ("POST", "/account/sign-out-everywhere"): (ACCOUNT, "/account/sign-out-everywhere", None, 403),
    ("POST", "/admin/users/{username}/sign-out-everywhere"): (
        ADMIN_API,
        "/admin/users/nobody-here/sign-out-everywhere",
        None,
        404,
    ),
    ("GET", "/"): (PUBLIC, "/", None, 303),
    ("GET", "/health"): (PUBLIC, "/health", None, 200),
    ("GET", "/openapi.json"): (PUBLIC, "/openapi.json", None, 200),
    ("GET", "/docs"): (PUBLIC, "/docs", None, 200),
    ("GET", "/docs/oauth2-redirect"): (PUBLIC, "/docs/oauth2-redirect", None, 200),
    ("GET", "/redoc"): (PUBLIC, "/redoc", None, 307),  # to /docs
    ("GET", "/static/vendor/{path:path}"): (PUBLIC, "/static/vendor/bundle/chart.js", None, 200),
    ("GET", "/static/app/{path:path}"): (PUBLIC, "/static/app/js/api.js", None, 200),
    ("GET", "/login"): (PUBLIC, "/login", None, 200),
    ("POST", "/login"): (SIGN_IN, "/login", None, 403),  # a POST not from our form signs nobody in
    ("POST", "/logout"): (SIGN_OUT, "/logout", None, 303),
}
KINDS = [
    "tenant key",
    "admin key",
    "revoked key",
    "wrong key",
    "none",
    "tenant session",
    "tenant session, no CSRF",
    "admin session",
    "admin session, no CSRF",
]
TENANT_CREDS = {"tenant key", "tenant session", "tenant session, no CSRF"}
NO_CSRF = {"tenant session, no CSRF", "admin session, no CSRF"}  # a cross-site form post carries the cookie only
SESSION_CREDS = {"tenant session", "admin session", *NO_CSRF}
WRONG_KEY = "gata_0123456789ab_" + "A" * 43


def _app_routes(root: Path) -> set[tuple[str, str]]:
    app = create_app(Workspace.resolve(root), Settings())
    found = set()
    for ctx in iter_route_contexts(app.routes):
        for method in sorted(ctx.methods or {"GET"}):  # a mount answers GET
            if method != "HEAD":
                found.add((method, ctx.path))
    return found


def test_every_route_is_classified(tmp_path):
    """A new route needs an isolation expectation before it ships; a removed one must leave the table."""
    found = _app_routes(tmp_path)
    assert found - ROUTES.keys() == set(), "routes without an isolation class: add them to ROUTES"
    assert ROUTES.keys() - found == set(), "classified routes that no longer exist"


@dataclass
class Creds:
    keys: dict[str, str]  # "<tenant>" / "admin" / "revoked <tenant>"
    sessions: dict[str, tuple[str, str]]  # tenant slug or "admin" -> (cookie, csrf token)
    markers: dict[str, set[str]]  # tenant -> its distinctive values (slug, display name, campaign names and keys)
    slug_markers: dict[str, set[str]]  # tenant -> slug and display name only
    campaign_key: dict[str, str]


def sign_in(base: str, username: str) -> tuple[str, str]:
    """A real sign-in over HTTP: the login form's CSRF cookie and field, then the page's session CSRF token."""
    with httpx.Client(base_url=base, timeout=60) as c:
        form = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        r = c.post("/login", data={"username": username, "password": password_of(username), "csrf_token": token})
        assert r.status_code == 303, r.text[:300]
        cookie = r.cookies["gata_session"]
        page = c.get("/app", follow_redirects=True)
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    return cookie, csrf


@pytest.fixture(scope="module")
def creds(served: Served) -> Creds:
    create_web_users(served)
    keys = dict(served.keys)
    store = KeyStore(served.ws)  # the server reads the key file again when it changes
    for slug in DEMO:
        record, keys[f"revoked {slug}"] = store.create(slug, "revoked by the isolation suite")
        assert store.revoke(record.key_id)
    sessions = {slug: sign_in(served.base, user_of(slug)) for slug in DEMO}
    sessions["admin"] = sign_in(served.base, ADMIN)
    names = {t.slug: t.name for t in load_config(REPO / "tenants.yaml").tenants}
    markers, slug_markers, campaign_key = {}, {}, {}
    for slug in DEMO:
        with served.snapshot(slug) as con:
            rows = con.execute(f'select campaign_name, campaign_key from "dim_{slug}__campaigns"').fetchall()
        slug_markers[slug] = {slug, names[slug]}
        markers[slug] = slug_markers[slug] | {r[0] for r in rows} | {r[1] for r in rows}
        campaign_key[slug] = rows[0][1]
    return Creds(keys, sessions, markers, slug_markers, campaign_key)


def _foreign(creds: Creds, own: str | None, pool: dict[str, set[str]]) -> dict[str, set[str]]:
    """Values of every other tenant that `own` does not share."""
    mine = pool.get(own, set()) if own else set()
    return {slug: pool[slug] - mine for slug in DEMO if slug != own}


def _text(r: httpx.Response) -> str:
    if r.headers.get("content-type", "").startswith("application/vnd.apache.arrow") and r.status_code == 200:
        return pa.ipc.open_stream(r.content).read_all().to_pandas().to_json()
    return r.text


_local = threading.local()


def _client(base: str) -> httpx.Client:
    if getattr(_local, "client", None) is None:
        _local.client = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
    return _local.client


def _request(served: Served, creds: Creds, kind: str, owner: str, method: str, path: str, body: dict | None):
    headers, cookie = {}, None
    if kind == "tenant key":
        headers["Authorization"] = f"Bearer {creds.keys[owner]}"
    elif kind == "admin key":
        headers["Authorization"] = f"Bearer {creds.keys['admin']}"
    elif kind == "revoked key":
        headers["Authorization"] = f"Bearer {creds.keys['revoked ' + owner]}"
    elif kind == "wrong key":
        headers["Authorization"] = f"Bearer {WRONG_KEY}"
    elif kind in SESSION_CREDS:
        who = "admin" if kind.startswith("admin session") else owner
        cookie, csrf = creds.sessions[who]
        if path == "/logout":  # signing out ends the session: use a fresh one
            cookie, csrf = sign_in(served.base, ADMIN if who == "admin" else user_of(who))
        if kind not in NO_CSRF:
            headers["X-CSRF-Token"] = csrf
            if path == "/logout":
                body = {"csrf_token": csrf}
    if cookie:
        headers["Cookie"] = f"gata_session={cookie}"
    if body and path == "/onboarding/jobs" and kind in ("admin key", "admin session"):
        body = {**body, "tenant": {**body["tenant"], "slug": DEMO[0]}}  # taken: reached, and nothing starts
    c = _client(served.base)
    c.cookies.clear()
    if path in ("/login", "/logout") and method == "POST":
        data = body or {"username": user_of(owner), "password": password_of(user_of(owner)), "csrf_token": "forged"}
        return c.request(method, path, data=data, headers=headers)
    return c.request(method, path, json=body, headers=headers)


def expected(cls: str, kind: str, method: str, path: str, own: bool, authorized: int) -> int:
    """The status a credential kind must get on a route of a class (own: the path's tenant is the caller's)."""
    key_auth = kind in ("tenant key", "admin key")
    if path == "/login" and method == "GET" and kind in SESSION_CREDS:
        return 303  # signed in already: on to the app
    if cls in (PUBLIC, SIGN_IN):
        return authorized
    if cls == SIGN_OUT:
        return 403 if kind in NO_CSRF else 303
    if cls == ACCOUNT:
        return authorized if kind in SESSION_CREDS else 303
    if cls in (TENANT_PAGE, ADMIN_PAGE, PICKER):  # pages know sessions only: anything else signs in first
        if kind not in SESSION_CREDS:
            return 303
        if cls == PICKER:
            return 200 if kind == "admin session" else 303  # a tenant user goes straight to their dashboard
        if cls == ADMIN_PAGE:
            return authorized if kind == "admin session" else 404
        return authorized if kind == "admin session" or own else 404
    if not key_auth and kind not in SESSION_CREDS:
        return 401
    if kind in NO_CSRF and method != "GET":
        return 403
    admin = kind in ("admin key", "admin session")
    if cls == ADMIN_API:
        return authorized if admin else 403
    return authorized if admin or own else 404


RESULTS: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)


def _digest(served: Served) -> str:
    """The tenants file and the jobs folder: what an onboarding POST would write."""
    h = hashlib.sha256((served.ws.root / "tenants.yaml").read_bytes())
    jobs = served.ws.root / "jobs"
    for p in sorted(jobs.rglob("*")) if jobs.exists() else []:
        h.update(str(p).encode())
    return h.hexdigest()


def _cases(creds: Creds):
    for (method, template), (cls, path, body, authorized) in ROUTES.items():
        kinds = [k for k in KINDS if k not in NO_CSRF or method != "GET"]
        tenants = [*DEMO, NOBODY] if "{tenant}" in path else [None]
        pairs = list(itertools.product(DEMO, tenants))
        for (owner, asked), kind in itertools.product(pairs, kinds):
            if asked is None and kind not in TENANT_CREDS and owner != DEMO[0]:
                continue  # the owner matters only to tenant credentials
            concrete = path.format(tenant=asked, key=creds.campaign_key.get(asked, "x")) if asked else path
            yield method, template, cls, concrete, body, authorized, owner, asked, kind


def _check(served: Served, creds: Creds, case) -> tuple[str, str, int, list[str]]:
    method, template, cls, path, body, authorized, owner, asked, kind = case
    r = _request(served, creds, kind, owner, method, path, body)
    own = asked == owner if asked else True
    problems = []
    if asked == NOBODY:  # compared with the other tenants' answers below
        return f"{method} {template}", kind, r.status_code, [], (owner, kind, template, r)
    want = expected(cls, kind, method, path, own, authorized)
    if r.status_code != want:
        problems.append(f"{kind} as {owner}: {method} {path} -> {r.status_code} (want {want}): {r.text[:200]}")
    page = cls in (TENANT_PAGE, ADMIN_PAGE, PICKER)
    to_sign_in = r.headers.get("location", "").startswith("/login?next=")
    if page and r.status_code == 303 and kind not in SESSION_CREDS and not to_sign_in:
        problems.append(f"{kind}: {path} redirects to {r.headers['location']}, not to /login")
    text = _text(r)
    # whose data may this answer hold? the path's tenant for tenant routes, the caller's tenant otherwise
    admin_view = kind in ("admin key", "admin session") and asked is None
    if not admin_view:
        holder = owner if kind in TENANT_CREDS else asked  # whose data this caller may see here
        pool = creds.markers
        if kind == "admin session" and cls == TENANT_PAGE:  # the admin's tenant picker names every tenant
            pool = {s: creds.markers[s] - creds.slug_markers[s] for s in DEMO}
        if cls == PUBLIC:  # documentation may name demo tenants as examples; never their data
            pool = {s: creds.markers[s] - creds.slug_markers[s] for s in DEMO}
        if r.status_code >= 400 and asked:  # an error echoes the slug asked for, nothing else
            pool = {s: creds.markers[s] - {asked} for s in DEMO}
        for other, values in _foreign(creds, holder, pool).items():
            leaked = sorted(v for v in values if v in text)
            if leaked:
                problems.append(f"{kind} as {owner}: {method} {path} mentions {other}: {leaked[:3]}")
    return f"{method} {template}", kind, r.status_code, problems, None


def test_isolation_matrix(served, creds, request):
    """Every route x credential kind x tenant pair: own tenant only, admin everywhere, the rest refused."""
    before = _digest(served)
    cases = list(_cases(creds))
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda c: _check(served, creds, c), cases))
    problems: list[str] = []
    nobody: dict[tuple, httpx.Response] = {}
    foreign: list[tuple] = []
    for (route, kind, status, found, probe), case in zip(outcomes, cases, strict=True):
        RESULTS[(route, kind)][status] += 1
        problems += found
        if probe:
            nobody[probe[:3]] = probe[3]
        elif case[7] and case[7] != case[6] and case[8] in TENANT_CREDS:
            foreign.append(case)
    # another tenant's route answers exactly like a tenant that does not exist (slug aside)
    for method, template, _, path, body, _, owner, asked, kind in foreign:
        r = _request(served, creds, kind, owner, method, path, body)
        ghost = nobody[(owner, kind, template)]
        if (r.status_code, _text(r).replace(asked, NOBODY)) != (ghost.status_code, _text(ghost)):
            problems.append(f"{kind} as {owner}: {path} differs from {NOBODY}: {r.status_code} {r.text[:200]}")
    assert _digest(served) == before, "a refused request wrote to the tenants file or started a job"
    assert not problems, "\n".join(problems[:20])


def _gata(*args: str, stdin: str | None = None) -> None:
    proc = subprocess.run([GATA, *args], input=stdin, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _reads_with_cookie(served: Served, creds: Creds, cookie: str, kind: str) -> list[str]:
    """Every tenant API route of every tenant with this cookie: the ones that answered with data."""
    read = []
    c = _client(served.base)
    for (method, template), (cls, path, body, _) in ROUTES.items():
        if cls != TENANT_API:
            continue
        for tenant in DEMO:
            c.cookies.clear()
            concrete = path.format(tenant=tenant, key=creds.campaign_key[tenant])
            r = c.request(method, concrete, json=body, headers={"Cookie": f"gata_session={cookie}"})
            RESULTS[(f"{method} {template}", kind)][r.status_code] += 1
            if r.status_code < 400:
                read.append(f"{method} {concrete} -> {r.status_code}")
    return read


def test_sessions_of_a_deleted_and_recreated_user_or_a_changed_password_read_nothing(served, creds):
    """Lifecycle cases: the name deleted and re-created for another tenant, the password changed. The old
    sessions read nothing on any tenant's routes, with the CSRF token or without."""
    ws = str(served.ws.root)
    tenant, moved_to = DEMO[0], DEMO[1]
    name = "iso-lifecycle"
    password = f"{name} first password"
    _gata("users", "create", name, "--tenant", tenant, "--password-stdin", "--workspace", ws, stdin=password)
    with httpx.Client(base_url=served.base, timeout=60) as c:
        form = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        r = c.post("/login", data={"username": name, "password": password, "csrf_token": token})
        assert r.status_code == 303
        cookie = r.cookies["gata_session"]
        assert c.get(f"/semantic-layer/{tenant}/models").status_code == 200
    _gata("users", "passwd", name, "--password-stdin", "--workspace", ws, stdin=f"{name} second password")
    reads = _reads_with_cookie(served, creds, cookie, "session after a password change")
    with httpx.Client(base_url=served.base, timeout=60) as c:
        form = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        data = {"username": name, "password": f"{name} second password", "csrf_token": token}
        r = c.post("/login", data=data)
        assert r.status_code == 303, "the new password signs in"
        cookie = r.cookies["gata_session"]
    _gata("users", "delete", name, "--workspace", ws)
    _gata("users", "create", name, "--tenant", moved_to, "--password-stdin", "--workspace", ws, stdin=password)
    reads += _reads_with_cookie(served, creds, cookie, "session of a deleted, re-created user")
    assert reads == [], reads[:10]


async def _mcp_session(served: Served, key: str, own: str, creds: Creds) -> tuple[list[str], list[dict]]:
    """The tools' answers as text, and the answers to questions naming another tenant's campaign."""
    others = [s for s in DEMO if s != own]
    texts, probes = [], []
    params = StdioServerParameters(command=GATA, args=["mcp", "--workspace", str(served.ws.root), "--key", key])
    async with Client(params) as client:
        calls = [("list_models", {}), ("get_model", {"model": "campaigns"}), ("query", {"query": QUERY})]
        calls.append(("ask", {"question": "spend by campaign last 30 days"}))
        for other in others:  # every way of naming another tenant's data
            calls += [
                ("get_model", {"model": f"../{other}"}),
                ("get_model", {"model": f"fct_{other}__ad_performance"}),
                ("query", {"query": {**QUERY, "model": f"fct_{other}__ad_performance"}}),
                ("query", {"query": {**QUERY, "filters": [{"field": "tenant_slug", "op": "eq", "value": other}]}}),
                ("ask", {"question": f"spend for {other}"}),
            ]
        for tool, args in calls:
            result = await client.call_tool(tool, args)
            texts.append(json.dumps(getattr(result, "structured_content", None)) + str(result.content))
        for other in others:  # the question echoes the name sent; the answer must hold nothing of it
            campaign = sorted(creds.markers[other] - creds.markers[own] - creds.slug_markers[other])[0]
            result = await client.call_tool("ask", {"question": f"spend on {campaign}"})
            probes.append(result.structured_content)
    return texts, probes


def test_mcp_serves_only_its_keys_tenant(served, creds):
    """One MCP server per tenant key; its tools answer for that tenant, whatever another tenant's name is sent."""

    async def run_all():
        return await asyncio.gather(*[_mcp_session(served, creds.keys[s], s, creds) for s in DEMO])

    for slug, (texts, probes) in zip(DEMO, asyncio.run(run_all()), strict=True):
        for answer in probes:
            assert answer["answered"] is False and answer["rows"] == [], answer
        joined = "\n".join(texts)
        assert any(v in joined for v in creds.markers[slug] - creds.slug_markers[slug]), "own data answered"
        for other, values in _foreign(creds, slug, creds.markers).items():
            # asked by name, a slug may be echoed back in a refusal; campaign names and keys never
            leaked = sorted(v for v in values - {other} if v in joined)
            RESULTS[("MCP tools", "tenant key")]["leak" if leaked else "own only"] += 1
            assert not leaked, f"{slug}'s MCP server answered with {other}'s values: {leaked[:3]}"
    for kind, key in (("revoked key", creds.keys[f"revoked {DEMO[0]}"]), ("wrong key", WRONG_KEY)):
        proc = subprocess.run(
            [GATA, "mcp", "--workspace", str(served.ws.root), "--key", key],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        RESULTS[("MCP server start", kind)][f"exit {proc.returncode}"] += 1
        assert proc.returncode == 2 and "invalid or revoked" in proc.stderr


TABLES = ["ad_performance", "orders", "sessions", "events", "campaigns", "users"]


@pytest.mark.parametrize("owner", DEMO)
def test_arrow_tables_hold_only_the_callers_rows(served, creds, owner):
    """Every star table as Arrow, by short and full name: the caller's rows only; another tenant's = 404."""
    with served.client(owner) as c:
        for table in TABLES:
            r = c.get(f"/semantic-layer/{owner}/tables/{table}.arrow", params={"limit": 20000})
            assert r.status_code == 200, (table, r.text)
            data = pa.ipc.open_stream(r.content).read_all()
            if "tenant_slug" in data.column_names:
                assert set(data.column("tenant_slug").to_pylist()) <= {owner}, table
            text = data.slice(0, 5000).to_pandas().to_json()
            for other, values in _foreign(creds, owner, creds.markers).items():
                assert not [v for v in values if v in text], (table, other)
            RESULTS[("GET arrow (every table)", "tenant key")][r.status_code] += 1
            for other in DEMO:
                if other == owner:
                    continue
                for path in (
                    f"/semantic-layer/{other}/tables/{table}.arrow",
                    f"/semantic-layer/{owner}/tables/{table.split('_')[0]}_{other}__{table}.arrow",
                    f"/semantic-layer/{owner}/tables/fct_{other}__{table}.arrow",
                    f"/semantic-layer/{owner}/tables/dim_{other}__{table}.arrow",
                ):
                    r = c.get(path)
                    RESULTS[("GET arrow (other tenant's, any name)", "tenant key")][r.status_code] += 1
                    assert r.status_code == 404, (path, r.status_code)
                    assert not [v for v in creds.markers[other] - {other} if v in r.text], path


@pytest.fixture(scope="module", autouse=True)
def result_table():
    """Printed after the module's tests (with -s) and kept as test-artifacts/isolation.md."""
    yield
    if not RESULTS:
        return
    kinds = [*KINDS, *sorted({k for _, k in RESULTS} - set(KINDS))]
    routes = list(dict.fromkeys(r for r, _ in RESULTS))
    lines = ["| route | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for route in routes:
        cells = []
        for kind in kinds:
            counts = RESULTS.get((route, kind))
            cells.append(", ".join(f"{s}×{n}" for s, n in sorted(counts.items(), key=str)) if counts else "")
        lines.append(f"| `{route}` | " + " | ".join(cells) + " |")
    total = sum(sum(c.values()) for c in RESULTS.values())
    table = "\n".join(["# Isolation suite: outcomes (status × count)", "", f"{total} checks.", "", *lines, ""])
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(table)
    print("\n" + table)
