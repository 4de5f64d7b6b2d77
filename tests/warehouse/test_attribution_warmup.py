"""Attribution history and identity on the served demo (tests/conftest.py `served`: 21 days ending today).

Onboarding lands each analytics tool's attribution look-back before the first reported day
(gata.ingest.warmup): attribution and identity read it, the star tables report from the first reported day.
Without it, the share of sessions credited to an earlier touch climbed week by week (stark, first click:
about 4% -> 54% over three weeks of data) and week-over-week channel trends were an artifact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import DAYS, DEMO

FIRST_DAY = datetime.now(UTC).date() - timedelta(days=DAYS - 1)

# per 7-day block from the first reported day: sessions credited to another touch than their own landing
EARLIER_TOUCH_SHARE = """
select (session_date - date '{first}') // 7 as block,
       avg(((traffic_source, traffic_medium, coalesce(traffic_campaign, ''))
            <> (landing_source, landing_medium, coalesce(landing_campaign, '')))::int) as share
from "fct_stark_industries__sessions"
group by 1 order by 1
"""


def test_first_click_credit_to_earlier_touches_is_flat_week_over_week(served):
    with served.snapshot("stark_industries") as con:
        shares = [s for _, s in con.execute(EARLIER_TOUCH_SHARE.format(first=FIRST_DAY)).fetchall()]
    assert len(shares) == 3, shares
    # the first reported week already has its 30 days of history: no ramp
    assert max(shares) - min(shares) < 0.08, shares
    assert min(shares) > 0.4, shares


def test_warm_up_days_are_not_reported(served):
    for slug in DEMO:
        with served.snapshot(slug) as con:
            first_session, first_event = con.execute(
                f'select (select min(session_end_ts)::date from "fct_{slug}__sessions"), '
                f'(select min(event_date) from "fct_{slug}__events")'
            ).fetchone()
        assert first_session == first_event == FIRST_DAY, slug


def test_first_click_credits_direct_only_without_another_touch(served):
    # a session credited (direct) has no non-direct landing among its visitor's sessions in the look-back
    with served.snapshot("stark_industries") as con:
        offending = con.execute(
            """
            select count(*) from "fct_stark_industries__sessions" s
            where s.traffic_source = '(direct)' and exists (
                select 1 from "fct_stark_industries__sessions" e
                where e.user_pseudo_id = s.user_pseudo_id and e.landing_source <> '(direct)'
                  and e.session_start_ts between s.session_start_ts - interval 30 day and s.session_start_ts)"""
        ).fetchone()[0]
    assert offending == 0


def test_every_session_reaches_a_person_and_more_than_by_login_id(served):
    for slug in DEMO:
        with served.snapshot(slug) as con:
            total, keyed, by_login, identified = con.execute(
                f"""
                select count(*), count(u.user_key), count(s.user_id),
                       count(*) filter (where u.resolution <> 'anonymous')
                from "fct_{slug}__sessions" s left join "dim_{slug}__users" u using (user_key)"""
            ).fetchone()
        assert keyed == total > 0, slug
        # devices tied to a person through a login on another session, an order or an email
        assert identified > by_login * 1.2, (slug, identified, by_login)
