"""A tenant's end of life, for real: two small tenants onboarded and served; one offboarded (its key, user and
sessions read nothing, nothing serves it, the other tenant untouched), its slug refused until purged, the
purge leaving no byte of it in the workspace, and the slug onboarded again as a new tenant with none of the
old one's keys or records (the red team's reused-slug case)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import httpx
import pytest
import yaml

from conftest import GATA, sign_in_over_the_form, start_server, table_digest
from gata.star.snapshot import current_version, snapshot_path
from gata.workspace import Workspace

OLD, OTHER = "acme_co", "globex_co"
DAYS = "3"
TENANTS = {
    OLD: {"slug": OLD, "name": "Acme", "seed": 11, "sources": {"facebook_ads": {}, "shopify": {}}},
    OTHER: {"slug": OTHER, "name": "Globex", "seed": 12, "sources": {"google_ads": {}, "woocommerce": {}}},
}
# the slug's second life: another source mix, so any record of the first tenant would show
NEW = {"slug": OLD, "name": "Acme Reborn", "seed": 13, "sources": {"bing_ads": {}, "shopify": {}}}


def gata(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([GATA, *args], capture_output=True, text=True, timeout=600, env=env)


def write_tenants(path: Path, tenants: list[dict]) -> None:
    path.write_text(yaml.safe_dump({"tenants": tenants}, sort_keys=False))


class Fleet:
    def __init__(self, root: Path):
        self.ws = Workspace.resolve(root / "ws")
        self.file = root / "tenants.yaml"
        self.env = {**os.environ, "GATA_WORKSPACE": str(self.ws.root), "GATA_TENANTS_FILE": str(self.file)}
        self.keys: dict[str, str] = {}
        self.base = ""

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return gata(*args, env=self.env)

    def ok(self, *args: str) -> str:
        proc = self.run(*args)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        return proc.stdout

    def key(self, tenant: str | None) -> str:
        return self.ok("keys", "create", *([tenant] if tenant else ["--admin"])).strip().splitlines()[-1]

    def client(self, who: str) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {self.keys[who]}"}, timeout=60)

    def star_digests(self, slug: str) -> dict[str, tuple]:
        version = current_version(self.ws, slug)
        with duckdb.connect(str(snapshot_path(self.ws, slug, version)), read_only=True) as con:
            tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
            return {t: table_digest(con, t) for t in tables if t.startswith(("fct_", "dim_"))}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    fleet = Fleet(tmp_path_factory.mktemp("lifecycle"))
    write_tenants(fleet.file, list(TENANTS.values()))
    fleet.ok("onboard", "--all", "--days", DAYS)
    fleet.keys = {OLD: fleet.key(OLD), OTHER: fleet.key(OTHER), "admin": fleet.key(None)}
    proc = subprocess.run(
        [GATA, "users", "create", "acme-user", "--tenant", OLD, "--password-stdin"],
        input="acme-user-password-1\n",
        capture_output=True,
        text=True,
        env=fleet.env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    server, fleet.base = start_server(fleet.ws, fleet.file)
    yield fleet
    server.terminate()
    server.wait(timeout=30)


def signed_in_reads(base: str, username: str, password: str) -> int | None:
    """Sign in over the real form; the status of reading the old tenant's models then (None: not signed in)."""
    with httpx.Client(base_url=base, timeout=60) as c:
        if not sign_in_over_the_form(c, username, password):
            return None
        return c.get(f"/semantic-layer/{OLD}/models").status_code


def test_offboarding_revokes_access_stops_serving_and_leaves_the_others_alone(fleet: Fleet):
    with fleet.client(OLD) as c:
        assert c.get(f"/semantic-layer/{OLD}/models").status_code == 200
    assert signed_in_reads(fleet.base, "acme-user", "acme-user-password-1") == 200
    other_before = fleet.star_digests(OTHER)
    assert other_before[f"fct_{OTHER}__ad_performance"][0] and other_before[f"fct_{OTHER}__orders"][0]

    out = fleet.ok("offboard", OLD, "--yes")
    assert "API keys revoked: 1" in out and "users deleted: 1" in out, out

    with fleet.client(OLD) as c:
        assert c.get(f"/semantic-layer/{OLD}/models").status_code == 401
    with fleet.client("admin") as c:
        assert c.get(f"/semantic-layer/{OLD}/models").status_code == 404  # nothing serves it, even to admins
        assert (
            c.post(f"/semantic-layer/{OLD}/query", json={"model": "orders", "measures": ["orders"]}).status_code == 404
        )
        listed = {t["slug"]: t for t in c.get("/tenants").json()}
    assert listed[OLD]["status"] == "offboarded" and "archive" in listed[OLD]["message"]
    assert signed_in_reads(fleet.base, "acme-user", "acme-user-password-1") is None
    assert [t["slug"] for t in yaml.safe_load(fleet.file.read_text())["tenants"]] == [OTHER]
    archived = list((fleet.ws.root / "archive" / OLD).glob(f"*/tenants/{OLD}/warehouse.duckdb"))
    assert len(archived) == 1 and not fleet.ws.tenant_dir(OLD).exists()
    assert not (fleet.ws.serving_dir / OLD).exists()

    assert fleet.star_digests(OTHER) == other_before
    with fleet.client(OTHER) as c:
        assert c.get(f"/semantic-layer/{OTHER}/models").status_code == 200


