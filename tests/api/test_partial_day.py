"""A run's data stops at the run's moment (issue 19, finding 1), on the demo tenants onboarded through today:
no order, session or event later than the snapshot's `data_through`; today's ad spend is the day's delivery
pro-rated to that moment (exactly what the simulation's APIs report then), not a whole day; and every answer
whose period contains today says the day is partial: the query response, the question box's answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gata.config import load_config
from gata.simulation.cutoff import cut_day
from gata.simulation.day import simulate_day
from gata.simulation.world import build_world

DEMO = ["tyrell_corp", "wayne_enterprises", "stark_industries"]


def query(served, tenant: str, body: dict) -> dict:
    with served.client(tenant) as c:
        r = c.post(f"/semantic-layer/{tenant}/query", json=body)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("tenant", DEMO)
def test_no_record_is_later_than_the_runs_moment(served, tenant):
    today = query(served, tenant, {"model": "orders", "measures": ["orders"], "date_range": {"relative": "today"}})
    through = datetime.fromisoformat(today["data_through"])
    day = through.date()
    assert today["partial_days"] == [day.isoformat()]
    assert datetime.combine(day, datetime.min.time(), UTC) < through <= datetime.now(UTC)
    with served.snapshot(tenant) as con:
        latest = [
            con.execute(f'select max({col}) from "{table.format(s=tenant)}"').fetchone()[0]
            for table, col in (
                ("fct_{s}__orders", "order_ts"),
                ("fct_{s}__sessions", "session_start_ts"),
                ("fct_{s}__events", "event_timestamp"),
            )
        ]
    for moment in latest:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        assert moment < through, (moment, through)


def test_todays_spend_is_pro_rated_to_the_moment(served):
    """tyrell's ad accounts and reporting currency are USD: the snapshot's spend of today is exactly the
    simulated day cut at data_through, and less than the whole day's (a whole day was loaded before)."""
    tenant = "tyrell_corp"
    got = query(served, tenant, {"model": "ad_performance", "measures": ["spend"], "date_range": {"relative": "today"}})
    through = datetime.fromisoformat(got["data_through"])
    world = build_world(load_config().tenant(tenant))
    assert {a.currency for a in world.ad_accounts} == {"USD"}
    full = simulate_day(world, through.date())
    cut = cut_day(world, full, through)
    whole = sum(int(a.spend_cents.sum()) for a in full.ads)
    so_far = sum(int(a.spend_cents.sum()) for a in cut.ads)
    assert so_far < whole
    assert got["rows"][0]["spend"] == pytest.approx(so_far / 100, abs=0.005)


def test_a_period_without_today_is_whole_and_one_with_it_says_so(served):
    tenant = "stark_industries"

    def sessions(relative: str) -> dict:
        return query(
            served, tenant, {"model": "sessions", "measures": ["sessions"], "date_range": {"relative": relative}}
        )

    week = sessions("this_week")  # Monday through today
    through = datetime.fromisoformat(week["data_through"])
    assert week["partial_days"] == [through.date().isoformat()]
    assert week["notes"] and "partial" in week["notes"][0] and f"{through:%H:%M} UTC" in week["notes"][0]
    settled = sessions("last_7_days")  # ends yesterday: seven whole days
    assert settled["date_range"]["end"] == (through.date() - timedelta(days=1)).isoformat()
    assert settled["partial_days"] == [] and settled["notes"] == []
    assert settled["data_through"] == week["data_through"]  # the horizon is the data's, whatever the period


def test_an_answer_about_today_says_the_day_is_partial(served):
    with served.client("tyrell_corp") as c:
        r = c.post("/semantic-layer/tyrell_corp/ask", json={"question": "revenue today"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["answered"], answer
    assert answer["partial_days"] and answer["data_through"]
    assert any("partial" in note for note in answer["notes"])
