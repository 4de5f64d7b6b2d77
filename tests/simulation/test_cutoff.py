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
# just after midnight: the day before is over, but its sessions begun late still run into this one (tyrell's
# 2025-06-23 has page views until 01:00 the next day): their events after the moment are not there yet
AFTER_MIDNIGHT = datetime(2025, 6, 24, 0, 20, tzinfo=UTC)
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


@pytest.mark.parametrize(
    ("moment", "most_of_the_spend", "orders_today"),
    [(MOMENT, 0.7, True), (AFTER_MIDNIGHT, 0.1, False)],
    ids=["morning", "after-midnight"],
)
def test_a_cut_pull_plus_the_next_sync_equals_one_later_pull(demo, moment, most_of_the_spend, orders_today):
    tenant, catalog, day = demo.tenant("tyrell_corp"), demo.catalog, moment.date()
    first = _ids(pull(tenant, window(day, 2), as_of=day, until=moment), catalog)
    whole_day = _ids(pull(tenant, window(day, 2), as_of=day), catalog)
    moment_us = int(moment.timestamp() * 1_000_000)

    orders = first[("shopify", "orders")].values()
    todays = [o for o in orders if o["created_at"].startswith(day.isoformat())]
    assert bool(todays) == orders_today  # 09:30: the morning's orders; 00:20: none yet
    # no record and no change is later than the moment: not an order of the day before placed after midnight,
    # nor an older order fulfilled or refunded this afternoon
    assert all(datetime.fromisoformat(o["created_at"]) < moment for o in orders)
    assert all(datetime.fromisoformat(o["updated_at"]) < moment for o in orders)
    assert max(e["event_timestamp"] for e in first[("google_analytics", "events")].values()) < moment_us
    spend_now = sum(
        float(r["spend"])
        for r in first[("facebook_ads", "facebook_insights")].values()
        if r["date_start"] == day.isoformat()
    )
    spend_day = sum(
        float(r["spend"])
        for r in whole_day[("facebook_ads", "facebook_insights")].values()
        if r["date_start"] == day.isoformat()
    )
    assert 0 < spend_now < most_of_the_spend * spend_day  # only the delivery so far

    nxt = day + timedelta(days=1)
    synced = _ids(pull_changes(tenant, catalog, day, nxt, day - timedelta(days=1), since_until=moment), catalog)
    later = _ids(pull(tenant, window(nxt, 3), as_of=nxt), catalog)
    for key in WATCHED:
        merged = {**first[key], **synced[key]}  # merge on the natural id, as landing does
        assert merged == later[key], key
