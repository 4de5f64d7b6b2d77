"""Shopify Admin REST API 2024-01: `orders` (GET /orders.json?status=any) and `products`.

Money is a string with two decimals, next to `*_set` objects in shop and presentment currency (the
same here: the simulated shop sells in one currency); times are ISO-8601 with the shop's offset (UTC).
Guest checkouts still carry a customer (Shopify creates a disabled one from the checkout email).
"""

from __future__ import annotations

from gata.connectors.base import RenderContext
from gata.connectors.ecommerce._common import (
    ApiModel,
    IsoTime,
    Line,
    Money2,
    ShopOrder,
    catalog,
    child_id,
    description,
    grams,
    has_options,
    image_id,
    iso,
    option_id,
    option_name,
    product_updated_at,
    shop_orders,
)
from gata.simulation.day import DaySim
from gata.simulation.money import fmt_cents
from gata.simulation.world import Product

API = "gid://shopify"
CANCEL_REASONS = ["customer", "inventory", "declined", "other"]
CARRIERS = [
    ("UPS", "https://www.ups.com/track?tracknum="),
    ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels="),
    ("DHL Express", "https://www.dhl.com/en/express/tracking.html?AWB="),
]
REFUND_NOTES = ["Customer changed mind", "Damaged in transit", "Wrong size", None]


class Money(ApiModel):
    amount: Money2
    currency_code: str


class MoneySet(ApiModel):
    shop_money: Money
    presentment_money: Money


class Address(ApiModel):
    first_name: str
    last_name: str
    name: str
    company: str | None
    address1: str
    address2: str
    city: str
    province: str | None
    province_code: str | None
    zip: str
    country: str
    country_code: str
    phone: str | None


class EmailConsent(ApiModel):
    state: str
    opt_in_level: str
    consent_updated_at: IsoTime | None


class Customer(ApiModel):
    id: int
    admin_graphql_api_id: str
    email: str
    first_name: str
    last_name: str
    state: str  # enabled (account) | disabled (created from a guest checkout)
    verified_email: bool
    created_at: IsoTime
    updated_at: IsoTime
    note: str | None
    tax_exempt: bool
    tax_exemptions: list[str]
    phone: str | None
    tags: str
    currency: str
    email_marketing_consent: EmailConsent
    sms_marketing_consent: None
    multipass_identifier: None


class TaxLine(ApiModel):
    title: str
    price: Money2
    price_set: MoneySet
    rate: float
    channel_liable: bool


class DiscountAllocation(ApiModel):
    amount: Money2
    amount_set: MoneySet
    discount_application_index: int


class LineItem(ApiModel):
    id: int
    admin_graphql_api_id: str
    product_id: int
    variant_id: int
    title: str
    variant_title: str | None
    name: str
    sku: str
    vendor: str
    quantity: int
    fulfillable_quantity: int
    fulfillment_service: str
    fulfillment_status: str | None
    grams: int
    price: Money2
    price_set: MoneySet
    total_discount: Money2
    total_discount_set: MoneySet
    discount_allocations: list[DiscountAllocation]
    tax_lines: list[TaxLine]
    taxable: bool
    requires_shipping: bool
    gift_card: bool
    product_exists: bool
    variant_inventory_management: str
    properties: list[dict]


class DiscountCode(ApiModel):
    code: str
    amount: Money2
    type: str


class DiscountApplication(ApiModel):
    type: str
    code: str
    value: str
    value_type: str
    allocation_method: str
    target_selection: str
    target_type: str


class ShippingLine(ApiModel):
    id: int
    title: str
    code: str
    source: str
    price: Money2
    price_set: MoneySet
    discounted_price: Money2
    discounted_price_set: MoneySet
    carrier_identifier: str | None
    tax_lines: list[TaxLine]
    discount_allocations: list[DiscountAllocation]


class Fulfillment(ApiModel):
    id: int
    admin_graphql_api_id: str
    order_id: int
    name: str
    status: str
    service: str
    shipment_status: str | None
    tracking_company: str
    tracking_number: str
    tracking_numbers: list[str]
    tracking_url: str
    created_at: IsoTime
    updated_at: IsoTime


