"""Relative ranges resolve to whole days; weeks start on Monday; last_N_days are N complete days."""

from __future__ import annotations

from datetime import date

import pytest

from gata.semantic.dates import DateRangeError, previous_period, resolve
from gata.semantic.query import DateRange

TODAY = date(2026, 11, 26)  # a Thursday in Q4


@pytest.mark.parametrize(
    ("relative", "start", "end"),
    [
        ("today", date(2026, 11, 26), date(2026, 11, 26)),
        ("yesterday", date(2026, 11, 25), date(2026, 11, 25)),
        ("last_7_days", date(2026, 11, 19), date(2026, 11, 25)),
        ("last_30_days", date(2026, 10, 27), date(2026, 11, 25)),
        ("this_week", date(2026, 11, 23), date(2026, 11, 26)),
        ("last_week", date(2026, 11, 16), date(2026, 11, 22)),
        ("this_month", date(2026, 11, 1), date(2026, 11, 26)),
        ("last_month", date(2026, 10, 1), date(2026, 10, 31)),
        ("this_quarter", date(2026, 10, 1), date(2026, 11, 26)),
        ("last_quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("this_year", date(2026, 1, 1), date(2026, 11, 26)),
        ("last_year", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_relative_ranges(relative, start, end):
    assert resolve(DateRange(relative=relative), TODAY) == (start, end)


def test_january_and_first_quarter_edges():
    assert resolve(DateRange(relative="last_month"), date(2026, 1, 10)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert resolve(DateRange(relative="last_quarter"), date(2026, 2, 10)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_previous_period_has_the_same_length_and_ends_before():
    assert previous_period(date(2026, 11, 19), date(2026, 11, 25)) == (date(2026, 11, 12), date(2026, 11, 18))
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 1, 29), date(2026, 2, 28))


@pytest.mark.parametrize("bad", ["last_0_days", "last_week_days", "tomorrow", "last_99999_days"])
def test_unknown_ranges_name_the_valid_ones(bad):
    with pytest.raises(DateRangeError) as exc:
        resolve(DateRange(relative=bad), TODAY)
    assert bad in str(exc.value)
