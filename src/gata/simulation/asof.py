"""What is known about a day's activity as of a later day: late conversions and order lifecycles.

Ad platforms keep adding conversions to a day inside their attribution window; shops change an order's
state when it is fulfilled, cancelled or refunded. The simulation decides the final values and the lags
once (in `day`); these functions cut them at the as-of day, so a re-pull of a day restates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

ATTRIBUTION_WINDOW_DAYS = 7
FIRST_DAY_COMPLETENESS = 0.6


def lag_days(day: date, as_of: date) -> int:
    return (as_of - day).days


def conversion_completeness(lag: int) -> float:
    """Share of a day's final conversions the platform reports `lag` days later (1.0 from day 7 on)."""
    if lag >= ATTRIBUTION_WINDOW_DAYS:
        return 1.0
    return FIRST_DAY_COMPLETENESS + (1 - FIRST_DAY_COMPLETENESS) * max(lag, 0) / ATTRIBUTION_WINDOW_DAYS


def reported(final: np.ndarray, lag: int) -> np.ndarray:
    """Counts or cents as reported `lag` days after the day: floor, so restatements only ever grow."""
    c = conversion_completeness(lag)
    if c >= 1.0:
        return np.asarray(final, dtype=np.int64)
    return np.floor(np.asarray(final, dtype=np.float64) * c).astype(np.int64)


def reported_value(final_value: np.ndarray, final_count: np.ndarray, lag: int) -> np.ndarray:
    """Conversion value as reported `lag` days later: in proportion to the count reported so far, so a
    row never shows value without conversions."""
    count = reported(final_count, lag)
    final_value = np.asarray(final_value, dtype=np.int64)
    final_count = np.asarray(final_count, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(final_count > 0, count / np.maximum(final_count, 1), 0.0)
    return np.where(count >= final_count, final_value, np.floor(final_value * share)).astype(np.int64)


@dataclass(frozen=True)
class OrderState:
    cancelled: bool
    fulfilled: bool
    refunded: bool
    cancel_day: int  # lag in days of each change, -1 when it has not happened (yet)
    fulfil_day: int
    refund_day: int


def order_state(fulfil_lag: int, cancel_lag: int, refund_lag: int, lag: int) -> OrderState:
    cancelled = 0 <= cancel_lag <= lag
    fulfilled = not cancelled and cancel_lag < 0 and fulfil_lag <= lag
    fulfilled = fulfilled or (cancel_lag >= 0 and fulfil_lag < cancel_lag and fulfil_lag <= lag)
    refunded = 0 <= refund_lag <= lag
    return OrderState(
        cancelled=cancelled,
        fulfilled=fulfilled and not cancelled,
        refunded=refunded,
        cancel_day=cancel_lag if cancelled else -1,
        fulfil_day=fulfil_lag if fulfilled and not cancelled else -1,
        refund_day=refund_lag if refunded else -1,
    )
