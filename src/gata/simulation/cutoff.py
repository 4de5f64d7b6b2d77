"""A day seen before it ends: what the APIs return about today at a given moment.

A run's data stops at the run's moment. The simulation decides the whole day (so the day stays the same
whenever it is read) and this module cuts it: sessions, events and orders that start after the moment are
not there yet, an event stream stops mid-session, and the ad platforms report the spend, impressions and
clicks delivered so far: each ad account's day, pro-rated by the share of its landed clicks (sessions)
that already happened, which follows the traffic's hour-of-day curve. Conversions are counted again on the
orders placed so far.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from gata.simulation.day import DAY_US, EPOCH, AdDay, DaySim, Orders, Sessions, attribute_to_ads, simulate_day
from gata.simulation.world import World


def day_end(day: date) -> datetime:
    """The first moment after `day` (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(0), UTC)


def data_through(as_of: date, now: datetime | None = None) -> datetime:
    """The moment a pull as of `as_of` sees data up to (exclusive): `now` when the as-of day is today (UTC),
    the end of the day otherwise. A past day is complete; so is a future one, which only a test or a demo
    asks for by naming the day (its world's clock is that day)."""
    now = now or datetime.now(UTC)
    end = day_end(as_of)
    if now.astimezone(UTC).date() == as_of:
        return now.astimezone(UTC)
    return end


def is_partial(day: date, until: datetime | None) -> bool:
    return until is not None and until < day_end(day)


def _us(moment: datetime) -> int:
    return int((moment - datetime.combine(EPOCH, time(0), UTC)) / timedelta(microseconds=1))


def seen_short(full: DaySim, until: datetime | None) -> bool:
    """Whether a pull at `until` sees less of the day than there is: the day is not over, or it is but its
    late sessions still run past `until` (events of a session begun before midnight go on after it)."""
    if until is None:
        return False
    until_us = _us(until)
    return is_partial(full.day, until) or bool(len(full.events) and full.events.ts_us.max() >= until_us)


def _take(obj, rows: np.ndarray):
    """A copy of a dataclass of aligned arrays and lists, keeping `rows`."""
    values = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, np.ndarray):
            values[f.name] = v[rows]
        elif isinstance(v, list):
            values[f.name] = [v[i] for i in rows.tolist()]
        else:
            values[f.name] = v
    return type(obj)(**values)


def _remap(old_index: np.ndarray, kept: np.ndarray, size: int) -> np.ndarray:
    """New positions of references into a table of `size` rows of which `kept` remain (-1 when dropped)."""
    position = np.full(size + 1, -1, dtype=np.int64)
    position[kept] = np.arange(len(kept))
    return position[np.where(old_index < 0, size, old_index)]


def _cut_ads(world: World, full: DaySim, sessions_kept: np.ndarray, until_us: int) -> list[AdDay]:
    """Each ad's delivery so far: spend, impressions, reach, views pro-rated, clicks at least the sessions."""
    s = full.sessions
    started = s.start_us < until_us
    elapsed_all = float(started.mean()) if len(s) else (until_us % DAY_US) / DAY_US
    out = []
    for ai, a in enumerate(full.ads):
        mine = s.account == ai
        share = float(started[mine].mean()) if mine.any() else elapsed_all
        landed = np.bincount(s.ad[mine & started], minlength=len(a.spend_cents))
        clicks = np.minimum(np.maximum(np.floor(a.clicks * share).astype(np.int64), landed), a.clicks)
        spend = np.floor(a.spend_cents * share).astype(np.int64)
        impressions = np.maximum(np.floor(a.impressions * share).astype(np.int64), clicks)
        impressions = np.maximum(impressions, (spend > 0).astype(np.int64))
        zeros = np.zeros(len(spend), dtype=np.int64)
        out.append(
            AdDay(
                spend_cents=spend,
                impressions=impressions,
                clicks=clicks,
                purchases=zeros.copy(),
                revenue_cents=zeros.copy(),
                conversions_final=zeros.copy(),
                conversions_value_final_cents=zeros.copy(),
                reach=np.minimum(np.floor(a.reach * share).astype(np.int64), impressions),
                video_views=np.minimum(np.floor(a.video_views * share).astype(np.int64), impressions),
            )
        )
    return out


def cut_day(world: World, full: DaySim, until: datetime) -> DaySim:
    """The day as known at `until` (unchanged when `until` is past everything in it)."""
    if not seen_short(full, until):
        return full
    until_us = _us(until)
    s, ev, o = full.sessions, full.events, full.orders
    kept_sessions = np.flatnonzero(s.start_us < until_us)
    kept_orders = np.flatnonzero(o.created_us < until_us)
    kept_events = np.flatnonzero(ev.ts_us < until_us)
    sessions: Sessions = _take(s, kept_sessions)
    orders: Orders = _take(o, kept_orders)
    events = ev.take(kept_events)
    events.session = _remap(events.session, kept_sessions, len(s))
    orders.session = _remap(orders.session, kept_sessions, len(s))
    sessions.order = _remap(sessions.order, kept_orders, len(o))
    ads = _cut_ads(world, full, kept_sessions, until_us)
    attribute_to_ads(world, full.day, ads, sessions, orders)
    return DaySim(
        day=full.day, ads=ads, sessions=sessions, events=events, orders=orders, orders_of_day=len(full.orders)
    )


def simulate_until(world: World, day: date, until: datetime | None = None) -> DaySim:
    """The simulated day as a pull at `until` sees it (the whole day when `until` is None or past its end)."""
    full = simulate_day(world, day)
    return full if until is None else cut_day(world, full, until)
