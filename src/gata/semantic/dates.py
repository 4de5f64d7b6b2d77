"""Relative date ranges resolved to absolute, inclusive days; weeks start on Monday; days are UTC."""

from __future__ import annotations

import re
from datetime import date, timedelta

from gata.semantic.query import RELATIVE_RANGES, DateRange

_LAST_N = re.compile(r"^last_(\d{1,4})_days$")


class DateRangeError(ValueError):
    pass


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _month_before(d: date) -> date:
    return date(d.year - 1, 12, 1) if d.month == 1 else date(d.year, d.month - 1, 1)


def resolve(rng: DateRange, today: date) -> tuple[date, date]:
    """The inclusive (start, end) days of a range. `last_N_days` ends yesterday: N complete days."""
    if rng.relative is None:
        return rng.start, rng.end  # type: ignore[return-value]
    name = rng.relative
    yesterday = today - timedelta(days=1)
    if name == "today":
        return today, today
    if name == "yesterday":
        return yesterday, yesterday
    if m := _LAST_N.match(name):
        n = int(m.group(1))
        if not 1 <= n <= 3660:
            raise DateRangeError(f"date_range.relative '{name}': N must be between 1 and 3660")
        return today - timedelta(days=n), yesterday
    week = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    quarter = _quarter_start(today)
    year = date(today.year, 1, 1)
    ranges = {
        "this_week": (week, today),
        "last_week": (week - timedelta(days=7), week - timedelta(days=1)),
        "this_month": (month, today),
        "last_month": (_month_before(month), month - timedelta(days=1)),
        "this_quarter": (quarter, today),
        "last_quarter": (_quarter_start(quarter - timedelta(days=1)), quarter - timedelta(days=1)),
        "this_year": (year, today),
        "last_year": (date(today.year - 1, 1, 1), year - timedelta(days=1)),
    }
    if name not in ranges:
        raise DateRangeError(f"date_range.relative '{name}' is not a known range; use one of: {RELATIVE_RANGES}")
    return ranges[name]


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length that ends the day before `start`."""
    length = (end - start).days + 1
    try:
        prev_end = start - timedelta(days=1)
        return prev_end - timedelta(days=length - 1), prev_end
    except OverflowError:
        raise DateRangeError(
            f"the period before {start.isoformat()}..{end.isoformat()} starts before year 1: compare a later date range"
        ) from None