class RefundLineItem(ApiModel):
    id: int
    line_item_id: int
    quantity: int
    restock_type: str
    subtotal: float
    subtotal_set: MoneySet
    total_tax: float
    total_tax_set: MoneySet


class Transaction(ApiModel):
    id: int
    admin_graphql_api_id: str
    order_id: int
    parent_id: int
    kind: str
    status: str
    gateway: str
    amount: Money2
    currency: str
    test: bool
    created_at: IsoTime
    processed_at: IsoTime


class OrderAdjustment(ApiModel):
    id: int
    order_id: int
    refund_id: int
    kind: str  # shipping_refund | refund_discrepancy
    reason: str
    amount: Money2
    amount_set: MoneySet
    tax_amount: Money2
    tax_amount_set: MoneySet


class Refund(ApiModel):
    id: int
    admin_graphql_api_id: str
    order_id: int
    created_at: IsoTime
    processed_at: IsoTime
    note: str | None
    restock: bool
    user_id: int | None
    refund_line_items: list[RefundLineItem]
    transactions: list[Transaction]
    order_adjustments: list[OrderAdjustment]


class Order(ApiModel):
    id: int
    admin_graphql_api_id: str
    name: str
    number: int
    order_number: int
    token: str
    confirmation_number: str
    confirmed: bool
    test: bool
    email: str
    contact_email: str
    phone: str | None
    created_at: IsoTime
    processed_at: IsoTime
    updated_at: IsoTime
    cancelled_at: IsoTime | None
    cancel_reason: str | None
    closed_at: IsoTime | None
    currency: str
    presentment_currency: str
    financial_status: str
    fulfillment_status: str | None
    total_price: Money2
    total_price_set: MoneySet
    subtotal_price: Money2
    subtotal_price_set: MoneySet
    total_line_items_price: Money2
    total_line_items_price_set: MoneySet
    total_discounts: Money2
    total_discounts_set: MoneySet
    total_tax: Money2
    total_tax_set: MoneySet
    total_shipping_price_set: MoneySet
    total_tip_received: Money2
    total_weight: int
    taxes_included: bool
    estimated_taxes: bool
    buyer_accepts_marketing: bool
    landing_site: str
    landing_site_ref: str | None
    referring_site: str | None
    source_name: str
    app_id: int
    customer_locale: str
    payment_gateway_names: list[str]
    tags: str
    note: str | None
    note_attributes: list[dict]
    customer: Customer
    billing_address: Address
    shipping_address: Address
    line_items: list[LineItem]
    shipping_lines: list[ShippingLine]
    tax_lines: list[TaxLine]
    discount_codes: list[DiscountCode]
    discount_applications: list[DiscountApplication]
    fulfillments: list[Fulfillment]
    refunds: list[Refund]


class ProductVariant(ApiModel):
    id: int
    admin_graphql_api_id: str
    product_id: int
    title: str
    price: Money2
    compare_at_price: Money2 | None
    sku: str
    position: int
    option1: str
    option2: str | None
    option3: str | None
    inventory_policy: str
    inventory_management: str
    inventory_item_id: int
    inventory_quantity: int
    fulfillment_service: str
    taxable: bool
    requires_shipping: bool
    barcode: str | None
    grams: int
    weight: float
    weight_unit: str
    image_id: int | None
    created_at: IsoTime
    updated_at: IsoTime


class ProductOption(ApiModel):
    id: int
    product_id: int
    name: str
    position: int
    values: list[str]


class ProductImage(ApiModel):
    id: int
    admin_graphql_api_id: str
    product_id: int
    position: int
    alt: str | None
    width: int
    height: int
    src: str
    variant_ids: list[int]
    created_at: IsoTime
    updated_at: IsoTime


class ProductRecord(ApiModel):
    id: int
    admin_graphql_api_id: str
    title: str
    handle: str
    body_html: str
    vendor: str
    product_type: str
    status: str
    published_scope: str
    template_suffix: str | None
    tags: str
    created_at: IsoTime
    updated_at: IsoTime
    published_at: IsoTime | None
    variants: list[ProductVariant]
    options: list[ProductOption]
    images: list[ProductImage]
    image: ProductImage | None


