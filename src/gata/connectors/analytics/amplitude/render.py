"""Amplitude Export API events (native `session_id` = session start in epoch ms, `uuid`, `$insert_id`,
`device_id`, `amplitude_id`, event/user property bags) and user profiles.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from gata.connectors.analytics.product_events import tracked_events
from gata.connectors.base import RenderContext
from gata.simulation.day import ADD_TO_CART, BEGIN_CHECKOUT, LOGIN, PAGE_VIEW, PURCHASE, VIEW_ITEM, DaySim
from gata.simulation.rng import mix64, uuid_from
from gata.simulation.world import COUNTRIES, visitor_ids, visitors

EVENT_NAMES = {
    PAGE_VIEW: "Page Viewed",
    LOGIN: "Signed In",
    VIEW_ITEM: "Product Viewed",
    ADD_TO_CART: "Product Added",
    BEGIN_CHECKOUT: "Checkout Started",
    PURCHASE: "Order Completed",
}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


class AmplitudeEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    uuid: str = Field(pattern=UUID)
    insert_id: str = Field(alias="$insert_id")
    event_id: int
    event_type: str
    event_time: str
    client_event_time: str
    server_upload_time: str
    server_received_time: str
    session_id: int = Field(gt=10**12)
    amplitude_id: int
    user_id: str | None
    device_id: str
    event_properties: dict
    user_properties: dict
    groups: dict
    group_properties: dict
    data: dict
    platform: str
    os_name: str
    device_type: str
    device_family: str
    country: str
    city: str
    region: str
    language: str
    library: str
    app: int


class AmplitudeUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amplitude_id: int
    user_id: str | None
    device_ids: list[str]
    first_used: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    country: str
    city: str
    platform: str
    user_properties: dict


RECORD_MODELS: dict[str, type[BaseModel]] = {"events": AmplitudeEvent, "users": AmplitudeUser}


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    return {}


def _time(us: int) -> str:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC).strftime(TIME_FORMAT)


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    events: list[dict] = []
    seen: dict[int, None] = {}
    app_id = ctx.world.namespace * 10 + 1
    for t in tracked_events(ctx, sim):
        visitor = int(sim.sessions.visitor[t.session])
        seen.setdefault(visitor, None)
        h = mix64(np.array([t.ts_us ^ (visitor << 20), t.ts_us + t.kind], dtype=np.uint64))
        user_props = {"initial_utm_source": t.utm["utm_source"]} if t.utm else {}
        if t.user_id:
            user_props["customer_id"] = t.user_id
        event_props = {"page_path": t.path, "page_url": t.url, "page_title": t.title}
        if t.referrer:
            event_props["referrer"] = t.referrer
        if t.utm:
            event_props.update(t.utm)
        event_props.update(t.properties)
        events.append(
            {
                "uuid": uuid_from(int(h[0]), int(h[1])),
                "$insert_id": f"{t.device_id[:16]}-{t.ts_us}-{t.kind}",
                "event_id": int(sim.events.position[t.event]),
                "event_type": EVENT_NAMES[t.kind],
                "event_time": _time(t.ts_us),
                "client_event_time": _time(t.ts_us),
                "server_upload_time": _time(t.ts_us + 1_250_000),
                "server_received_time": _time(t.ts_us + 1_250_000),
                "session_id": int(sim.sessions.start_us[t.session] // 1000),
                "amplitude_id": int(ctx.world.namespace * 10**10 + visitor + 1),
                "user_id": t.user_id,
                "device_id": t.device_id,
                "event_properties": event_props,
                "user_properties": user_props,
                "groups": {},
                "group_properties": {},
                "data": {},
                "platform": "Web",
                "os_name": t.browser,
                "device_type": t.os,
                "device_family": t.device,
                "country": t.country[0],
                "city": t.country[2],
                "region": f"{t.country[2]} Region",
                "language": "English",
                "library": "amplitude-ts/2.11.0",
                "app": app_id,
            }
        )
    out: dict[str, list[dict]] = {"events": events} if events else {}
    if seen:
        out["users"] = _users(ctx, np.array(list(seen), dtype=np.int64))
    return out


def _users(ctx: RenderContext, visitor_index: np.ndarray) -> list[dict]:
    """Profiles of the day's visitors; a profile depends only on the visitor, not the day."""
    ids = visitor_ids(ctx.world, visitor_index)
    v = visitors(ctx.world, visitor_index)
    rows = []
    for j in range(len(visitor_index)):
        name, code, cities, _ = COUNTRIES[v.country[j]]
        registered = bool(v.registered[j])
        rows.append(
            {
                "amplitude_id": int(ids.amplitude_id[j]),
                "user_id": str(ids.customer_id[j]) if registered else None,
                "device_ids": [ids.device_id[j]],
                "first_used": datetime.fromtimestamp(int(ids.signup_us[j]) // 1_000_000, tz=UTC).strftime("%Y-%m-%d"),
                "country": name,
                "city": cities[v.city[j] % len(cities)],
                "platform": "Web",
                "user_properties": {"email": ids.email[j]} if registered else {},
            }
        )
    return rows
