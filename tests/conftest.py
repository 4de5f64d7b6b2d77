"""A served demo: the three demo tenants onboarded for real (dlt, dbt, DuckDB), published, and the API
running as its own process on a free port, with a key per tenant and an admin key."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import httpx
import pytest

from gata.star.snapshot import current_version, snapshot_path
from gata.web.users import UserStore
from gata.workspace import Workspace

GATA = str(Path(sys.executable).parent / "gata")
REPO = Path(__file__).resolve().parents[1]
DEMO = ["tyrell_corp", "wayne_enterprises", "stark_industries"]
DAYS = 21  # ends today: relative ranges and a previous period have data
# `make reliability` (GATA_RELIABILITY=long): the long variants (more syncs, trials, platforms, seconds of load)
LONG = os.environ.get("GATA_RELIABILITY") == "long"
CENT = Decimal("0.01")


@dataclass
class Served:
    ws: Workspace
    base: str
    keys: dict[str, str]  # tenant slug (or "admin") -> key
    process: subprocess.Popen

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"} if who else {}

    def client(self, who: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers=self.headers(who), timeout=60)

    def snapshot(self, slug: str) -> duckdb.DuckDBPyConnection:
        """The tenant's published snapshot, opened read-only: what hand-written SQL is checked against."""
        gc.collect()  # a store some test let go of may still hold the file open with other DuckDB settings
        version = current_version(self.ws, slug)
        return duckdb.connect(str(snapshot_path(self.ws, slug, version)), read_only=True)


def table_digest(con: duckdb.DuckDBPyConnection, relation: str, exclude: tuple[str, ...] = ()) -> tuple[int, str]:
    """Row count and an order-independent digest of a relation's content (the `exclude` columns left out):
    equal digests, equal rows."""
    columns = f"* exclude ({', '.join(exclude)})" if exclude else "*"
    return con.execute(
        "select count(*), md5(string_agg(doc, '' order by doc)) from "
        f"(select to_json(t)::varchar as doc from (select {columns} from {relation}) t)"
    ).fetchone()


# --- what landed records say, computed independently of the dbt macros (reconciliation tests) ---------

# Per connector, straight from the landed report table: (table, spend, impressions, clicks) expressions.
RAW_AD_REPORT = {
    "facebook_ads": (
        "facebook_insights",
        "sum(spend::decimal(18,2))",
        "sum(impressions::bigint)",
        "sum(clicks::bigint)",
    ),
    "instagram_ads": (
        "facebook_insights",
        "sum(spend::decimal(18,2))",
        "sum(impressions::bigint)",
        "sum(clicks::bigint)",
    ),
    "google_ads": (
        "ad_performance",
        'sum("metrics.cost_micros") * 0.000001',
        'sum("metrics.impressions")',
        'sum("metrics.clicks")',
    ),
    "bing_ads": (
        "account_performance_report",
        'sum("Spend"::decimal(18,2))',
        'sum("Impressions"::bigint)',
        'sum("Clicks"::bigint)',
    ),
    "linkedin_ads": ("ad_analytics", 'sum("costInLocalCurrency"::decimal(18,2))', "sum(impressions)", "sum(clicks)"),
    "amazon_ads": ("advertised_product_report", "sum(cost::decimal(18,2))", "sum(impressions)", "sum(clicks)"),
    "tiktok_ads": (
        "ads_reports_daily",
        "sum((metrics->>'$.spend')::decimal(18,2))",
        "sum((metrics->>'$.impressions')::bigint)",
        "sum((metrics->>'$.clicks')::bigint)",
    ),
}


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def raw_order_total(shop: str, r: dict) -> Decimal:
    return money(r[{"shopify": "total_price", "bigcommerce": "total_inc_tax", "woocommerce": "total"}[shop]])


def raw_order_refunded(shop: str, r: dict) -> Decimal:
    if shop == "shopify":
        return sum(
            (
                money(t["amount"])
                for refund in r.get("refunds") or []
                for t in refund["transactions"]
                if t["kind"] == "refund" and t["status"] == "success"
            ),
            Decimal("0.00"),
        )
    if shop == "bigcommerce":
        return money(r["refunded_amount"])
    return sum((-money(refund["total"]) for refund in r.get("refunds") or []), Decimal("0.00"))


def raw_order_status(shop: str, r: dict) -> str:
    """The canonical status from each API's own vocabulary."""
    if shop == "shopify":
        if r.get("cancelled_at"):
            return "cancelled"
        return {"voided": "cancelled", "paid": "paid", "refunded": "refunded"}.get(
            r["financial_status"], r["financial_status"]
        )
    if shop == "bigcommerce":
        return {5: "cancelled", 4: "refunded", 14: "partially_refunded"}.get(r["status_id"], "paid")
    if r["status"] in ("cancelled", "refunded"):
        return r["status"]
    return "partially_refunded" if r.get("refunds") else "paid"