def test_an_offboarded_slug_cannot_be_reused_before_a_purge(fleet: Fleet):
    with fleet.client("admin") as c:
        assert OLD in c.get("/onboarding/catalog").json()["taken_slugs"]
        r = c.post("/onboarding/jobs", json={"tenant": NEW, "days": 3})
    assert r.status_code == 409 and "offboarded" in r.json()["detail"] and f"gata purge {OLD}" in r.json()["detail"]
    assert OLD not in fleet.file.read_text()  # refused before the tenants file was touched

    write_tenants(fleet.file, [TENANTS[OTHER], NEW])  # added by hand: the run refuses it all the same
    proc = fleet.run("onboard", OLD, "--days", DAYS)
    assert proc.returncode != 0 and f"gata purge {OLD}" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert not fleet.ws.tenant_dir(OLD).exists()


def test_purge_refuses_an_active_tenant(fleet: Fleet):
    proc = fleet.run("purge", OTHER, "--yes")
    assert proc.returncode == 2 and "offboard it first" in proc.stderr, proc.stderr
    assert fleet.ws.warehouse_path(OTHER).exists()


def test_purge_leaves_no_byte_of_the_tenant_in_the_workspace(fleet: Fleet):
    fleet.ok("purge", OLD, "--yes")
    named = [str(p.relative_to(fleet.ws.root)) for p in fleet.ws.root.rglob("*") if OLD in p.name]
    assert named == []
    holding = [
        str(p.relative_to(fleet.ws.root))
        for p in fleet.ws.root.rglob("*")
        if p.is_file() and OLD.encode() in p.read_bytes()
    ]
    assert holding == []
    with fleet.client("admin") as c:
        assert OLD not in {t["slug"] for t in c.get("/tenants").json()}
    with fleet.client(OTHER) as c:
        assert c.get(f"/semantic-layer/{OTHER}/models").status_code == 200


def test_a_purged_slug_onboards_as_a_new_tenant_with_nothing_of_the_old(fleet: Fleet):
    fleet.ok("onboard", OLD, "--days", DAYS)
    with fleet.client(OLD) as c:  # the old tenant's key
        assert c.get(f"/semantic-layer/{OLD}/models").status_code == 401
    fleet.keys["new"] = fleet.key(OLD)
    with fleet.client("new") as c:
        assert c.get(f"/semantic-layer/{OLD}/models").status_code == 200
    version = current_version(fleet.ws, OLD)
    with duckdb.connect(str(snapshot_path(fleet.ws, OLD, version)), read_only=True) as con:
        platforms = {r[0] for r in con.execute(f"select distinct source_platform from dim_{OLD}__campaigns").fetchall()}
    assert platforms == {"bing_ads"}  # not a Facebook campaign of the first tenant among them
    assert signed_in_reads(fleet.base, "acme-user", "acme-user-password-1") is None


def test_offboarding_names_what_is_wrong(fleet: Fleet):
    for args, said in [
        (("offboard", "Not-A-Slug", "--yes"), "is not a tenant slug"),
        (("offboard", "nobody_here", "--yes"), "no tenant 'nobody_here'"),
        (("purge", "nobody_here", "--yes"), "no offboarded tenant 'nobody_here'"),
    ]:
        proc = fleet.run(*args)
        assert proc.returncode == 2 and said in proc.stderr, (args, proc.stderr)
    with fleet.client(OTHER) as c:  # a tenant's key cannot offboard anyone
        r = c.post(f"/tenants/{OTHER}/offboard", json={"confirm": OTHER})
    assert r.status_code == 403
    with fleet.client("admin") as c:
        r = c.post(f"/tenants/{OTHER}/offboard", json={"confirm": "globex"})
    assert r.status_code == 422 and "repeat the tenant's slug" in r.json()["detail"]
    assert fleet.ws.warehouse_path(OTHER).exists()
