"""A workspace built before per-tenant databases (one shared warehouse.duckdb) is refused by name, and
`gata migrate` moves it: landed data and run records copied into the tenant's own database, the tenant
rebuilt from them (the same star tables as an onboarding of the same data), the old file kept, and the
sources' incremental state carried over (the next sync continues where the old workspace stood)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import duckdb
import yaml

from conftest import GATA, table_digest
from gata.config import load_config
from gata.ingest.run import ingest_tenant
from gata.star.contracts import CONTRACTS
from gata.warehouse.onboard import onboard
from gata.workspace import Workspace

SLUG = "legacy_co"
END = date(2026, 10, 1)
DAYS = 4
TENANT = {
    "slug": SLUG,
    "name": "Legacy Co",
    "seed": 5,
    "sources": {
        "google_ads": {"generation": {"campaigns": 1}},
        "shopify": {"generation": {"products": 5}},
        "mixpanel": {"generation": {"daily_sessions": 40, "users": 300}},
    },
}


def _digests(ws: Workspace) -> dict:
    with duckdb.connect(str(ws.warehouse_path(SLUG)), read_only=True) as con:
        return {
            c.table: table_digest(con, f'analytics."{c.model_name(SLUG)}"', exclude=("source_load_ids",))
            for c in CONTRACTS
        }


def _gata(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GATA, *args], capture_output=True, text=True, timeout=600)


def test_a_shared_warehouse_is_refused_then_migrated(tmp_path):
    config_path = tmp_path / "tenants.yaml"
    config_path.write_text(yaml.safe_dump({"tenants": [TENANT]}, sort_keys=False))
    config = load_config(config_path)
    # the old layout: the tenant's landed datasets (raw_<slug>__<connector>) and run records in one shared file
    legacy = Workspace.resolve(tmp_path / "legacy")
    ingest_tenant(config, SLUG, legacy, days=DAYS, end_date=END, warmup=True)  # as onboarding lands it
    shutil.move(legacy.warehouse_path(SLUG), legacy.legacy_warehouse_path)
    shutil.rmtree(legacy.root / "tenants")
    base = ["--config", str(config_path), "--workspace", str(legacy.root)]

    refused = _gata("onboard", SLUG, "--days", str(DAYS), *base)
    assert refused.returncode == 1 and "gata migrate" in refused.stderr, refused.stderr
    assert not (legacy.root / "tenants").exists()
    refused_sync = _gata("sync", SLUG, *base)
    assert refused_sync.returncode == 1 and "migrate" in refused_sync.stdout + refused_sync.stderr

    migrated = _gata("migrate", *base)
    assert migrated.returncode == 0, migrated.stdout[-3000:] + migrated.stderr[-3000:]
    assert not legacy.legacy_warehouse_path.exists()
    assert (legacy.root / "warehouse.duckdb.migrated").exists()  # kept, never deleted

    reference = Workspace.resolve(tmp_path / "reference")
    onboard(config, [SLUG], reference, days=DAYS, end_date=END)
    assert _digests(legacy) == _digests(reference)
    with duckdb.connect(str(legacy.warehouse_path(SLUG)), read_only=True) as con:
        loads = con.execute("select count(*) from gata_platform.ingest_loads").fetchone()[0]
        runs = dict(con.execute("select kind, count(*) from gata_platform.pipeline_runs group by 1").fetchall())
    assert loads > 0 and runs == {"ingest": 1, "onboard": 1}  # the old records came along

    through = (END + timedelta(days=1)).isoformat()
    synced = _gata("sync", SLUG, "--through", through, *base)
    assert synced.returncode == 0 and "synced" in synced.stdout, synced.stdout[-3000:] + synced.stderr[-3000:]
    with duckdb.connect(str(legacy.warehouse_path(SLUG)), read_only=True) as con:
        last_day = con.execute(f'select max(order_date) from analytics."fct_{SLUG}__orders"').fetchone()[0]
    assert last_day.isoformat() == through

    again = _gata("migrate", *base)
    assert again.returncode == 2 and "nothing to migrate" in again.stderr