def _run(*args: str, env: dict | None = None) -> str:
    proc = subprocess.run([GATA, *args], capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first: ppid [1], utime/stime [11]/[12],
    nice [16]); None once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, their children...), from /proc."""
    parents = {int(p.name): int(f[1]) for p in Path("/proc").glob("[0-9]*") if (f := proc_stat(int(p.name)))}
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def start_server(ws: Workspace, tenants_file: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`gata serve` on a free port. Its tenants file (what the onboarding wizard writes to) is a copy of the
    repo's unless given, so no test ever changes tenants.yaml."""
    if tenants_file is None:
        tenants_file = ws.root / "tenants.yaml"
        if not tenants_file.exists():
            shutil.copy(REPO / "tenants.yaml", tenants_file)
    port = free_port()
    env = {**os.environ, "GATA_WORKSPACE": str(ws.root), "GATA_TENANTS_FILE": str(tenants_file)}
    # the server's log goes to a file: a pipe nobody reads fills up and then blocks the server mid-request
    log = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the server runs)
    proc = subprocess.Popen([GATA, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=log)
    proc.log = log  # type: ignore[attr-defined]  (read with `server_log`)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    log.seek(0)
    raise RuntimeError("the API did not start: " + log.read().decode(errors="replace")[-2000:])


def server_log(proc: subprocess.Popen) -> str:
    """What a `start_server` process has logged so far (read without moving the offset the server writes at)."""
    fd = proc.log.fileno()  # type: ignore[attr-defined]
    return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")


def built_once(tmp_path_factory, name: str, build: Callable[[Path], object]) -> tuple[Path, object]:
    """A copy of what `build` writes into an empty folder, and what it returned (as JSON), built once per test
    run: under pytest-xdist the workers share the run's temporary root, so the first to arrive builds (the others
    wait on a lock) and each gets its own copy to change as its tests please. A workspace holds no absolute path
    it reads back."""
    own = tmp_path_factory.getbasetemp()
    shared = own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own
    template = shared / f"built-{name}"
    with open(shared / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / ".built").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            (template / ".built").write_text(json.dumps(build(template)))
    copy = tmp_path_factory.mktemp(name)
    shutil.copytree(template, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".built"))
    return copy, json.loads((template / ".built").read_text())


def _build_demo(root: Path) -> dict[str, str]:
    """The served demo: three tenants onboarded, a key per tenant and an admin key."""
    _run("onboard", "--all", "--days", str(DAYS), "--workspace", str(root))
    keys = {slug: _run("keys", "create", slug, "--workspace", str(root)).strip().splitlines()[-1] for slug in DEMO}
    keys["admin"] = _run("keys", "create", "--admin", "--workspace", str(root)).strip().splitlines()[-1]
    return keys


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Served:
    root, keys = built_once(tmp_path_factory, "served", _build_demo)
    ws = Workspace.resolve(root)
    proc, base = start_server(ws)
    yield Served(ws, base, keys, proc)
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture
def server(served, monkeypatch):
    """`start(**env)`: another service process on the served workspace, with settings of the test's choosing."""
    started = []

    def start(**env: str) -> str:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        proc, base = start_server(served.ws)
        started.append(proc)
        return base

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=30)


# web users: one per demo tenant, "<tenant>-user" / "<tenant>-user-password-1", and an admin
ADMIN = "platform-admin"


def user_of(tenant: str) -> str:
    return f"{tenant.replace('_', '-')}-user"


def password_of(username: str) -> str:
    return f"{username}-password-1"


def sign_in_over_the_form(client: httpx.Client, username: str, password: str) -> bool:
    """Sign in through the real /login form (its CSRF token included); True when the server let the user in."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    data = {"username": username, "password": password, "csrf_token": token, "next": "/app"}
    return client.post("/login", data=data).status_code == 303


def create_user(ws_root: Path, username: str, *role: str) -> None:
    """`gata users create` for real (password on stdin); a user that exists already is kept."""
    if UserStore(Workspace.resolve(ws_root)).get(username) is not None:
        return
    proc = subprocess.run(
        [GATA, "users", "create", username, *role, "--password-stdin", "--workspace", str(ws_root)],
        input=password_of(username) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def create_web_users(served: Served) -> None:
    """A web user per demo tenant and an admin, on the served workspace."""
    for tenant in DEMO:
        create_user(served.ws.root, user_of(tenant), "--tenant", tenant)
    create_user(served.ws.root, ADMIN, "--admin")
