"""What the three shop renderers share: this shop's orders of a day, each in its state as of the pull.

The simulation decides an order once (items, cents, lags); a renderer only spells it. Everything that is
the same whatever the API (which orders belong to the shop, when each change happened, the buyer's
identity and address, the session's UTMs, per-line shares of discount and tax, child ids) is computed
here once, so the three shops can never disagree about the same facts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import quote, urlencode

import numpy as np
from pydantic import BaseModel, ConfigDict, StringConstraints

from gata.connectors.base import RenderContext, from_us
from gata.simulation.asof import OrderState, order_state
from gata.simulation.day import DIRECT, EMAIL, PAID, DaySim, Sessions
from gata.simulation.money import fmt_cents
from gata.simulation.rng import hex_id, rng_for
from gata.simulation.world import (
    COUNTRIES,
    DEVICES,
    ENTITY_EPOCH,
    PRODUCT_TYPES,
    Product,
    Shop,
    Variant,
    visitor_identity,
)

Money2 = Annotated[str, StringConstraints(pattern=r"^-?\d+\.\d{2}$")]  # "12.34" (Shopify, WooCommerce)
Money4 = Annotated[str, StringConstraints(pattern=r"^-?\d+\.\d{4}$")]  # "12.3400" (BigCommerce v2)
IsoTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")]


class ApiModel(BaseModel):
    """Strict: a record must carry exactly the API's keys with the API's JSON types (no coercion)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# --- ids ------------------------------------------------------------------------------------------------

# Sub-records (line items, refunds, transactions...) get ids derived from their order's id: unique and stable.
_CHILD_SLOTS = {
    "line": (1, 19),
    "fulfillment": (20, 1),
    "address": (30, 2),
    "shipping_line": (35, 1),
    "tax_line": (38, 1),
    "refund": (40, 1),
    "refund_line": (41, 9),
    "sale": (60, 1),
    "transaction": (61, 1),
    "adjustment": (65, 1),
    "meta": (70, 20),
    "coupon": (90, 1),
}


def child_id(order_id: int, kind: str, k: int = 0) -> int:
    start, size = _CHILD_SLOTS[kind]
    if not 0 <= k < size:
        raise ValueError(f"child '{kind}' #{k} exceeds its {size} id slots")
    return order_id * 100 + start + k


def iso(ts: datetime) -> str:
    """'2024-03-01T10:04:05+00:00': ISO-8601 to the second with the offset (shop time zone: UTC)."""
    return ts.astimezone(UTC).replace(microsecond=0).isoformat()


def fmt_cents4(cents: int) -> str:
    """BigCommerce v2 spells money with four decimals: 1234 -> '12.3400'."""
    return f"{fmt_cents(cents)}00"


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split integer cents over weights exactly (largest remainder), so per-line shares sum to the total."""
    s = sum(weights)
    if s <= 0:
        return [total] + [0] * (len(weights) - 1)
    shares = [total * w // s for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda k: (-(total * weights[k] % s), k))
    for k in by_remainder[: total - sum(shares)]:
        shares[k] += 1
    return shares


def render_rng(ctx: RenderContext, obj: str, day: date) -> np.random.Generator:
    """The one source of a renderer's own randomness: named by tenant, connector, object and day."""
    tenant = ctx.world.tenant
    return rng_for(tenant.slug, tenant.seed, "render", ctx.connector, obj, day.isoformat())


# --- catalog ------------------------------------------------------------------------------------------

SIZES = {"S", "M", "L"}


def option_name(product: Product) -> str:
    """The one option a product's variants differ by, as merchants name it."""
    titles = {v.title for v in product.variants}
    if titles == {"Default Title"}:
        return "Title"
    return "Size" if titles <= SIZES else "Color"


def has_options(product: Product) -> bool:
    return option_name(product) != "Title"


def description(product: Product) -> str:
    return f"<p>The {product.title} by {product.vendor}.</p>"


