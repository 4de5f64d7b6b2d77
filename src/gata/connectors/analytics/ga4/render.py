"""Google Analytics 4 in the BigQuery export schema: one row per event, session identity and page data
inside the `event_params` key/value array, nested device/geo/traffic records, ecommerce and items.

Built column-wise with Arrow (the nested arrays are Arrow lists of structs) because this is the volume
object: a year of a busy site is millions of rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from gata.connectors.analytics._common import country, page_title, page_urls, referrer, tracked_day
from gata.connectors.base import RenderContext
from gata.simulation.day import (
    ADD_TO_CART,
    BEGIN_CHECKOUT,
    EVENT_KINDS,
    LOGIN,
    PAID,
    PURCHASE,
    VIEW_ITEM,
    DaySim,
)
from gata.simulation.money import FX_PER_USD
from gata.simulation.world import BROWSERS, DEVICES, OPERATING_SYSTEMS

# --- record models (the export schema) ------------------------------------------------------------


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParamValue(_M):
    string_value: str | None
    int_value: int | None
    float_value: float | None
    double_value: float | None


class EventParam(_M):
    key: str
    value: ParamValue


class WebInfo(_M):
    browser: str
    browser_version: str
    hostname: str


class Device(_M):
    category: str
    mobile_brand_name: str | None
    mobile_model_name: str | None
    operating_system: str
    operating_system_version: str
    language: str
    is_limited_ad_tracking: str
    web_info: WebInfo


class Geo(_M):
    city: str
    country: str
    continent: str
    region: str
    sub_continent: str
    metro: str


class TrafficSource(_M):
    name: str
    medium: str
    source: str


class CollectedTrafficSource(_M):
    manual_campaign_id: str | None
    manual_campaign_name: str | None
    manual_source: str | None
    manual_medium: str | None
    manual_content: str | None
    manual_term: str | None
    gclid: str | None


class PrivacyInfo(_M):
    analytics_storage: str
    ads_storage: str
    uses_transient_token: str


class Ecommerce(_M):
    total_item_quantity: int
    purchase_revenue_in_usd: float
    purchase_revenue: float
    refund_value_in_usd: float | None
    refund_value: float | None
    shipping_value_in_usd: float
    shipping_value: float
    tax_value_in_usd: float
    tax_value: float
    unique_items: int
    transaction_id: str


class Item(_M):
    item_id: str
    item_name: str
    item_brand: str
    item_variant: str
    item_category: str
    price_in_usd: float
    price: float
    quantity: int
    item_revenue_in_usd: float | None
    item_revenue: float | None
    coupon: str | None


class Ga4Event(_M):
    event_date: str = Field(pattern=r"^\d{8}$")
    event_timestamp: int
    event_name: str
    event_params: list[EventParam]
    event_previous_timestamp: int | None = None
    event_value_in_usd: float | None = None
    event_bundle_sequence_id: int
    event_server_timestamp_offset: int
    user_id: str | None = None
    user_pseudo_id: str
    privacy_info: PrivacyInfo
    user_properties: list[EventParam]
    user_first_touch_timestamp: int
    device: Device
    geo: Geo
    traffic_source: TrafficSource
    stream_id: str
    platform: str
    collected_traffic_source: CollectedTrafficSource | None = None
    ecommerce: Ecommerce | None = None
    items: list[Item]
    is_active_user: bool
    batch_event_index: int
    batch_page_id: int
    batch_ordering_id: int


RECORD_MODELS: dict[str, type[BaseModel]] = {"events": Ga4Event}

# --- rendering --------------------------------------------------------------------------------------

CONTINENTS = {
    "US": ("Americas", "Northern America"),
    "CA": ("Americas", "Northern America"),
    "AU": ("Oceania", "Australasia"),
}
EUROPE = ("Europe", "Western Europe")
FIRST_TOUCH = [
    ("(direct)", "(none)", "(direct)"),
    ("(organic)", "organic", "google"),
    ("(referral)", "referral", "reddit.com"),
    ("(direct)", "(none)", "(direct)"),
]

VALUE_TYPE = pa.struct(
    [
        ("string_value", pa.string()),
        ("int_value", pa.int64()),
        ("float_value", pa.float64()),
        ("double_value", pa.float64()),
    ]
)
PARAM_TYPE = pa.struct([("key", pa.string()), ("value", VALUE_TYPE)])
PRIVACY = {"analytics_storage": "Yes", "ads_storage": "Yes", "uses_transient_token": "No"}
PRIVACY_TYPE = pa.struct([(k, pa.string()) for k in PRIVACY])
ECOMMERCE_TYPE = pa.struct(
    [
        ("total_item_quantity", pa.int64()),
        ("purchase_revenue_in_usd", pa.float64()),
        ("purchase_revenue", pa.float64()),
        ("refund_value_in_usd", pa.float64()),
        ("refund_value", pa.float64()),
        ("shipping_value_in_usd", pa.float64()),
        ("shipping_value", pa.float64()),
        ("tax_value_in_usd", pa.float64()),
        ("tax_value", pa.float64()),
        ("unique_items", pa.int64()),
        ("transaction_id", pa.string()),
    ]
)
ITEM_TYPE = pa.struct(
    [
        ("item_id", pa.string()),
        ("item_name", pa.string()),
        ("item_brand", pa.string()),
        ("item_variant", pa.string()),
        ("item_category", pa.string()),
        ("price_in_usd", pa.float64()),
        ("price", pa.float64()),
        ("quantity", pa.int64()),
        ("item_revenue_in_usd", pa.float64()),
        ("item_revenue", pa.float64()),
        ("coupon", pa.string()),
    ]
)


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    return {}


def _params(names: list[str], columns: list[tuple[np.ndarray, str, np.ndarray]]) -> pa.Array:
    """Build the key/value list per event from per-key (mask, kind, values) columns, in key order."""
    n = len(columns[0][0])
    mask = np.stack([m for m, _, _ in columns], axis=1)
    rows, cols = np.nonzero(mask)
    flat_keys = pa.array(np.array(names, dtype=object)[cols], pa.string())
    str_vals = np.full(len(rows), None, dtype=object)
    int_vals = np.zeros(len(rows), dtype=np.int64)
    dbl_vals = np.zeros(len(rows), dtype=np.float64)
    is_str = np.zeros(len(rows), bool)
    is_int = np.zeros(len(rows), bool)
    is_dbl = np.zeros(len(rows), bool)
    for k, (_, kind, values) in enumerate(columns):
        sel = cols == k
        if not sel.any():
            continue
        picked = values[rows[sel]]
        if kind == "s":
            str_vals[sel] = picked
            is_str[sel] = True
        elif kind == "i":
            int_vals[sel] = picked
            is_int[sel] = True
        else:
            dbl_vals[sel] = picked
            is_dbl[sel] = True
    value = pa.StructArray.from_arrays(
        [
            pa.array(str_vals, pa.string()),
            pa.array(int_vals, mask=~is_int),
            pa.nulls(len(rows), pa.float64()),
            pa.array(dbl_vals, mask=~is_dbl),
        ],
        fields=list(VALUE_TYPE),
    )
    entries = pa.StructArray.from_arrays([flat_keys, value], fields=list(PARAM_TYPE))
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(mask.sum(axis=1), out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), entries)


def _per_session(values: list, sessions: np.ndarray) -> np.ndarray:
    """A per-session attribute as an object array over the tool's sessions (indexed by session_pos)."""
    return np.array([values[i] for i in sessions.tolist()] + [None], dtype=object)[:-1]


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, pa.Table]:
    td = tracked_day(ctx, sim)
    n = len(td)
    if n == 0:
        return {}
    world = ctx.world
    s, ev, orders = sim.sessions, sim.events, sim.orders
    e, es, sp, ss = td.events, td.ev_session, td.session_pos, td.sessions
    kind = ev.kind[e]
    pos = ev.position[e]
    ts = ev.ts_us[e]
    names = np.array(EVENT_KINDS, dtype=object)[kind]
    shop = world.shops[0]
    usd = 1.0 / FX_PER_USD[shop.currency]

    # per-session attributes, computed once per session and spread to events
    source = _per_session(s.source, ss)[sp]
    medium = _per_session(s.medium, ss)[sp]
    campaign = _per_session(s.campaign, ss)[sp]
    campaign_id = _per_session(s.campaign_id, ss)[sp]
    ad_id = _per_session(s.ad_id, ss)[sp]
    refs = np.array([referrer(sim, i) for i in ss.tolist()] + [None], dtype=object)[:-1][sp]
    geo_rows = [country(sim, i) for i in ss.tolist()]

    # event parameters
    urls = np.array(page_urls(ctx, td), dtype=object)
    titles_by_path: dict[str, str] = {}
    titles = np.array(
        [
            titles_by_path.get(p) or titles_by_path.setdefault(p, page_title(p))
            for p in (ev.page_path[i] for i in e.tolist())
        ],
        dtype=object,
    )
    session_id = (s.start_us[es] // 1_000_000).astype(np.int64)
    is_purchase = (kind == PURCHASE) & (s.order[es] >= 0)
    purchase_at = np.flatnonzero(is_purchase)
    purchase_orders = s.order[es[purchase_at]]
    txn = np.full(n, None, dtype=object)
    txn[purchase_at] = [str(o) for o in orders.order_id[purchase_orders].tolist()]
    value = np.zeros(n)
    value[purchase_at] = orders.total_cents[purchase_orders] / 100
    # a purchase is reported in the currency of the shop that took the order
    order_currency = np.full(n, None, dtype=object)
    order_currency[purchase_at] = [world.shops[orders.shop[o]].currency for o in purchase_orders.tolist()]
    value_usd = np.full(n, np.nan)
    value_usd[purchase_at] = np.round(value[purchase_at] / [FX_PER_USD[c] for c in order_currency[purchase_at]], 2)
    coupon = np.full(n, None, dtype=object)
    coupon[purchase_at] = [orders.discount_code[o] for o in purchase_orders.tolist()]
    landing = pos <= 1
    has_utm = landing & (campaign != None)  # noqa: E711 (element-wise comparison)
    everywhere = np.ones(n, bool)
    engagement = np.where(pos == 0, 0, (np.diff(np.concatenate([ts[:1], ts])) // 1000).clip(0, 600_000))
    params = _params(
        [
            "ga_session_id",
            "ga_session_number",
            "page_location",
            "page_title",
            "page_referrer",
            "entrances",
            "engagement_time_msec",
            "session_engaged",
            "source",
            "medium",
            "campaign",
            "method",
            "transaction_id",
            "value",
            "currency",
            "coupon",
        ],
        [
            (everywhere, "i", session_id),
            (everywhere, "i", s.session_number[es]),
            (everywhere, "s", urls),
            (everywhere, "s", titles),
            ((pos == 1) & (refs != None), "s", refs),  # noqa: E711
            (pos == 1, "i", np.ones(n, np.int64)),
            (pos > 0, "i", engagement.astype(np.int64)),
            (pos > 1, "s", np.full(n, "1", dtype=object)),
            (has_utm, "s", source),
            (has_utm, "s", medium),
            (has_utm, "s", campaign),
            (kind == LOGIN, "s", np.full(n, "email", dtype=object)),
            (is_purchase, "s", txn),
            (is_purchase, "d", value),
            (is_purchase, "s", order_currency),
            (is_purchase & (coupon != None), "s", coupon),  # noqa: E711
        ],
    )

    # identity and context
    pseudo = np.array(td.ids.user_pseudo_id, dtype=object)[sp]
    user_id = np.where(ev.identified[e], td.ids.customer_id[sp].astype(str).astype(object), None)
    first_touch_ix = (td.ids.signup_us[sp] // 1_000_000) % len(FIRST_TOUCH)
    dev_s = s.device[ss]
    device_cat_s = np.array([d for d, _ in DEVICES], dtype=object)[dev_s]
    browser_s = [BROWSERS[d][b % len(BROWSERS[d])] for d, b in zip(device_cat_s, s.browser[ss].tolist(), strict=True)]
    os_s = [
        OPERATING_SYSTEMS[d][o % len(OPERATING_SYSTEMS[d])]
        for d, o in zip(device_cat_s, s.os[ss].tolist(), strict=True)
    ]
    n_s = len(ss)
    device_s = pa.StructArray.from_arrays(
        [
            pa.array(device_cat_s, pa.string()),
            pa.array(
                [
                    ("Apple" if o == "iOS" else "Google") if c != "desktop" else None
                    for c, o in zip(device_cat_s, os_s, strict=True)
                ],
                pa.string(),
            ),
            pa.nulls(n_s, pa.string()),
            pa.array(os_s, pa.string()),
            pa.array([f"{o} {10 + len(o) % 7}" for o in os_s], pa.string()),
            pa.array(["en-us"] * n_s, pa.string()),
            pa.array(["No"] * n_s, pa.string()),
            pa.StructArray.from_arrays(
                [
                    pa.array(browser_s, pa.string()),
                    pa.array([f"{120 + len(b)}.0" for b in browser_s], pa.string()),
                    pa.array([world.site_domain] * n_s, pa.string()),
                ],
                names=["browser", "browser_version", "hostname"],
            ),
        ],
        names=[
            "category",
            "mobile_brand_name",
            "mobile_model_name",
            "operating_system",
            "operating_system_version",
            "language",
            "is_limited_ad_tracking",
            "web_info",
        ],
    )
    geo_s = pa.StructArray.from_arrays(
        [
            pa.array([g[2] for g in geo_rows], pa.string()),
            pa.array([g[0] for g in geo_rows], pa.string()),
            pa.array([CONTINENTS.get(g[1], EUROPE)[0] for g in geo_rows], pa.string()),
            pa.array([f"{g[2]} Region" for g in geo_rows], pa.string()),
            pa.array([CONTINENTS.get(g[1], EUROPE)[1] for g in geo_rows], pa.string()),
            pa.array(["(not set)"] * n_s, pa.string()),
        ],
        names=["city", "country", "continent", "region", "sub_continent", "metro"],
    )
    take = pa.array(sp)
    ft = [FIRST_TOUCH[i] for i in first_touch_ix.tolist()]
    traffic_source = pa.StructArray.from_arrays(
        [pa.array([f[0] for f in ft]), pa.array([f[1] for f in ft]), pa.array([f[2] for f in ft])],
        names=["name", "medium", "source"],
    )
    google_paid = has_utm & (s.channel[es] == PAID) & (source == "google")
    gclid = np.full(n, None, dtype=object)
    for i in np.flatnonzero(google_paid).tolist():
        gclid[i] = f"Cj0KCQiA{session_id[i]:x}{es[i]:x}BwE"
    collected = pa.StructArray.from_arrays(
        [
            pa.array(np.where(has_utm, campaign_id, None), pa.string()),
            pa.array(np.where(has_utm, campaign, None), pa.string()),
            pa.array(np.where(has_utm, source, None), pa.string()),
            pa.array(np.where(has_utm, medium, None), pa.string()),
            pa.array(np.where(has_utm, ad_id, None), pa.string()),
            pa.nulls(n, pa.string()),
            pa.array(gclid, pa.string()),
        ],
        names=[
            "manual_campaign_id",
            "manual_campaign_name",
            "manual_source",
            "manual_medium",
            "manual_content",
            "manual_term",
            "gclid",
        ],
        mask=pa.array(~landing),
    )

    # ecommerce (purchases only) and items (product events)
    ecommerce_rows = []
    for o in purchase_orders.tolist():
        sh = world.shops[orders.shop[o]]
        rate = 1.0 / FX_PER_USD[sh.currency]
        lines = orders.items[o]
        total = orders.total_cents[o] / 100
        ecommerce_rows.append(
            {
                "total_item_quantity": int(sum(q for _, _, q, _ in lines)),
                "purchase_revenue_in_usd": round(total * rate, 2),
                "purchase_revenue": total,
                "refund_value_in_usd": None,
                "refund_value": None,
                "shipping_value_in_usd": round(orders.shipping_cents[o] / 100 * rate, 2),
                "shipping_value": orders.shipping_cents[o] / 100,
                "tax_value_in_usd": round(orders.tax_cents[o] / 100 * rate, 2),
                "tax_value": orders.tax_cents[o] / 100,
                "unique_items": len(lines),
                "transaction_id": str(orders.order_id[o]),
            }
        )
    ecommerce_take = np.full(n, -1, dtype=np.int64)
    ecommerce_take[purchase_at] = np.arange(len(purchase_at))
    ecommerce = pa.array(ecommerce_rows, ECOMMERCE_TYPE).take(pa.array(ecommerce_take, mask=ecommerce_take < 0))
    item_lists: list[list[dict]] = []
    item_counts = np.zeros(n, dtype=np.int32)
    order_of = dict(zip(purchase_at.tolist(), purchase_orders.tolist(), strict=True))
    product_events = np.flatnonzero(np.isin(kind, (VIEW_ITEM, ADD_TO_CART, BEGIN_CHECKOUT)) | is_purchase)
    for i in product_events.tolist():
        if i in order_of:
            o = order_of[i]
            sh = world.shops[orders.shop[o]]
            rate = 1.0 / FX_PER_USD[sh.currency]
            lines = [
                _item(sh.products[p], v, q, c, rate, orders.discount_code[o], True) for p, v, q, c in orders.items[o]
            ]
        else:
            prod = shop.products[s.interest_product[es[i]]]
            lines = [_item(prod, 0, 1, prod.variants[0].price_cents, usd, None, False)]
        item_lists.extend(lines)
        item_counts[i] = len(lines)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(item_counts, out=offsets[1:])
    items = pa.ListArray.from_arrays(pa.array(offsets), pa.array(item_lists, ITEM_TYPE))

    day_no = ts // 86_400_000_000
    uniq, inverse = np.unique(day_no, return_inverse=True)
    labels = np.array([datetime.fromtimestamp(int(d) * 86_400, tz=UTC).strftime("%Y%m%d") for d in uniq])
    day_str = labels[inverse]
    table = pa.table(
        {
            "event_date": pa.array(day_str, pa.string()),
            "event_timestamp": pa.array(ts, pa.int64()),
            "event_name": pa.array(names, pa.string()),
            "event_params": params,
            "event_previous_timestamp": pa.nulls(n, pa.int64()),
            "event_value_in_usd": pa.array(value_usd, pa.float64(), mask=~is_purchase),
            "event_bundle_sequence_id": pa.array(session_id * 1000 + pos, pa.int64()),
            "event_server_timestamp_offset": pa.array(300_000 + (ts % 700_000), pa.int64()),
            "user_id": pa.array(user_id, pa.string()),
            "user_pseudo_id": pa.array(pseudo, pa.string()),
            "privacy_info": pa.array([PRIVACY], PRIVACY_TYPE).take(pa.array(np.zeros(n, dtype=np.int64))),
            "user_properties": pa.array([[]], pa.list_(PARAM_TYPE)).take(pa.array(np.zeros(n, dtype=np.int64))),
            "user_first_touch_timestamp": pa.array(td.ids.signup_us[sp] - 86_400_000_000 * 3, pa.int64()),
            "device": device_s.take(take),
            "geo": geo_s.take(take),
            "traffic_source": traffic_source,
            "stream_id": pa.array([f"{world.namespace}00{ctx.tool_index() + 1}"] * n, pa.string()),
            "platform": pa.array(["WEB"] * n, pa.string()),
            "collected_traffic_source": collected,
            "ecommerce": ecommerce,
            "items": items,
            "is_active_user": pa.array(np.ones(n, bool)),
            "batch_event_index": pa.array(pos, pa.int64()),
            "batch_page_id": pa.array(session_id * 100 + np.minimum(pos, 99), pa.int64()),
            "batch_ordering_id": pa.array(pos + 1, pa.int64()),
        }
    )
    return {"events": table}


def _item(product, variant: int, qty: int, price_cents: int, usd_rate: float, coupon, with_revenue: bool) -> dict:
    price = price_cents / 100
    return {
        "item_id": product.variants[variant].sku,
        "item_name": product.title,
        "item_brand": product.vendor,
        "item_variant": product.variants[variant].title,
        "item_category": product.product_type,
        "price_in_usd": round(price * usd_rate, 2),
        "price": price,
        "quantity": qty,
        "item_revenue_in_usd": round(price * qty * usd_rate, 2) if with_revenue else None,
        "item_revenue": round(price * qty, 2) if with_revenue else None,
        "coupon": coupon,
    }
