"""Schema drift against what earlier loads held: a registered field a new tenant's source has not sent yet (a
shop with no cancelled order has no cancel fields) is not "removed"; a field an earlier load held and this one
lacks still is. Real pulls landed into a fresh tenant's own database."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pyarrow.parquet as pq
import pytest

from gata.config import load_config
from gata.config.loader import DEFAULT_TENANTS
from gata.ingest.run import generate_tenant, land_pending
from gata.workspace import Workspace

TENANT = "tyrell_corp"  # its shop is Shopify
END = date(2026, 11, 20)
ORDERS = ("shopify", "orders")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    ws = Workspace.resolve(tmp_path_factory.mktemp("drift") / "ws")
    return load_config(DEFAULT_TENANTS), ws


def land_without(config, ws: Workspace, end: date, field: str) -> str:
    """Pull and land two days ending `end`, the shop's orders sent without `field`; the shop's load id."""
    pending = generate_tenant(config, TENANT, ws, days=2, end_date=end)
    staged = pending.staged.objects[ORDERS]
    assert field in pending.expected_schemas[ORDERS], f"{field} must be a registered field of Shopify orders"
    for path in staged.files:
        table = pq.read_table(path)
        assert field in table.column_names, f"the pull sends {field}: dropping it is what the test is about"
        pq.write_table(table.drop_columns([field]), path)
    run = land_pending(pending, ws)
    return next(ld.load_ids[0] for ld in run.loads if ld.connector == "shopify")


REMOVED = (
    "select field, first_seen_load_id from gata_platform.schema_drift where tenant_slug = ? and change = 'removed'"
)


def removed(ws: Workspace) -> dict[str, str]:
    """Removed fields of the shop's orders -> the load that first lacked them."""
    with duckdb.connect(str(ws.warehouse_path(TENANT)), read_only=True) as con:
        return dict(con.execute(REMOVED, [TENANT]).fetchall())


def test_a_field_never_sent_is_not_removed_and_one_sent_before_is(fresh):
    config, ws = fresh
    # load 1, a brand-new tenant: its shop has never sent closed_at, so nothing was removed
    land_without(config, ws, END - timedelta(days=4), "closed_at")
    assert removed(ws) == {}
    # load 2 sends closed_at and lacks landing_site, which load 1 held: that one is removed
    second = land_without(config, ws, END - timedelta(days=2), "landing_site")
    assert removed(ws) == {"landing_site": second}
    # load 3 lacks closed_at again: load 2 held it, so now it is a removal too
    third = land_without(config, ws, END, "closed_at")
    assert removed(ws) == {"landing_site": second, "closed_at": third}
