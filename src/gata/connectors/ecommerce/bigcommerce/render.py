"""BigCommerce: `orders` from the v2 Orders API, `products` from the v3 Catalog API.

v2 spells money as strings with four decimals and dates as RFC-2822; v3 uses numbers and ISO-8601. An
order's products are a sub-resource that connectors expand, so they are embedded here; guest checkouts
have customer_id 0 but the buyer's email on the billing address.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from email.utils import format_datetime
from typing import Annotated

from pydantic import StringConstraints

from gata.connectors.base import RenderContext
from gata.connectors.ecommerce._common import (
    ApiModel,
    IsoTime,
    Line,
    Money4,
    ShopOrder,
    catalog,
    category_id,
    child_id,
    description,
    fmt_cents4,
    grams,
    has_options,
    iso,
    option_id,
    option_name,
    product_updated_at,
    shop_orders,
)
from gata.simulation.day import DaySim
from gata.simulation.rng import derive_seed
from gata.simulation.world import Product

Rfc2822 = Annotated[
    str, StringConstraints(pattern=r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
]
# order phase -> (status_id, status), payment_status
STATUS = {
    "open": (11, "Awaiting Fulfillment"),
    "fulfilled": (2, "Shipped"),
    "cancelled": (5, "Cancelled"),
    "refunded": (4, "Refunded"),
    "partially_refunded": (14, "Partially Refunded"),
}
PAYMENT_STATUS = {"cancelled": "void", "refunded": "refunded", "partially_refunded": "partially refunded"}
PERCENTAGE_DISCOUNT = 1  # BigCommerce coupon type
MESSAGES = ["Please leave the parcel at the back door.", "It's a gift, no invoice in the box please."]


class BillingAddress(ApiModel):
    first_name: str
    last_name: str
    company: str
    street_1: str
    street_2: str
    city: str
    state: str
    zip: str
    country: str
    country_iso2: str
    phone: str
    email: str
    form_fields: list[dict]


class AppliedDiscount(ApiModel):
    id: str
    amount: Money4
    name: str
    code: str | None
    target: str


class ProductOption(ApiModel):
    id: int
    option_id: int
    order_product_id: int
    product_option_id: int
    display_name: str
    display_value: str
    value: str
    type: str
    name: str


class OrderProduct(ApiModel):
    id: int
    order_id: int
    product_id: int
    variant_id: int
    order_address_id: int
    name: str
    name_customer: str
    name_merchant: str
    sku: str
    upc: str
    type: str
    base_price: Money4
    price_ex_tax: Money4
    price_inc_tax: Money4
    price_tax: Money4
    base_total: Money4
    total_ex_tax: Money4
    total_inc_tax: Money4
    total_tax: Money4
    weight: Money4
    quantity: int
    quantity_shipped: int
    is_refunded: bool
    quantity_refunded: int
    refund_amount: Money4
    applied_discounts: list[AppliedDiscount]
    product_options: list[ProductOption]


class Coupon(ApiModel):
    id: int
    coupon_id: int
    order_id: int
    code: str
    amount: Money4
    type: int
    discount: float


class Resource(ApiModel):
    url: str
    resource: str


class Order(ApiModel):
    id: int
    customer_id: int
    date_created: Rfc2822
    date_modified: Rfc2822
    date_shipped: Rfc2822 | Annotated[str, StringConstraints(max_length=0)]
    status_id: int
    status: str
    custom_status: str
    subtotal_ex_tax: Money4
    subtotal_inc_tax: Money4
    subtotal_tax: Money4
    base_shipping_cost: Money4
    shipping_cost_ex_tax: Money4
    shipping_cost_inc_tax: Money4
    shipping_cost_tax: Money4
    shipping_cost_tax_class_id: int
    base_handling_cost: Money4
    handling_cost_ex_tax: Money4
    handling_cost_inc_tax: Money4
    handling_cost_tax: Money4
    base_wrapping_cost: Money4
    wrapping_cost_ex_tax: Money4
    wrapping_cost_inc_tax: Money4
    wrapping_cost_tax: Money4
    total_ex_tax: Money4
    total_inc_tax: Money4
    total_tax: Money4
    items_total: int
    items_shipped: int
    payment_method: str
    payment_provider_id: str
    payment_status: str
    refunded_amount: Money4
    order_is_digital: bool
    store_credit_amount: Money4
    gift_certificate_amount: Money4
    ip_address: str
    geoip_country: str
    geoip_country_iso2: str
    currency_id: int
    currency_code: str
    currency_exchange_rate: str
    default_currency_id: int
    default_currency_code: str
    store_default_currency_code: str
    staff_notes: str
    customer_message: str
    discount_amount: Money4
    coupon_discount: Money4
    shipping_address_count: int
    is_deleted: bool
    ebay_order_id: str
    cart_id: str
    is_email_opt_in: bool
    credit_card_type: str | None
    order_source: str
    channel_id: int
    external_source: str | None
    external_id: str | None
    customer_locale: str
    billing_address: BillingAddress
    products: list[OrderProduct]
    shipping_addresses: Resource
    coupons: list[Coupon]


class OptionValue(ApiModel):
    id: int
    label: str
    option_id: int
    option_display_name: str


class CatalogVariant(ApiModel):
    id: int
    product_id: int
    sku: str
    price: float | None
    calculated_price: float
    sale_price: float | None
    inventory_level: int
    purchasing_disabled: bool
    option_values: list[OptionValue]


class CustomUrl(ApiModel):
    url: str
    is_customized: bool


class CatalogProduct(ApiModel):
    id: int
    name: str
    type: str
    sku: str
    description: str
    weight: float
    price: float
    cost_price: float
    retail_price: float
    sale_price: float
    map_price: float
    calculated_price: float
    tax_class_id: int
    categories: list[int]
    brand_id: int
    inventory_level: int
    inventory_tracking: str
    is_visible: bool
    is_featured: bool
    availability: str
    condition: str
    date_created: IsoTime
    date_modified: IsoTime
    custom_url: CustomUrl
    variants: list[CatalogVariant]


RECORD_MODELS = {"orders": Order, "products": CatalogProduct}


def _per_unit(cents: int, quantity: int) -> str:
    """A line amount per unit, to the fourth decimal as BigCommerce stores it."""
    value = (Decimal(cents) / quantity / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return f"{value:.4f}"


def _line(o: ShopOrder, line: Line) -> dict:
    p, v = line.product, line.variant
    lid = child_id(o.id, "line", line.index)
    options = []
    if has_options(p):
        options = [
            {
                "id": lid,
                "option_id": option_id(p),
                "order_product_id": lid,
                "product_option_id": option_id(p),
                "display_name": option_name(p),
                "display_value": v.title,
                "value": v.title,
                "type": "Multiple choice",
                "name": option_name(p),
            }
        ]
    discounts = []
    if line.discount_cents:
        discounts = [
            {
                "id": "coupon",
                "amount": fmt_cents4(line.discount_cents),
                "name": o.discount_code or "",
                "code": o.discount_code,
                "target": "order",
            }
        ]
    refunded = o.state.refunded and o.refund_full
    return {
        "id": lid,
        "order_id": o.id,
        "product_id": p.id,
        "variant_id": v.id,
        "order_address_id": child_id(o.id, "address"),
        "name": p.title,
        "name_customer": p.title,
        "name_merchant": p.title,
        "sku": v.sku,
        "upc": "",
        "type": "physical",
        "base_price": fmt_cents4(line.unit_cents),
        "price_ex_tax": fmt_cents4(line.unit_cents),
        "price_inc_tax": _per_unit(line.subtotal_cents + line.tax_cents, line.quantity),
        "price_tax": _per_unit(line.tax_cents, line.quantity),
        "base_total": fmt_cents4(line.subtotal_cents),
        "total_ex_tax": fmt_cents4(line.subtotal_cents),
        "total_inc_tax": fmt_cents4(line.subtotal_cents + line.tax_cents),
        "total_tax": fmt_cents4(line.tax_cents),
        "weight": f"{grams(p) / 1000:.4f}",
        "quantity": line.quantity,
        "quantity_shipped": line.quantity if o.state.fulfilled else 0,
        "is_refunded": refunded,
        "quantity_refunded": line.quantity if refunded else 0,
        "refund_amount": fmt_cents4(line.total_cents + line.tax_cents if refunded else 0),
        "applied_discounts": discounts,
        "product_options": options,
    }


def _order(o: ShopOrder, ctx: RenderContext) -> dict:
    currency, a = ctx.shop().currency, o.address
    status_id, status = STATUS[o.phase]
    zero = fmt_cents4(0)
    card = o.u[3] < 0.7
    coupons = []
    if o.discount_code:
        coupons = [
            {
                "id": child_id(o.id, "coupon"),
                "coupon_id": 1 + derive_seed("coupon", o.discount_code) % 9999,
                "order_id": o.id,
                "code": o.discount_code,
                "amount": fmt_cents4(100 * o.discount_percent),
                "type": PERCENTAGE_DISCOUNT,
                "discount": o.discount_cents / 100,
            }
        ]
    api = f"https://api.bigcommerce.com/stores/{ctx.world.namespace:x}/v2"
    return {
        "id": o.id,
        "customer_id": 0 if o.guest else o.customer_id,
        "date_created": format_datetime(o.created),
        "date_modified": format_datetime(o.updated_at),
        "date_shipped": format_datetime(o.fulfilled_at) if o.state.fulfilled else "",
        "status_id": status_id,
        "status": status,
        "custom_status": status,
        "subtotal_ex_tax": fmt_cents4(o.subtotal_cents),
        "subtotal_inc_tax": fmt_cents4(o.subtotal_cents + o.tax_cents),
        "subtotal_tax": fmt_cents4(o.tax_cents),
        "base_shipping_cost": fmt_cents4(o.shipping_cents),
        "shipping_cost_ex_tax": fmt_cents4(o.shipping_cents),
        "shipping_cost_inc_tax": fmt_cents4(o.shipping_cents),
        "shipping_cost_tax": zero,
        "shipping_cost_tax_class_id": 2,
        "base_handling_cost": zero,
        "handling_cost_ex_tax": zero,
        "handling_cost_inc_tax": zero,
        "handling_cost_tax": zero,
        "base_wrapping_cost": zero,
        "wrapping_cost_ex_tax": zero,
        "wrapping_cost_inc_tax": zero,
        "wrapping_cost_tax": zero,
        "total_ex_tax": fmt_cents4(o.total_cents - o.tax_cents),
        "total_inc_tax": fmt_cents4(o.total_cents),
        "total_tax": fmt_cents4(o.tax_cents),
        "items_total": o.items_count,
        "items_shipped": o.items_count if o.state.fulfilled else 0,
        "payment_method": "Credit Card" if card else "PayPal",
        "payment_provider_id": ("ch_" if card else "PAYID-") + o.token[:24].upper(),
        "payment_status": PAYMENT_STATUS.get(o.phase, "captured"),
        "refunded_amount": fmt_cents4(o.refund_cents),
        "order_is_digital": False,
        "store_credit_amount": zero,
        "gift_certificate_amount": zero,
        "ip_address": "",
        "geoip_country": a.country,
        "geoip_country_iso2": a.country_code,
        "currency_id": 1,
        "currency_code": currency,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": 1,
        "default_currency_code": currency,
        "store_default_currency_code": currency,
        "staff_notes": "",
        "customer_message": MESSAGES[int(o.u[5] * 100) % len(MESSAGES)] if o.u[5] < 0.04 else "",
        "discount_amount": zero,
        "coupon_discount": fmt_cents4(o.discount_cents),
        "shipping_address_count": 1,
        "is_deleted": False,
        "ebay_order_id": "0",
        "cart_id": f"{o.token[:8]}-{o.token[8:12]}-{o.token[12:16]}-{o.token[16:20]}-{o.token[20:]}",
        "is_email_opt_in": o.accepts_marketing,
        "credit_card_type": None,
        "order_source": "www",
        "channel_id": 1,
        "external_source": None,
        "external_id": None,
        "customer_locale": "en",
        "billing_address": {
            "first_name": o.first_name,
            "last_name": o.last_name,
            "company": "",
            "street_1": a.street,
            "street_2": "",
            "city": a.city,
            "state": "",
            "zip": a.zip,
            "country": a.country,
            "country_iso2": a.country_code,
            "phone": "",
            "email": o.email,
            "form_fields": [],
        },
        "products": [_line(o, li) for li in o.lines],
        "shipping_addresses": {
            "url": f"{api}/orders/{o.id}/shipping_addresses",
            "resource": f"/orders/{o.id}/shipping_addresses",
        },
        "coupons": coupons,
    }


def _product(p: Product, ctx: RenderContext, stock: dict[int, int]) -> dict:
    price = p.variants[0].price_cents / 100
    opt = option_id(p)
    variants = [
        {
            "id": v.id,
            "product_id": p.id,
            "sku": v.sku,
            "price": v.price_cents / 100,
            "calculated_price": v.price_cents / 100,
            "sale_price": None,
            "inventory_level": stock[v.id],
            "purchasing_disabled": False,
            "option_values": [
                {
                    "id": opt + 1 + k,
                    "label": v.title,
                    "option_id": opt,
                    "option_display_name": option_name(p),
                }
            ]
            if has_options(p)
            else [],
        }
        for k, v in enumerate(p.variants)
    ]
    return {
        "id": p.id,
        "name": p.title,
        "type": "physical",
        "sku": p.variants[0].sku.rsplit("-", 1)[0],
        "description": description(p),
        "weight": grams(p) / 1000,
        "price": price,
        "cost_price": 0.0,
        "retail_price": 0.0,
        "sale_price": 0.0,
        "map_price": 0.0,
        "calculated_price": price,
        "tax_class_id": 0,
        "categories": [category_id(p.product_type)],
        "brand_id": 1,
        "inventory_level": sum(stock[v.id] for v in p.variants),
        "inventory_tracking": "variant",
        "is_visible": True,
        "is_featured": False,
        "availability": "available",
        "condition": "New",
        "date_created": iso(p.created_time),
        "date_modified": iso(product_updated_at(p, ctx.as_of, ctx.until)),
        "custom_url": {"url": f"/{p.handle}/", "is_customized": False},
        "variants": variants,
    }


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    return catalog(ctx, _product)


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    return {"orders": [_order(o, ctx) for o in shop_orders(ctx, sim)]}
