"""What the three analytics connectors share: the slice of a day one tool tracked, and page URLs.

Visitors are split between a tenant's analytics tools (each visitor is tracked by exactly one), so an
order's purchase event appears once across all of a tenant's analytics data.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import numpy as np

from gata.connectors.base import RenderContext
from gata.simulation.day import PAID, DaySim
from gata.simulation.world import COUNTRIES, VisitorIds, visitor_ids

PAGE_TITLES = {
    "/": "Home",
    "/checkout": "Checkout",
    "/checkout/thank-you": "Thank you for your order",
    "/account/login": "Log in",
}


@dataclass
class TrackedDay:
    """Events of the sessions one tool tracked on a day, with per-event session attributes."""

    sim: DaySim
    sessions: np.ndarray  # indices into sim.sessions
    events: np.ndarray  # indices into sim.events, in session then time order
    ev_session: np.ndarray  # session index of each selected event
    ids: VisitorIds  # identities aligned with `sessions`
    session_pos: np.ndarray  # for each selected event, position of its session within `sessions`

    def __len__(self) -> int:
        return len(self.events)


def tracked_day(ctx: RenderContext, sim: DaySim, skip_kinds: tuple[int, ...] = ()) -> TrackedDay:
    tool = ctx.tool_index()
    s, ev = sim.sessions, sim.events
    sessions = np.flatnonzero((s.tool == tool) & s.tracked)
    keep = np.isin(ev.session, sessions)
    if skip_kinds:
        keep &= ~np.isin(ev.kind, skip_kinds)
    events = np.flatnonzero(keep)
    ev_session = ev.session[events]
    session_pos = np.searchsorted(sessions, ev_session)
    return TrackedDay(
        sim=sim,
        sessions=sessions,
        events=events,
        ev_session=ev_session,
        ids=visitor_ids(ctx.world, s.visitor[sessions], s.device_slot[sessions]),
        session_pos=session_pos,
    )


def utm_query(sim: DaySim, session: int) -> str:
    """The campaign query string a session landed with ('' for direct, organic and referral)."""
    s = sim.sessions
    if s.channel[session] == PAID:
        return (
            f"?utm_source={s.source[session]}&utm_medium={s.medium[session]}"
            f"&utm_campaign={quote(s.campaign[session] or '', safe='')}&utm_content={s.ad_id[session]}"
            f"&utm_id={s.campaign_id[session]}"
        )
    if s.medium[session] == "email":
        return f"?utm_source={s.source[session]}&utm_medium=email&utm_campaign={s.campaign[session]}"
    return ""


def page_urls(ctx: RenderContext, td: TrackedDay) -> list[str]:
    """Full page URL of each event; the landing hit carries the campaign query string."""
    sim = td.sim
    domain = ctx.world.site_domain
    queries: dict[int, str] = {}
    out = []
    positions = sim.events.position[td.events].tolist()
    for e, sess, pos in zip(td.events.tolist(), td.ev_session.tolist(), positions, strict=True):
        query = ""
        if pos <= 1:
            query = queries.get(sess)
            if query is None:
                query = queries[sess] = utm_query(sim, sess)
        out.append(f"https://{domain}{sim.events.page_path[e]}{query}")
    return out


def page_title(path: str) -> str:
    if path in PAGE_TITLES:
        return PAGE_TITLES[path]
    return path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").title()


def referrer(sim: DaySim, session: int) -> str | None:
    medium = sim.sessions.medium[session]
    if medium in ("referral", "social"):
        return f"https://{sim.sessions.source[session]}/"
    if medium == "organic":
        return f"https://www.{sim.sessions.source[session]}.com/"
    return None


def country(sim: DaySim, session: int) -> tuple[str, str, str]:
    """(country name, ISO code, city) of a session."""
    name, code, cities, _ = COUNTRIES[sim.sessions.country[session]]
    return name, code, cities[sim.sessions.city[session] % len(cities)]
