"""Daily syncs at the landing level, every connector: data as of a day does not depend on how it was read
(one onboarding, or an onboarding and day-by-day syncs), restated days land only what changed, a sync with
nothing new lands nothing, and dlt's resource state records how far each object was read."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from conftest import LONG, table_digest
from gata.config import load_config
from gata.connectors.base import RenderContext
from gata.connectors.registry import connector_module
from gata.ingest.changes import days_between
from gata.ingest.run import NotOnboardedError, generate_sync, generate_tenant, land_pending
from gata.ingest.sync_state import resource_states
from gata.simulation.cutoff import day_end, simulate_until
from gata.simulation.day import simulate_day
from gata.simulation.world import build_world
from gata.workspace import Workspace

FIXTURE = "tests/fixtures/all_connectors.yaml"
SLUG = "omni_corp"
D0 = date(2026, 10, 10)
HISTORY = 10
SYNCS = 12 if LONG else 4  # `make reliability`: the long sequence


def _landed(ws: Workspace) -> dict[tuple[str, str], tuple[int, str]]:
    """Row count and content digest of every landed table (dlt's own columns left out)."""
    out = {}
    with duckdb.connect(str(ws.warehouse_path(SLUG)), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where starts_with(table_schema, 'raw_') "
            "and not ends_with(table_schema, '_staging') and table_name not like '\\_dlt%' escape '\\'"
        ).fetchall()
        for schema, table in tables:
            out[(schema, table)] = table_digest(con, f'"{schema}"."{table}"', exclude=("_dlt_load_id",))
    return out


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    config = load_config(FIXTURE)
    day_by_day = Workspace.resolve(tmp_path_factory.mktemp("daily"))
    land_pending(generate_tenant(config, SLUG, day_by_day, days=HISTORY, end_date=D0), day_by_day)
    runs = []
    for i in range(1, SYNCS + 1):
        pending = generate_sync(config, SLUG, day_by_day, through=D0 + timedelta(days=i))
        runs.append(land_pending(pending, day_by_day))
    at_once = Workspace.resolve(tmp_path_factory.mktemp("once"))
    land_pending(
        generate_tenant(config, SLUG, at_once, days=HISTORY + SYNCS, end_date=D0 + timedelta(days=SYNCS)), at_once
    )
    return {"config": config, "daily": day_by_day, "once": at_once, "runs": runs}


def test_data_as_of_a_day_is_the_same_read_at_once_or_day_by_day(synced):
    daily, once = _landed(synced["daily"]), _landed(synced["once"])
    assert len(daily) >= 30 and daily.keys() == once.keys()
    different = {k: (daily[k], once[k]) for k in daily if daily[k] != once[k]}
    assert different == {}


def test_a_sync_lands_new_days_and_only_the_records_that_changed(synced):
    config = synced["config"]
    run = synced["runs"][-1]
    rows = {(load.connector, o.object): o.rows for load in run.loads for o in load.objects}
    tenant = config.tenant(SLUG)
    world = build_world(tenant)
    through = D0 + timedelta(days=SYNCS)
    sim = simulate_until(world, through, day_end(through))  # the new day as of its end
    ga4 = connector_module("google_analytics")

    def events(day_sim) -> int:
        return ga4.daily(RenderContext(world, "google_analytics", through), day_sim)["events"].num_rows

    # a new day's events arrive in full, and the day before's late sessions' events after its midnight, which
    # the previous sync (as of that day's end) could not see yet
    before = through - timedelta(days=1)
    late = events(simulate_day(world, before)) - events(simulate_until(world, before, day_end(before)))
    assert rows[("google_analytics", "events")] == events(sim) + late
    # ad reports: the new day plus the restated days whose conversions grew (not all 7 re-read days)
    fb = connector_module("facebook_ads")
    new_rows = len(fb.daily(RenderContext(world, "facebook_ads", through), sim)["facebook_insights"])
    restated = rows[("facebook_ads", "facebook_insights")] - new_rows
    assert 0 < restated < 7 * new_rows
    # orders: the new day's and older ones whose status or refunds changed
    shop = connector_module("shopify")
    new_orders = len(shop.daily(RenderContext(world, "shopify", through), sim)["orders"])
    assert rows[("shopify", "orders")] > new_orders


def test_the_state_of_every_resource_moves_with_its_load(synced):
    config = synced["config"]
    through = D0 + timedelta(days=SYNCS)
    for source in config.tenant(SLUG).enabled_sources():
        states = resource_states(synced["daily"], SLUG, source.connector)
        assert set(states) == set(config.catalog[source.connector].objects), source.connector
        # whole days (the syncs end before today): no freshness horizon inside the as-of day
        expected = {
            "first_day": (D0 - timedelta(days=HISTORY - 1)).isoformat(),
            "as_of": through.isoformat(),
            "data_through": None,
        }
        assert all(state == expected for state in states.values()), (source.connector, states)


def test_syncing_again_through_the_same_day_brings_nothing(synced):
    assert generate_sync(synced["config"], SLUG, synced["daily"], through=D0 + timedelta(days=SYNCS)) is None


def test_a_tenant_never_onboarded_cannot_sync(tmp_path):
    with pytest.raises(NotOnboardedError, match="onboard the tenant first"):
        generate_sync(load_config(FIXTURE), SLUG, Workspace.resolve(tmp_path / "ws"), through=D0)


def test_restated_days_cover_every_late_change_of_the_simulation():
    """A daily record older than its object's restated_days never changes again: the catalog's windows are
    wide enough for the simulated attribution windows and order lifecycles."""
    config = load_config(FIXTURE)
    tenant = config.tenant(SLUG)
    world = build_world(tenant)
    for day in days_between(D0 - timedelta(days=3), D0):
        sim = simulate_day(world, day)
        for source in tenant.enabled_sources():
            module, objects = connector_module(source.connector), config.catalog[source.connector].objects
            for obj, spec in objects.items():
                if spec.grain != "daily":
                    continue
                settled = RenderContext(world, source.connector, day + timedelta(days=spec.restated_days))
                later = RenderContext(world, source.connector, day + timedelta(days=spec.restated_days + 30))
                a, b = module.daily(settled, sim)[obj], module.daily(later, sim)[obj]
                a = a.to_pylist() if hasattr(a, "to_pylist") else a
                b = b.to_pylist() if hasattr(b, "to_pylist") else b
                assert a == b, (source.connector, obj, day)
