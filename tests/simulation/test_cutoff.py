"""A pull stops at its moment (issue 19, finding 1): a day read before it ends holds only what happened by
then (orders, events, ad delivery pro-rated), and the next sync, which reads that day again diffed against
what the cut pull saw, brings exactly the rest: first pull plus sync holds what one later pull holds."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from gata.config import load_config
from gata.connectors.arrow import as_arrow
from gata.connectors.pull import pull, window
from gata.ingest.changes import pull_changes
from gata.ingest.natural_id import NATURAL_ID, add_natural_id
from gata.simulation.cutoff import data_through, day_end

DAY = date(2025, 6, 30)
MOMENT = datetime(2025, 6, 30, 9, 30, tzinfo=UTC)
WATCHED = [("shopify", "orders"), ("google_analytics", "events"), ("facebook_ads", "facebook_insights")]


@pytest.fixture(scope="module")
def demo():
    return load_config()


def _ids(batches, catalog) -> dict[tuple[str, str], dict[str, dict]]:
    """(connector, object) -> natural id -> record, for the watched objects."""
    out: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    for connector, obj, batch in batches:
        if (connector, obj) not in WATCHED:
            continue
        table = as_arrow(batch)
        if table.num_rows == 0:
            continue
        if NATURAL_ID not in table.column_names:
            table = add_natural_id(table, catalog[connector].objects[obj])
        for row in table.to_pylist():
            out[(connector, obj)][row.pop(NATURAL_ID)] = row
    return out


def test_data_through_is_now_only_for_today():
    now = datetime(2026, 12, 3, 20, 15, tzinfo=UTC)
    assert data_through(date(2026, 12, 3), now) == now
    assert data_through(date(2026, 12, 2), now) == day_end(date(2026, 12, 2))
    assert data_through(date(2026, 12, 9), now) == day_end(date(2026, 12, 9))  # a named future day is whole


def test_a_cut_pull_plus_the_next_sync_equals_one_later_pull(demo):
    tenant, catalog = demo.tenant("tyrell_corp"), demo.catalog
    first = _ids(pull(tenant, window(DAY, 2), as_of=DAY, until=MOMENT), catalog)
    whole_day = _ids(pull(tenant, window(DAY, 2), as_of=DAY), catalog)
    moment_us = int(MOMENT.timestamp() * 1_000_000)

    orders = first[("shopify", "orders")].values()
    todays = [o for o in orders if o["created_at"].startswith(DAY.isoformat())]
    assert todays and all(datetime.fromisoformat(o["created_at"]) < MOMENT for o in todays)
    # no change is later than the moment either: an older order fulfilled or refunded this afternoon is not yet
    assert all(datetime.fromisoformat(o["updated_at"]) < MOMENT for o in orders)
    assert max(e["event_timestamp"] for e in first[("google_analytics", "events")].values()) < moment_us
    spend_now = sum(
        float(r["spend"])
        for r in first[("facebook_ads", "facebook_insights")].values()
        if r["date_start"] == DAY.isoformat()
    )
    spend_day = sum(
        float(r["spend"])
        for r in whole_day[("facebook_ads", "facebook_insights")].values()
        if r["date_start"] == DAY.isoformat()
    )
    assert 0 < spend_now < 0.7 * spend_day  # 09:30 UTC: the night and morning of the day's delivery

    nxt = DAY + timedelta(days=1)
    synced = _ids(pull_changes(tenant, catalog, DAY, nxt, DAY - timedelta(days=1), since_until=MOMENT), catalog)
    later = _ids(pull(tenant, window(nxt, 3), as_of=nxt), catalog)
    for key in WATCHED:
        merged = {**first[key], **synced[key]}  # merge on the natural id, as landing does
        assert merged == later[key], key
