"""WooCommerce REST API v3: `orders` and `products`.

Money is a string with two decimals (line `price` a number), dates have no offset: `date_*` in the site's
time zone (UTC here) and `date_*_gmt` in UTC. Guest checkouts have customer_id 0 and the buyer's email in
`billing`. The session's source travels in the order-attribution meta keys WooCommerce (8.5+) writes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from gata.connectors.base import RenderContext
from gata.connectors.ecommerce._common import (
    ApiModel,
    Line,
    Money2,
    ShopOrder,
    catalog,
    category_id,
    child_id,
    description,
    grams,
    has_options,
    image_id,
    option_name,
    product_updated_at,
    shop_orders,
    slugify,
)
from gata.simulation.day import DIRECT, EMAIL, ORGANIC, PAID, DaySim
from gata.simulation.money import fmt_cents
from gata.simulation.world import Product

WooTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")]
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "$", "AUD": "$", "JPY": "¥", "CHF": "CHF", "SEK": "kr"}
REFUND_REASONS = ["Customer request", "Item damaged", "Wrong size", ""]
VERSION = "8.5.2"


def woo_time(ts: datetime) -> str:
    """'2024-03-01T10:04:05': WooCommerce drops the offset (the site's zone is UTC, so local = GMT)."""
    return ts.strftime("%Y-%m-%dT%H:%M:%S")


class ShippingAddress(ApiModel):
    first_name: str
    last_name: str
    company: str
    address_1: str
    address_2: str
    city: str
    state: str
    postcode: str
    country: str
    phone: str


class BillingAddress(ShippingAddress):
    email: str


class MetaData(ApiModel):
    id: int
    key: str
    value: str


class LineMeta(MetaData):
    display_key: str
    display_value: str


class LineTax(ApiModel):
    id: int
    total: str
    subtotal: str


class Image(ApiModel):
    id: int
    src: str


class LineItem(ApiModel):
    id: int
    name: str
    product_id: int
    variation_id: int
    quantity: int
    tax_class: str
    subtotal: Money2
    subtotal_tax: Money2
    total: Money2
    total_tax: Money2
    taxes: list[LineTax]
    meta_data: list[LineMeta]
    sku: str
    price: float
    image: Image
    parent_name: str | None


class TaxLine(ApiModel):
    id: int
    rate_code: str
    rate_id: int
    label: str
    compound: bool
    tax_total: Money2
    shipping_tax_total: Money2
    rate_percent: float
    meta_data: list[MetaData]


class ShippingLine(ApiModel):
    id: int
    method_title: str
    method_id: str
    instance_id: str
    total: Money2
    total_tax: Money2
    taxes: list[LineTax]
    meta_data: list[MetaData]


class CouponLine(ApiModel):
    id: int
    code: str
    discount: Money2
    discount_tax: Money2
    meta_data: list[MetaData]


class RefundRef(ApiModel):
    id: int
    reason: str
    total: Money2


class Order(ApiModel):
    id: int
    parent_id: int
    number: str
    order_key: str
    created_via: str
    version: str
    status: str
    currency: str
    currency_symbol: str
    prices_include_tax: bool
    date_created: WooTime
    date_created_gmt: WooTime
    date_modified: WooTime
    date_modified_gmt: WooTime
    date_completed: WooTime | None
    date_completed_gmt: WooTime | None
    date_paid: WooTime | None
    date_paid_gmt: WooTime | None
    discount_total: Money2
    discount_tax: Money2
    shipping_total: Money2
    shipping_tax: Money2
    cart_tax: Money2
    total: Money2
    total_tax: Money2
    customer_id: int
    billing: BillingAddress
    shipping: ShippingAddress
    payment_method: str
    payment_method_title: str
    transaction_id: str
    customer_ip_address: str
    customer_user_agent: str
    customer_note: str
    cart_hash: str
    meta_data: list[MetaData]
    line_items: list[LineItem]
    tax_lines: list[TaxLine]
    shipping_lines: list[ShippingLine]
    fee_lines: list[dict]
    coupon_lines: list[CouponLine]
    refunds: list[RefundRef]
    payment_url: str
    is_editable: bool
    needs_payment: bool
    needs_processing: bool


class Category(ApiModel):
    id: int
    name: str
    slug: str


class ProductImage(ApiModel):
    id: int
    date_created: WooTime
    date_created_gmt: WooTime
    date_modified: WooTime
    date_modified_gmt: WooTime
    src: str
    name: str
    alt: str


class Attribute(ApiModel):
    id: int
    name: str
    position: int
    visible: bool
    variation: bool
    options: list[str]


class ProductRecord(ApiModel):
    id: int
    name: str
    slug: str
    permalink: str
    date_created: WooTime
    date_created_gmt: WooTime
    date_modified: WooTime
    date_modified_gmt: WooTime
    type: str
    status: str
    featured: bool
    catalog_visibility: str
    description: str
    short_description: str
    sku: str
    price: Money2
    regular_price: Money2
    sale_price: str
    on_sale: bool
    purchasable: bool
    virtual: bool
    downloadable: bool
    tax_status: str
    tax_class: str
    manage_stock: bool
    stock_quantity: int | None
    stock_status: str
    weight: str
    categories: list[Category]
    tags: list[dict]
    images: list[ProductImage]
    attributes: list[Attribute]
    default_attributes: list[dict]
    variations: list[int]
    menu_order: int
    meta_data: list[MetaData]


RECORD_MODELS = {"orders": Order, "products": ProductRecord}


def _status(o: ShopOrder) -> str:
    """Partial refunds keep the order's status; a full refund turns it `refunded`."""
    if o.phase in ("cancelled", "refunded"):
        return o.phase
    return "completed" if o.state.fulfilled else "processing"


def _attribution(o: ShopOrder, site_domain: str) -> dict[str, str]:
    """The `_wc_order_attribution_*` meta WooCommerce stores from the session, empty keys left out."""
    a = o.attribution
    source_type = {PAID: "utm", EMAIL: "utm", ORGANIC: "organic", DIRECT: "typein"}.get(a.channel, "referral")
    values = {
        "source_type": source_type,
        "referrer": a.referring_site,
        "utm_campaign": a.campaign,
        "utm_source": a.source,
        "utm_medium": a.medium,
        "utm_content": a.ad_id,
        "utm_id": a.campaign_id,
        "session_entry": f"https://{site_domain}{a.landing_site}",
        "session_start_time": a.session_start.strftime("%Y-%m-%d %H:%M:%S"),
        "session_pages": str(a.session_pages),
        "session_count": str(a.session_number),
        "device_type": a.device.capitalize(),
    }
    return {f"_wc_order_attribution_{k}": v for k, v in values.items() if v is not None}


def _line(o: ShopOrder, line: Line, site_domain: str) -> dict:
    p, v = line.product, line.variant
    lid = child_id(o.id, "line", line.index)
    variable = has_options(p)
    meta = []
    if variable:
        key = f"pa_{option_name(p).lower()}"
        meta = [
            {
                "id": lid,
                "key": key,
                "value": slugify(v.title),
                "display_key": option_name(p),
                "display_value": v.title,
            }
        ]
    tax = fmt_cents(line.tax_cents)
    return {
        "id": lid,
        "name": f"{p.title} - {v.title}" if variable else p.title,
        "product_id": p.id,
        "variation_id": v.id if variable else 0,
        "quantity": line.quantity,
        "tax_class": "",
        "subtotal": fmt_cents(line.subtotal_cents),
        "subtotal_tax": tax,
        "total": fmt_cents(line.total_cents),
        "total_tax": tax,
        "taxes": [{"id": 1, "total": tax, "subtotal": tax}] if line.tax_cents else [],
        "meta_data": meta,
        "sku": v.sku,
        "price": line.total_cents / line.quantity / 100,
        "image": {"id": image_id(p), "src": f"https://{site_domain}/wp-content/uploads/{p.handle}.jpg"},
        "parent_name": p.title if variable else None,
    }


def _order(o: ShopOrder, ctx: RenderContext) -> dict:
    currency, a, site = ctx.shop().currency, o.address, ctx.world.site_domain
    created, modified = woo_time(o.created), woo_time(o.updated_at)
    completed = woo_time(o.fulfilled_at) if o.state.fulfilled else None
    shipping_address = {
        "first_name": o.first_name,
        "last_name": o.last_name,
        "company": "",
        "address_1": a.street,
        "address_2": "",
        "city": a.city,
        "state": "",
        "postcode": a.zip,
        "country": a.country_code,
        "phone": "",
    }
    meta = [
        {"id": child_id(o.id, "meta", k), "key": key, "value": value}
        for k, (key, value) in enumerate(_attribution(o, site).items())
    ]
    free = o.shipping_cents == 0
    coupons = []
    if o.discount_code:  # WooCommerce stores coupon codes lower-cased
        coupons = [
            {
                "id": child_id(o.id, "coupon"),
                "code": o.discount_code.lower(),
                "discount": fmt_cents(o.discount_cents),
                "discount_tax": "0.00",
                "meta_data": [],
            }
        ]
    refunds = []
    if o.state.refunded:
        refunds = [
            {
                "id": child_id(o.id, "refund"),
                "reason": REFUND_REASONS[int(o.u[5] * len(REFUND_REASONS))],
                "total": fmt_cents(-o.refund_cents),
            }
        ]
    return {
        "id": o.id,
        "parent_id": 0,
        "number": str(o.id),
        "order_key": f"wc_order_{o.token[:13]}",
        "created_via": "checkout",
        "version": VERSION,
        "status": _status(o),
        "currency": currency,
        "currency_symbol": SYMBOLS.get(currency, currency),
        "prices_include_tax": False,
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": modified,
        "date_modified_gmt": modified,
        "date_completed": completed,
        "date_completed_gmt": completed,
        "date_paid": created,
        "date_paid_gmt": created,
        "discount_total": fmt_cents(o.discount_cents),
        "discount_tax": "0.00",
        "shipping_total": fmt_cents(o.shipping_cents),
        "shipping_tax": "0.00",
        "cart_tax": fmt_cents(o.tax_cents),
        "total": fmt_cents(o.total_cents),
        "total_tax": fmt_cents(o.tax_cents),
        "customer_id": 0 if o.guest else o.customer_id,
        "billing": {**shipping_address, "email": o.email},
        "shipping": shipping_address,
        "payment_method": "stripe",
        "payment_method_title": "Credit Card (Stripe)",
        "transaction_id": f"ch_{o.token[8:32]}",
        "customer_ip_address": "",
        "customer_user_agent": "",
        "customer_note": "",
        "cart_hash": o.token,
        "meta_data": meta,
        "line_items": [_line(o, li, site) for li in o.lines],
        "tax_lines": [
            {
                "id": child_id(o.id, "tax_line"),
                "rate_code": f"{a.country_code}-TAX-1",
                "rate_id": 1,
                "label": "Tax",
                "compound": False,
                "tax_total": fmt_cents(o.tax_cents),
                "shipping_tax_total": "0.00",
                "rate_percent": round(100 * o.tax_rate, 4),
                "meta_data": [],
            }
        ]
        if o.tax_cents
        else [],
        "shipping_lines": [
            {
                "id": child_id(o.id, "shipping_line"),
                "method_title": "Free shipping" if free else "Flat rate",
                "method_id": "free_shipping" if free else "flat_rate",
                "instance_id": "1",
                "total": fmt_cents(o.shipping_cents),
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
            }
        ],
        "fee_lines": [],
        "coupon_lines": coupons,
        "refunds": refunds,
        "payment_url": f"https://{site}/checkout/order-pay/{o.id}/?pay_for_order=true&key=wc_order_{o.token[:13]}",
        "is_editable": False,
        "needs_payment": False,
        "needs_processing": _status(o) == "processing",
    }


def _product(p: Product, ctx: RenderContext, stock: dict[int, int]) -> dict:
    site = ctx.world.site_domain
    created, modified = woo_time(p.created_time), woo_time(product_updated_at(p, ctx.as_of, ctx.until))
    variable = has_options(p)
    price = fmt_cents(min(v.price_cents for v in p.variants))
    image = {
        "id": image_id(p),
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": created,
        "date_modified_gmt": created,
        "src": f"https://{site}/wp-content/uploads/{p.handle}.jpg",
        "name": p.handle,
        "alt": p.title,
    }
    attributes = (
        [
            {
                "id": 0,
                "name": option_name(p),
                "position": 0,
                "visible": True,
                "variation": True,
                "options": [v.title for v in p.variants],
            }
        ]
        if variable
        else []
    )
    return {
        "id": p.id,
        "name": p.title,
        "slug": p.handle,
        "permalink": f"https://{site}/product/{p.handle}/",
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": modified,
        "date_modified_gmt": modified,
        "type": "variable" if variable else "simple",
        "status": "publish",
        "featured": False,
        "catalog_visibility": "visible",
        "description": description(p),
        "short_description": "",
        "sku": p.variants[0].sku.rsplit("-", 1)[0] if variable else p.variants[0].sku,
        "price": price,
        "regular_price": price,
        "sale_price": "",
        "on_sale": False,
        "purchasable": True,
        "virtual": False,
        "downloadable": False,
        "tax_status": "taxable",
        "tax_class": "",
        "manage_stock": not variable,
        "stock_quantity": None if variable else stock[p.variants[0].id],
        "stock_status": "instock" if variable or stock[p.variants[0].id] else "outofstock",
        "weight": f"{grams(p) / 1000:g}",
        "categories": [{"id": category_id(p.product_type), "name": p.product_type, "slug": slugify(p.product_type)}],
        "tags": [],
        "images": [image],
        "attributes": attributes,
        "default_attributes": [],
        "variations": [v.id for v in p.variants] if variable else [],
        "menu_order": 0,
        "meta_data": [],
    }


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    return catalog(ctx, _product)


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    return {"orders": [_order(o, ctx) for o in shop_orders(ctx, sim)]}