RECORD_MODELS = {"orders": Order, "products": ProductRecord}


def _money_set(cents: int, currency: str) -> dict:
    m = {"amount": fmt_cents(cents), "currency_code": currency}
    return {"shop_money": m, "presentment_money": dict(m)}


def _money(name: str, cents: int, currency: str) -> dict:
    """`name` and `name_set`, the pair Shopify spells every amount as."""
    return {name: fmt_cents(cents), f"{name}_set": _money_set(cents, currency)}


def _tax_lines(cents: int, rate: float, currency: str) -> list[dict]:
    if not cents:
        return []
    return [{"title": "Sales Tax", **_money("price", cents, currency), "rate": rate, "channel_liable": False}]


def _address(o: ShopOrder) -> dict:
    a = o.address
    return {
        "first_name": o.first_name,
        "last_name": o.last_name,
        "name": f"{o.first_name} {o.last_name}",
        "company": None,
        "address1": a.street,
        "address2": "",
        "city": a.city,
        "province": None,
        "province_code": None,
        "zip": a.zip,
        "country": a.country,
        "country_code": a.country_code,
        "phone": None,
    }


def _customer(o: ShopOrder, currency: str) -> dict:
    consent = "subscribed" if o.accepts_marketing else "not_subscribed"
    return {
        "id": o.customer_id,
        "admin_graphql_api_id": f"{API}/Customer/{o.customer_id}",
        "email": o.email,
        "first_name": o.first_name,
        "last_name": o.last_name,
        "state": "disabled" if o.guest else "enabled",
        "verified_email": not o.guest,
        "created_at": iso(o.customer_since),
        "updated_at": iso(o.created),
        "note": None,
        "tax_exempt": False,
        "tax_exemptions": [],
        "phone": None,
        "tags": "",
        "currency": currency,
        "email_marketing_consent": {
            "state": consent,
            "opt_in_level": "single_opt_in",
            "consent_updated_at": iso(o.customer_since) if o.accepts_marketing else None,
        },
        "sms_marketing_consent": None,
        "multipass_identifier": None,
    }


def _line_item(o: ShopOrder, line: Line, currency: str) -> dict:
    v, p = line.variant, line.product
    default = not has_options(p)
    allocations = (
        [{**_money("amount", line.discount_cents, currency), "discount_application_index": 0}]
        if line.discount_cents
        else []
    )
    lid = child_id(o.id, "line", line.index)
    return {
        "id": lid,
        "admin_graphql_api_id": f"{API}/LineItem/{lid}",
        "product_id": p.id,
        "variant_id": v.id,
        "title": p.title,
        "variant_title": None if default else v.title,
        "name": p.title if default else f"{p.title} - {v.title}",
        "sku": v.sku,
        "vendor": p.vendor,
        "quantity": line.quantity,
        "fulfillable_quantity": 0 if o.state.fulfilled or o.state.cancelled else line.quantity,
        "fulfillment_service": "manual",
        "fulfillment_status": "fulfilled" if o.state.fulfilled else None,
        "grams": grams(p),
        **_money("price", line.unit_cents, currency),
        **_money("total_discount", line.discount_cents, currency),
        "discount_allocations": allocations,
        "tax_lines": _tax_lines(line.tax_cents, o.tax_rate, currency),
        "taxable": True,
        "requires_shipping": True,
        "gift_card": False,
        "product_exists": True,
        "variant_inventory_management": "shopify",
        "properties": [],
    }