def image_id(product: Product) -> int:
    return product.id * 100 + 50


def option_id(product: Product) -> int:
    """Of the product's one option; its values take the ids right after it."""
    return product.id * 100 + 60


def category_id(product_type: str) -> int:
    return 18 + PRODUCT_TYPES.index(product_type)


def slugify(text: str) -> str:
    return text.lower().replace(" ", "-")


def grams(product: Product) -> int:
    return 150 + product.id % 1850


def product_updated_at(product: Product, as_of: date, until: datetime | None = None) -> datetime:
    """Merchants edit a product every so often: the last edit on or before the as-of day (before `until`, the
    pull's moment, when it cuts that day short)."""
    period = timedelta(days=15 + product.id % 46)
    end = datetime.combine(as_of, time(23, 59, 59), UTC)
    if until is not None:
        end = min(end, until - timedelta(seconds=1))
    if end <= product.created_time:
        return product.created_time
    return product.created_time + period * ((end - product.created_time) // period)


def catalog(
    ctx: RenderContext, render: Callable[[Product, RenderContext, dict[int, int]], dict]
) -> dict[str, list[dict]]:
    """`products` as of the pull: every product of the shop, with the stock per variant id on the as-of day
    (a snapshot, so it differs between pulls)."""
    rng = render_rng(ctx, "products", ctx.as_of)
    variants = [v for p in ctx.shop().products for v in p.variants]
    stock = {v.id: int(q) for v, q in zip(variants, rng.integers(0, 400, len(variants)), strict=True)}
    return {"products": [render(p, ctx, stock) for p in ctx.shop().products]}


# --- orders ---------------------------------------------------------------------------------------------

REFERRER_HOSTS = {
    "google": "www.google.com",
    "bing": "www.bing.com",
    "facebook": "l.facebook.com",
    "instagram": "l.instagram.com",
    "linkedin": "www.linkedin.com",
    "tiktok": "www.tiktok.com",
}


@dataclass(frozen=True)
class Line:
    index: int  # position in the order
    product: Product
    variant: Variant
    quantity: int
    unit_cents: int
    subtotal_cents: int  # quantity × unit price, before discount
    discount_cents: int  # this line's share of the order discount
    tax_cents: int  # this line's share of the order tax

    @property
    def total_cents(self) -> int:
        """After discount, before tax."""
        return self.subtotal_cents - self.discount_cents


@dataclass(frozen=True)
class Attribution:
    """The session that placed the order: where it came from and where it landed."""

    channel: int
    source: str
    medium: str
    campaign: str | None
    campaign_id: str | None
    ad_id: str | None
    landing_path: str
    device: str
    session_start: datetime
    session_pages: int
    session_number: int

    @property
    def utm(self) -> dict[str, str]:
        """UTM parameters of the landing URL: paid clicks carry the ad's, newsletters their own."""
        if self.channel == PAID:
            return {
                "utm_source": self.source,
                "utm_medium": self.medium,
                "utm_campaign": self.campaign or "",
                "utm_content": self.ad_id or "",
                "utm_id": self.campaign_id or "",
            }
        if self.channel == EMAIL:
            return {"utm_source": self.source, "utm_medium": self.medium, "utm_campaign": self.campaign or ""}
        return {}

    @property
    def landing_site(self) -> str:
        """Path plus query, encoded as the ad platforms' final URLs are."""
        query = urlencode(self.utm, quote_via=quote)
        return f"{self.landing_path}?{query}" if query else self.landing_path

    @property
    def referring_site(self) -> str | None:
        if self.channel in (DIRECT, EMAIL):
            return None
        return f"https://{REFERRER_HOSTS.get(self.source, self.source)}/"


@dataclass(frozen=True)
class Address:
    country: str
    country_code: str
    city: str
    street: str
    zip: str


@dataclass(frozen=True)
class ShopOrder:
    index: int  # into sim.orders
    id: int
    number: int  # unique and increasing within the shop
    created: datetime
    guest: bool
    customer_id: int  # the buyer's id everywhere (analytics user_id), also for guest checkouts
    email: str
    first_name: str
    last_name: str
    customer_since: datetime
    accepts_marketing: bool
    address: Address
    attribution: Attribution
    state: OrderState
    cancelled_at: datetime | None
    fulfilled_at: datetime | None
    refunded_at: datetime | None
    lines: list[Line]
    subtotal_cents: int
    discount_cents: int
    discount_code: str | None
    shipping_cents: int
    tax_cents: int
    total_cents: int
    refund_cents: int  # refunded by the as-of day (0 before the refund happens)
    refund_full: bool
    token: str  # 32 hex digits, stable per order
    u: tuple[float, ...]  # spare uniform draws for a renderer's own choices (indexes 3..7)

    @property
    def updated_at(self) -> datetime:
        """The latest change that had happened by the as-of day."""
        return max(t for t in (self.created, self.cancelled_at, self.fulfilled_at, self.refunded_at) if t)

    @property
    def phase(self) -> str:
        """Where the order stands, the most final state first: cancelled | refunded | partially_refunded |
        fulfilled | open. Each API names these its own way."""
        if self.state.cancelled:
            return "cancelled"
        if self.state.refunded:
            return "refunded" if self.refund_cents >= self.total_cents else "partially_refunded"
        return "fulfilled" if self.state.fulfilled else "open"

    @property
    def items_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def tax_rate(self) -> float:
        """The rate the shop charged on discounted goods (shipping is not taxed)."""
        base = self.subtotal_cents - self.discount_cents
        return round(self.tax_cents / base, 2) if base else 0.0

    @property
    def discount_percent(self) -> int:
        """Codes take a whole percentage off the subtotal."""
        return round(100 * self.discount_cents / self.subtotal_cents) if self.subtotal_cents else 0


def change_time(day: date, created: datetime, lag: int, frac: float) -> datetime:
    """When a change `lag` days after the order's day happened: a deterministic moment of that day, after
    the order itself when it happens the same day."""
    day_start = datetime.combine(day + timedelta(days=lag), time(), UTC)
    start = max(day_start, created + timedelta(minutes=1))
    end = day_start + timedelta(hours=23, minutes=59, seconds=59)
    return (start + (end - start) * frac).replace(microsecond=0)


def _customer_since(device_id: str) -> datetime:
    """Sign-up time, a function of the visitor alone (before any simulated order), so it never varies."""
    h = int(device_id[16:], 16)
    return ENTITY_EPOCH - timedelta(days=1 + h % 700, seconds=h % 86_400)


def _address(device_id: str, country: int, city: int) -> Address:
    name, code, cities, _ = COUNTRIES[country]
    h = int(device_id[:16], 16)
    streets = ["Main St", "Oak Ave", "Park Rd", "High St", "Station Rd", "Maple Dr", "Church Ln", "Elm St"]
    return Address(
        country=name,
        country_code=code,
        city=cities[city % len(cities)],
        street=f"{1 + h % 480} {streets[(h >> 12) % len(streets)]}",
        zip=f"{(h >> 24) % 90_000 + 10_000}",
    )


def _lines(shop: Shop, items: list[tuple[int, int, int, int]], discount: int, tax: int) -> list[Line]:
    subtotals = [q * price for _, _, q, price in items]
    discounts = allocate(discount, subtotals)
    taxes = allocate(tax, [a - b for a, b in zip(subtotals, discounts, strict=True)])
    lines = []
    for k, (pi, vi, q, price) in enumerate(items):
        product = shop.products[pi]
        lines.append(Line(k, product, product.variants[vi], int(q), int(price), subtotals[k], discounts[k], taxes[k]))
    return lines


def _attribution(s: Sessions, i: int) -> Attribution:
    return Attribution(
        channel=int(s.channel[i]),
        source=s.source[i],
        medium=s.medium[i],
        campaign=s.campaign[i],
        campaign_id=s.campaign_id[i],
        ad_id=s.ad_id[i],
        landing_path=s.landing_path[i],
        device=DEVICES[int(s.device[i])][0],
        session_start=from_us(int(s.start_us[i])).replace(microsecond=0),
        session_pages=int(s.pages[i]),
        session_number=int(s.session_number[i]),
    )


def shop_orders(ctx: RenderContext, sim: DaySim) -> list[ShopOrder]:
    """The orders this shop took on `sim.day`, in their state as of `ctx.as_of` (none if the day is later)."""
    lag = ctx.lag(sim.day)
    if lag < 0:
        return []
    o, s, shop = sim.orders, sim.sessions, ctx.shop()
    # drawn for every order of the day, so an order's draws do not depend on which shop took which order
    rng = render_rng(ctx, "orders", sim.day)
    drawn = sim.orders_of_day if sim.orders_of_day is not None else len(o)  # a cut day keeps the whole day's draws
    u = rng.random((drawn, 8))
    tokens = hex_id(rng, drawn)
    out = []
    for i in np.flatnonzero(o.shop == ctx.shop_index()).tolist():
        sess = int(o.session[i])
        who = visitor_identity(ctx.world, int(o.visitor[i]))
        hashed = str(who["device_id"])  # 32 hex digits, a stable hash of the visitor
        created = from_us(int(o.created_us[i])).replace(microsecond=0)
        st = order_state(int(o.fulfil_lag_days[i]), int(o.cancel_lag_days[i]), int(o.refund_lag_days[i]), lag)
        # same-day order of changes: fulfilment in the first part of the day, refunds in the last; a change
        # later than the pull's moment has not happened yet
        cancelled, fulfilled, refunded = (
            ctx.happened(change_time(sim.day, created, d, f)) if d >= 0 else None
            for d, f in (
                (st.cancel_day, u[i, 0]),
                (st.fulfil_day, 0.45 * u[i, 1]),
                (st.refund_day, 0.55 + 0.45 * u[i, 2]),
            )
        )
        if any(
            d >= 0 and t is None
            for d, t in ((st.cancel_day, cancelled), (st.fulfil_day, fulfilled), (st.refund_day, refunded))
        ):
            never = 10**6  # a lag no day reaches: the change is still to come
            st = order_state(
                int(o.fulfil_lag_days[i]) if fulfilled else never,
                int(o.cancel_lag_days[i]) if cancelled else -1,
                int(o.refund_lag_days[i]) if refunded else -1,
                lag,
            )
        out.append(
            ShopOrder(
                index=i,
                id=int(o.order_id[i]),
                number=int(o.order_id[i]) % 10**11,
                created=created,
                guest=bool(o.guest[i]),
                customer_id=int(who["customer_id"]),
                email=str(who["email"]),
                first_name=str(who["first_name"]),
                last_name=str(who["last_name"]),
                customer_since=_customer_since(hashed),
                accepts_marketing=int(hashed[:4], 16) % 3 == 0,
                address=_address(hashed, int(s.country[sess]), int(s.city[sess])),
                attribution=_attribution(s, sess),
                state=st,
                cancelled_at=cancelled,
                fulfilled_at=fulfilled,
                refunded_at=refunded,
                lines=_lines(shop, o.items[i], int(o.discount_cents[i]), int(o.tax_cents[i])),
                subtotal_cents=int(o.subtotal_cents[i]),
                discount_cents=int(o.discount_cents[i]),
                discount_code=o.discount_code[i],
                shipping_cents=int(o.shipping_cents[i]),
                tax_cents=int(o.tax_cents[i]),
                total_cents=int(o.total_cents[i]),
                refund_cents=int(o.refund_cents[i]) if st.refunded else 0,
                refund_full=bool(o.refund_full[i]),
                token=tokens[i],
                u=tuple(float(x) for x in u[i]),
            )
        )
    return out
