"""Mixpanel raw export: `{event, properties{time, distinct_id, $insert_id, ...}}` per event, and Engage
API people profiles `{$distinct_id, $properties{$email, ...}}` for identified users.

`distinct_id` is `$device:<id>` until the visitor logs in and their user id afterwards (simplified ID
merge); `time` is epoch seconds, as the raw export gives it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from gata.connectors.analytics.product_events import tracked_events
from gata.connectors.base import RenderContext
from gata.simulation.day import ADD_TO_CART, BEGIN_CHECKOUT, LOGIN, PAGE_VIEW, PURCHASE, VIEW_ITEM, DaySim
from gata.simulation.world import COUNTRIES, visitor_ids
from gata.simulation.world import visitors as visitor_attributes

EVENT_NAMES = {
    PAGE_VIEW: "Page Viewed",
    LOGIN: "Logged In",
    VIEW_ITEM: "Product Viewed",
    ADD_TO_CART: "Added To Cart",
    BEGIN_CHECKOUT: "Checkout Started",
    PURCHASE: "Order Completed",
}


class EventProperties(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)  # tracking plans add their own properties

    time: int = Field(gt=1_000_000_000, lt=10_000_000_000)
    distinct_id: str
    insert_id: str = Field(alias="$insert_id", min_length=8)
    device_id: str = Field(alias="$device_id")
    user_id: str | None = Field(None, alias="$user_id")
    current_url: str = Field(alias="$current_url")
    browser: str = Field(alias="$browser")
    os: str = Field(alias="$os")
    city: str = Field(alias="$city")
    mp_country_code: str = Field(pattern=r"^[A-Z]{2}$")
    mp_lib: str
    device_type: str = Field(alias="$device_type")


class MixpanelEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: str
    properties: EventProperties


class PeopleProperties(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    email: str = Field(alias="$email", pattern=r"^[^@\s]+@[^@\s]+$")
    first_name: str = Field(alias="$first_name")
    last_name: str = Field(alias="$last_name")
    created: str = Field(alias="$created")
    city: str = Field(alias="$city")
    country_code: str = Field(alias="$country_code")
    customer_id: str


class MixpanelPerson(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    distinct_id: str = Field(alias="$distinct_id")
    properties: PeopleProperties = Field(alias="$properties")


RECORD_MODELS: dict[str, type[BaseModel]] = {"events": MixpanelEvent, "people": MixpanelPerson}


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    return {}


def _insert_id(device_id: str, ts_us: int, kind: int) -> str:
    return f"{device_id[:12]}{ts_us:x}{kind}"


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    events: list[dict] = []
    identified: dict[int, tuple[str, tuple[str, str, str]]] = {}
    for t in tracked_events(ctx, sim):
        props: dict[str, Any] = {
            "time": t.ts_us // 1_000_000,
            "distinct_id": t.user_id or f"$device:{t.device_id}",
            "$insert_id": _insert_id(t.device_id, t.ts_us, t.kind),
            "$device_id": t.device_id,
            "$current_url": t.url,
            "$browser": t.browser,
            "$os": t.os,
            "$city": t.country[2],
            "mp_country_code": t.country[1],
            "$device_type": t.device,
            "mp_lib": "web",
            "$lib_version": "2.55.1",
            "title": t.title,
            "path": t.path,
        }
        if t.user_id:
            props["$user_id"] = t.user_id
            identified.setdefault(int(sim.sessions.visitor[t.session]), (t.user_id, t.country))
        if t.referrer:
            props["$referrer"] = t.referrer
            props["$referring_domain"] = t.referrer.split("/")[2]
        if t.utm:
            props.update(t.utm)
        props.update(t.properties)
        events.append({"event": EVENT_NAMES[t.kind], "properties": props})
    out: dict[str, list[dict]] = {"events": events} if events else {}
    if identified:
        out["people"] = _people(ctx, identified)
    return out


def _people(ctx: RenderContext, identified: dict[int, tuple[str, tuple[str, str, str]]]) -> list[dict]:
    """Profiles of the visitors who logged in; a profile depends only on the visitor, not the day."""
    visitors = np.array(sorted(identified), dtype=np.int64)
    ids = visitor_ids(ctx.world, visitors)
    home = visitor_attributes(ctx.world, visitors)  # the visitor's own country: a session's may differ (geo ads)
    people = []
    for j, v in enumerate(visitors.tolist()):
        user_id, _ = identified[v]
        _, code, cities, _ = COUNTRIES[home.country[j]]
        city = cities[home.city[j] % len(cities)]
        created = datetime.fromtimestamp(int(ids.signup_us[j]) // 1_000_000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
        people.append(
            {
                "$distinct_id": user_id,
                "$properties": {
                    "$email": ids.email[j],
                    "$first_name": ids.first_name[j],
                    "$last_name": ids.last_name[j],
                    "$created": created,
                    "$city": city,
                    "$country_code": code,
                    "customer_id": user_id,
                },
            }
        )
    return people