def _refund(o: ShopOrder, currency: str) -> dict:
    rid = child_id(o.id, "refund")
    at = iso(o.refunded_at)
    lines, adjustments = [], []
    if o.refund_full:  # every line back, and the shipping
        lines = [
            {
                "id": child_id(o.id, "refund_line", li.index),
                "line_item_id": child_id(o.id, "line", li.index),
                "quantity": li.quantity,
                "restock_type": "return",
                "subtotal": li.total_cents / 100,
                "subtotal_set": _money_set(li.total_cents, currency),
                "total_tax": li.tax_cents / 100,
                "total_tax_set": _money_set(li.tax_cents, currency),
            }
            for li in o.lines
        ]
        rest, kind, reason = o.shipping_cents, "shipping_refund", "Shipping refund"
    else:  # an amount without returned items
        rest, kind, reason = o.refund_cents, "refund_discrepancy", "Refund discrepancy"
    if rest:
        adjustments.append(
            {
                "id": child_id(o.id, "adjustment"),
                "order_id": o.id,
                "refund_id": rid,
                "kind": kind,
                "reason": reason,
                **_money("amount", -rest, currency),
                **_money("tax_amount", 0, currency),
            }
        )
    tid = child_id(o.id, "transaction")
    transaction = {
        "id": tid,
        "admin_graphql_api_id": f"{API}/OrderTransaction/{tid}",
        "order_id": o.id,
        "parent_id": child_id(o.id, "sale"),
        "kind": "refund",
        "status": "success",
        "gateway": "shopify_payments",
        "amount": fmt_cents(o.refund_cents),
        "currency": currency,
        "test": False,
        "created_at": at,
        "processed_at": at,
    }
    return {
        "id": rid,
        "admin_graphql_api_id": f"{API}/Refund/{rid}",
        "order_id": o.id,
        "created_at": at,
        "processed_at": at,
        "note": REFUND_NOTES[int(o.u[5] * len(REFUND_NOTES))],
        "restock": o.refund_full,
        "user_id": None,
        "refund_line_items": lines,
        "transactions": [transaction],
        "order_adjustments": adjustments,
    }


def _fulfillment(o: ShopOrder) -> dict:
    fid = child_id(o.id, "fulfillment")
    carrier, url = CARRIERS[int(o.u[4] * len(CARRIERS))]
    tracking = f"1Z{o.token[:16].upper()}"
    return {
        "id": fid,
        "admin_graphql_api_id": f"{API}/Fulfillment/{fid}",
        "order_id": o.id,
        "name": f"#{o.number + 1000}.1",
        "status": "success",
        "service": "manual",
        "shipment_status": None,
        "tracking_company": carrier,
        "tracking_number": tracking,
        "tracking_numbers": [tracking],
        "tracking_url": f"{url}{tracking}",
        "created_at": iso(o.fulfilled_at),
        "updated_at": iso(o.fulfilled_at),
    }


FINANCIAL_STATUS = {"cancelled": "voided", "refunded": "refunded", "partially_refunded": "partially_refunded"}


def _order(o: ShopOrder, currency: str) -> dict:
    s = o.state
    shipping = {
        "id": child_id(o.id, "shipping_line"),
        "title": "Standard Shipping" if o.shipping_cents else "Free Shipping",
        "code": "Standard",
        "source": "shopify",
        **_money("price", o.shipping_cents, currency),
        **_money("discounted_price", o.shipping_cents, currency),
        "carrier_identifier": None,
        "tax_lines": [],
        "discount_allocations": [],
    }
    codes, applications = [], []
    if o.discount_code:
        codes = [{"code": o.discount_code, "amount": fmt_cents(o.discount_cents), "type": "percentage"}]
        applications = [
            {
                "type": "discount_code",
                "code": o.discount_code,
                "value": f"{o.discount_percent}.0",
                "value_type": "percentage",
                "allocation_method": "across",
                "target_selection": "all",
                "target_type": "line_item",
            }
        ]
    order_number = o.number + 1000
    closed = o.cancelled_at if s.cancelled else o.fulfilled_at
    return {
        "id": o.id,
        "admin_graphql_api_id": f"{API}/Order/{o.id}",
        "name": f"#{order_number}",
        "number": o.number,
        "order_number": order_number,
        "token": o.token,
        "confirmation_number": o.token[-9:].upper(),
        "confirmed": True,
        "test": False,
        "email": o.email,
        "contact_email": o.email,
        "phone": None,
        "created_at": iso(o.created),
        "processed_at": iso(o.created),
        "updated_at": iso(o.updated_at),
        "cancelled_at": iso(o.cancelled_at) if s.cancelled else None,
        "cancel_reason": CANCEL_REASONS[int(o.u[3] * len(CANCEL_REASONS))] if s.cancelled else None,
        "closed_at": iso(closed) if closed else None,
        "currency": currency,
        "presentment_currency": currency,
        "financial_status": FINANCIAL_STATUS.get(o.phase, "paid"),
        "fulfillment_status": "fulfilled" if s.fulfilled else None,
        **_money("total_price", o.total_cents, currency),
        **_money("subtotal_price", o.subtotal_cents - o.discount_cents, currency),
        **_money("total_line_items_price", o.subtotal_cents, currency),
        **_money("total_discounts", o.discount_cents, currency),
        **_money("total_tax", o.tax_cents, currency),
        "total_shipping_price_set": _money_set(o.shipping_cents, currency),
        "total_tip_received": "0.00",
        "total_weight": sum(grams(li.product) * li.quantity for li in o.lines),
        "taxes_included": False,
        "estimated_taxes": False,
        "buyer_accepts_marketing": o.accepts_marketing,
        "landing_site": o.attribution.landing_site,
        "landing_site_ref": None,
        "referring_site": o.attribution.referring_site,
        "source_name": "web",
        "app_id": 580111,
        "customer_locale": "en",
        "payment_gateway_names": ["shopify_payments"],
        "tags": "",
        "note": None,
        "note_attributes": [],
        "customer": _customer(o, currency),
        "billing_address": _address(o),
        "shipping_address": _address(o),
        "line_items": [_line_item(o, li, currency) for li in o.lines],
        "shipping_lines": [shipping],
        "tax_lines": _tax_lines(o.tax_cents, o.tax_rate, currency),
        "discount_codes": codes,
        "discount_applications": applications,
        "fulfillments": [_fulfillment(o)] if s.fulfilled else [],
        "refunds": [_refund(o, currency)] if s.refunded else [],
    }


