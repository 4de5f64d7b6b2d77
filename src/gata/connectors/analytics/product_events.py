"""Shared shape of product-analytics events (Amplitude, Mixpanel): named tracking-plan events with a
property bag, rather than GA4's parameter arrays. Both tools skip GA4's synthetic session_start event.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gata.connectors.analytics._common import TrackedDay, country, page_title, page_urls, referrer, tracked_day
from gata.connectors.base import RenderContext
from gata.simulation.day import ADD_TO_CART, BEGIN_CHECKOUT, PAID, PURCHASE, SESSION_START, VIEW_ITEM, DaySim
from gata.simulation.world import BROWSERS, DEVICES, OPERATING_SYSTEMS


@dataclass(frozen=True)
class TrackedEvent:
    """One event with everything a product-analytics record is built from."""

    event: int  # index into sim.events
    session: int  # index into sim.sessions
    kind: int
    ts_us: int
    url: str
    path: str
    title: str
    referrer: str | None
    device_id: str
    user_id: str | None  # set once the visitor has logged in
    customer_index: int  # position of the visitor in td.ids
    country: tuple[str, str, str]
    device: str
    browser: str
    os: str
    utm: dict[str, str] | None  # campaign parameters on the landing event
    properties: dict  # product / order properties of ecommerce events


def tracked_events(ctx: RenderContext, sim: DaySim) -> Iterator[TrackedEvent]:
    td: TrackedDay = tracked_day(ctx, sim, skip_kinds=(SESSION_START,))
    if not len(td):
        return
    s, ev, orders = sim.sessions, sim.events, sim.orders
    urls = page_urls(ctx, td)
    shop0 = ctx.world.shops[0]
    for j, (e, sess, sp) in enumerate(
        zip(td.events.tolist(), td.ev_session.tolist(), td.session_pos.tolist(), strict=True)
    ):
        kind = int(ev.kind[e])
        device = DEVICES[s.device[sess]][0]
        props: dict = {}
        if kind in (VIEW_ITEM, ADD_TO_CART, BEGIN_CHECKOUT):
            prod = shop0.products[s.interest_product[sess]]
            props = {
                "product_id": str(prod.id),
                "sku": prod.variants[0].sku,
                "name": prod.title,
                "category": prod.product_type,
                "price": prod.variants[0].price_cents / 100,
                "currency": shop0.currency,
            }
            if kind != VIEW_ITEM:
                props["quantity"] = 1
        elif kind == PURCHASE and s.order[sess] >= 0:
            o = int(s.order[sess])
            sh = ctx.world.shops[orders.shop[o]]
            props = {
                "order_id": str(orders.order_id[o]),
                "revenue": orders.total_cents[o] / 100,
                "currency": sh.currency,
                "tax": orders.tax_cents[o] / 100,
                "shipping": orders.shipping_cents[o] / 100,
                "coupon": orders.discount_code[o],
                "products": [
                    {
                        "product_id": str(sh.products[p].id),
                        "sku": sh.products[p].variants[v].sku,
                        "name": sh.products[p].title,
                        "price": c / 100,
                        "quantity": q,
                    }
                    for p, v, q, c in orders.items[o]
                ],
            }
            if props["coupon"] is None:
                del props["coupon"]
        utm = None
        if ev.position[e] <= 1 and s.campaign[sess] is not None:
            utm = {"utm_source": s.source[sess], "utm_medium": s.medium[sess], "utm_campaign": s.campaign[sess]}
            if s.channel[sess] == PAID:
                utm["utm_content"] = s.ad_id[sess]
                utm["utm_id"] = s.campaign_id[sess]
        path = ev.page_path[e]
        yield TrackedEvent(
            event=e,
            session=sess,
            kind=kind,
            ts_us=int(ev.ts_us[e]),
            url=urls[j],
            path=path,
            title=page_title(path),
            referrer=referrer(sim, sess) if ev.position[e] <= 1 else None,
            device_id=td.ids.device_id[sp],
            user_id=str(td.ids.customer_id[sp]) if ev.identified[e] else None,
            customer_index=sp,
            country=country(sim, sess),
            device=device,
            browser=BROWSERS[device][s.browser[sess] % len(BROWSERS[device])],
            os=OPERATING_SYSTEMS[device][s.os[sess] % len(OPERATING_SYSTEMS[device])],
            utm=utm,
            properties=props,
        )
