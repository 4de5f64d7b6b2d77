"""Time expressions read against a fixed day: periods, grains and comparisons, and impossible days refused."""

from __future__ import annotations

from datetime import date

import pytest

from gata.nl.text import normalise
from gata.nl.timeparse import TimeError, auto_grain, parse_time

TODAY = date(2026, 11, 26)  # a Thursday


def read(text: str):
    return parse_time(normalise(text), TODAY)


@pytest.mark.parametrize(
    ("text", "relative"),
    [
        ("spend last 30 days", "last_30_days"),
        ("spend in the past 7 days", "last_7_days"),
        ("last two weeks", "last_14_days"),
        ("yesterday", "yesterday"),
        ("today", "today"),
        ("this month", "this_month"),
        ("month to date", "this_month"),
        ("ytd", "this_year"),
        ("last week", "last_week"),
        ("previous quarter", "last_quarter"),
        ("in the last year", "last_year"),
        ("so far this week", "this_week"),
    ],
)
def test_named_periods_keep_their_relative_name(text, relative):
    r = read(text)
    assert r.date_range is not None and r.date_range.relative == relative
    assert r.grain is None and not r.compare


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("revenue in March", date(2026, 3, 1), date(2026, 3, 31)),
        ("in December", date(2025, 12, 1), date(2025, 12, 31)),  # the most recent December that has begun
        ("in November", date(2026, 11, 1), TODAY),  # never past today
        ("March 2025", date(2025, 3, 1), date(2025, 3, 31)),
        ("orders in Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("Q1 2025", date(2025, 1, 1), date(2025, 3, 31)),
        ("the second quarter", date(2026, 4, 1), date(2026, 6, 30)),
        ("since June 1", date(2026, 6, 1), TODAY),
        ("since 1st of June", date(2026, 6, 1), TODAY),
        ("since March", date(2026, 3, 1), TODAY),
        ("from 2026-11-01 to 2026-11-10", date(2026, 11, 1), date(2026, 11, 10)),
        ("between November 2 and November 9", date(2026, 11, 2), date(2026, 11, 9)),
        ("on November 20", date(2026, 11, 20), date(2026, 11, 20)),
        ("on 2026-11-20", date(2026, 11, 20), date(2026, 11, 20)),
        ("in 2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("last 3 months", date(2026, 8, 1), date(2026, 10, 31)),  # complete months before this one
    ],
)
def test_absolute_periods(text, start, end):
    r = read(text)
    assert r.date_range is not None and (r.date_range.start, r.date_range.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "grain"),
    [("daily spend", "day"), ("by week", "week"), ("per month", "month"), ("quarterly", "quarter"),
     ("by date", "day"), ("spend over time", "auto"), ("trend", "auto")],
)  # fmt: skip
def test_grains(text, grain):
    assert read(text).grain == grain


@pytest.mark.parametrize(
    ("text", "relative"),
    [
        ("revenue this month vs previous period", "this_month"),
        ("last 14 days compared to the prior period", "last_14_days"),
        ("sessions week over week", "last_7_days"),
        ("revenue mom", "last_30_days"),
        # however "the period just before" is said
        ("spend last 7 days compared with the period before", "last_7_days"),
        ("clicks this month vs the preceding one", "this_month"),
        ("revenue last 30 days against the period just prior", "last_30_days"),
        ("compare clicks in the last 7 days with the period before", "last_7_days"),
        # the period before, of the length named: never a second naming of the same period, dropped
        ("spend last 30 days vs the prior 30 days", "last_30_days"),
        ("spend last 2 weeks compared to the previous 2 weeks", "last_14_days"),
    ],
)
def test_comparisons(text, relative):
    r = read(text)
    assert r.compare and r.date_range.relative == relative


@pytest.mark.parametrize(
    ("text", "unit", "start"),
    [
        ("revenue vs last month", "month", date(2026, 10, 1)),
        ("revenue this month vs last month", "month", date(2026, 10, 1)),
        ("compare this month's spend to last month", "month", date(2026, 10, 1)),
        ("sessions this week compared to last week", "week", date(2026, 11, 16)),  # Monday of last week
        ("orders this quarter versus the previous quarter", "quarter", date(2026, 7, 1)),
        ("spend this month compared with the month before", "month", date(2026, 10, 1)),
        ("clicks this week vs the week just before", "week", date(2026, 11, 16)),
    ],
)
def test_this_period_vs_last_compares_whole_calendar_periods(text, unit, start):
    """This one to date beside the whole previous one, one row per period, not the days just before."""
    r = read(text)
    assert not r.compare and r.calendar == unit and r.grain == unit
    assert (r.date_range.start, r.date_range.end) == (start, TODAY)


@pytest.mark.parametrize(
    ("text", "unit", "start", "end"),
    [
        ("clicks last week vs the week before", "week", date(2026, 11, 9), date(2026, 11, 22)),
        ("compare last month's revenue to the previous month", "month", date(2026, 9, 1), date(2026, 10, 31)),
    ],
)
def test_last_period_vs_the_one_before_compares_two_whole_calendar_periods(text, unit, start, end):
    r = read(text)
    assert r.calendar == unit and r.grain == unit and (r.date_range.start, r.date_range.end) == (start, end)
    assert r.calendar_note.startswith(f"last {unit} beside the whole {unit} before it")


def test_the_same_period_last_year_is_refused_by_name_not_read_as_another_comparison():
    with pytest.raises(TimeError, match="the same period last year"):
        read("revenue vs the same period last year")


@pytest.mark.parametrize(
    "text", ["spend last 30 days vs the prior 7 days", "spend last 3 months vs the previous 3 months"]
)
def test_a_period_before_of_another_length_is_refused(text):
    with pytest.raises(TimeError):
        read(text)


def test_a_period_before_is_only_a_comparison_after_a_comparing_word():
    """'the period before' alone names no comparison: its words stay for the reader (which refuses them)."""
    r = read("spend the period before")
    assert not r.compare and r.date_range is None and r.spans == []


def test_all_time_is_a_period_of_its_own():
    assert read("revenue all time").date_range is None and read("revenue all time").all_time
    with pytest.raises(TimeError, match="all time"):
        read("revenue all time last month")


def test_may_the_verb_is_not_a_month_and_untimed_text_is_untouched():
    r = read("may I see spend by campaign")
    assert r.date_range is None and r.grain is None and r.spans == []


def test_matched_words_are_reported_with_their_positions():
    text = normalise("daily spend last 7 days")
    r = parse_time(text, TODAY)
    assert sorted(text[a:b] for a, b in r.spans) == ["daily", "last 7 days"]


@pytest.mark.parametrize(
    "text", ["on June 31", "last 0 days", "in March and in April", "from 2026-11-10 to 2026-11-01", "daily and weekly"]
)
def test_impossible_or_conflicting_time_is_an_error(text):
    with pytest.raises(TimeError):
        read(text)


def test_auto_grain_follows_the_period_length():
    assert auto_grain(date(2026, 11, 1), date(2026, 11, 26)) == "day"
    assert auto_grain(date(2026, 6, 1), date(2026, 11, 26)) == "week"
    assert auto_grain(date(2025, 1, 1), date(2026, 11, 26)) == "month"
    assert auto_grain(None, None) == "day"