def _product(p: Product, ctx: RenderContext, stock: dict[int, int]) -> dict:
    created, updated = iso(p.created_time), iso(product_updated_at(p, ctx.as_of, ctx.until))
    image = {
        "id": image_id(p),
        "admin_graphql_api_id": f"{API}/ProductImage/{image_id(p)}",
        "product_id": p.id,
        "position": 1,
        "alt": p.title,
        "width": 1200,
        "height": 1200,
        "src": f"https://cdn.shopify.com/s/files/1/0{ctx.world.namespace}/products/{p.handle}.jpg",
        "variant_ids": [],
        "created_at": created,
        "updated_at": created,
    }
    variants = [
        {
            "id": v.id,
            "admin_graphql_api_id": f"{API}/ProductVariant/{v.id}",
            "product_id": p.id,
            "title": v.title,
            "price": fmt_cents(v.price_cents),
            "compare_at_price": None,
            "sku": v.sku,
            "position": k + 1,
            "option1": v.title,
            "option2": None,
            "option3": None,
            "inventory_policy": "deny",
            "inventory_management": "shopify",
            "inventory_item_id": v.id * 10 + 1,
            "inventory_quantity": stock[v.id],
            "fulfillment_service": "manual",
            "taxable": True,
            "requires_shipping": True,
            "barcode": None,
            "grams": grams(p),
            "weight": grams(p) / 1000,
            "weight_unit": "kg",
            "image_id": None,
            "created_at": created,
            "updated_at": updated,
        }
        for k, v in enumerate(p.variants)
    ]
    return {
        "id": p.id,
        "admin_graphql_api_id": f"{API}/Product/{p.id}",
        "title": p.title,
        "handle": p.handle,
        "body_html": description(p),
        "vendor": p.vendor,
        "product_type": p.product_type,
        "status": "active",
        "published_scope": "web",
        "template_suffix": None,
        "tags": p.product_type.lower(),
        "created_at": created,
        "updated_at": updated,
        "published_at": created,
        "variants": variants,
        "options": [
            {
                "id": option_id(p),
                "product_id": p.id,
                "name": option_name(p),
                "position": 1,
                "values": [v.title for v in p.variants],
            }
        ],
        "images": [image],
        "image": image,
    }


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    return catalog(ctx, _product)


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    currency = ctx.shop().currency
    return {"orders": [_order(o, currency) for o in shop_orders(ctx, sim)]}
