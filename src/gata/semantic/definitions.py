"""The business vocabulary over the six star tables: dimensions, measures, time dimensions and join paths.

Every measure is one aggregate expression over the model's own table, so a measure means the same thing
whether it is asked alone, grouped, or on a joined model (BSL aggregates each table before joining).
Money is always the reporting-currency column, so sums across platforms and shops are meaningful.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ibis.expr.types as ir

Expr = Callable[[ir.Table], ir.Value]


@dataclass(frozen=True)
class DimensionDef:
    name: str
    label: str
    description: str
    column: str
    is_time: bool = False
    format: str = "text"
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureDef:
    name: str
    label: str
    description: str
    expr: Expr
    format: str = "number"
    synonyms: tuple[str, ...] = ()
    # the domain whose late restatements still move this measure (platform-reported conversions settle inside
    # the ad platforms' attribution window): its comparisons are flagged or made on settled days only
    settles_with: str | None = None

    @property
    def additive(self) -> bool:
        """A sum or count: a missing side of a comparison is zero. A ratio or a mean is not additive: with a side
        missing its change is unknown (an absent previous period is not a CPA of 0)."""
        return not getattr(self.expr, "non_additive", False)


@dataclass(frozen=True)
class JoinDef:
    model: str  # the joined model's name; its fields are spelled `<model>.<field>`
    column: str
    to_column: str
    # a utm_source column of this model: the join also requires the ad platform it names to be the joined
    # campaign's platform (the same campaign name on two platforms is two campaigns, never a fan-out)
    source_column: str | None = None


@dataclass(frozen=True)
class ModelDef:
    name: str
    table: str  # contract table (fct_orders, ...) or "blended"
    label: str
    description: str
    time_dimension: str
    dimensions: list[DimensionDef]
    measures: list[MeasureDef]
    joins: list[JoinDef] = field(default_factory=list)
    synonyms: tuple[str, ...] = ()


def non_additive(expr: Expr) -> Expr:
    """Marks an aggregate whose values cannot be added or filled with zero (a ratio, a mean)."""
    expr.non_additive = True  # type: ignore[attr-defined]
    return expr


def _ratio(num: Expr, den: Expr, scale: float = 1.0) -> Expr:
    """A ratio of two aggregates: null rather than an error or infinity when the denominator is 0."""

    def expr(t: ir.Table) -> ir.Value:
        n = num(t).cast("float64")
        if scale != 1.0:
            n = n * scale
        return n / den(t).cast("float64").nullif(0)

    return non_additive(expr)


def _sum(column: str, where: Expr | None = None) -> Expr:
    return lambda t: t[column].sum(where=where(t) if where else None)


def _count(where: Expr | None = None) -> Expr:
    return lambda t: t.count(where=where(t) if where else None)


def _distinct(column: str, where: Expr | None = None) -> Expr:
    return lambda t: t[column].nunique(where=where(t) if where else None)


def _dim(name: str, label: str, description: str, *, column: str | None = None, **kw) -> DimensionDef:
    return DimensionDef(name, label, description, column or name, **kw)


def _day(name: str, label: str, description: str) -> DimensionDef:
    return DimensionDef(name, label, description, name, is_time=True, format="date")


# --- ad performance ---------------------------------------------------------------------------------------

_spend = _sum("spend_reporting")
_impressions = _sum("impressions")
_clicks = _sum("clicks")
_conversions = _sum("conversions")
_conversions_value = _sum("conversions_value_reporting")
PAID_ADS = "paid_ads"

AD_PERFORMANCE = ModelDef(
    name="ad_performance",
    table="fct_ad_performance",
    label="Ad performance",
    description="Daily ad-level spend, delivery and platform-reported conversions across every ad platform.",
    time_dimension="report_date",
    synonyms=("ads", "paid media", "advertising", "ad spend"),
    dimensions=[
        _day("report_date", "Date", "Day of the metrics (the platform's reporting day)."),
        _dim(
            "source_platform",
            "Platform",
            "Ad platform (facebook_ads, google_ads, ...).",
            synonyms=("platform", "channel", "network"),
        ),
        _dim("account_id", "Ad account", "Ad account id."),
        _dim("campaign_id", "Campaign id", "Campaign id as the platform spells it."),
        _dim("campaign_name", "Campaign", "Campaign name.", synonyms=("campaign",)),
        _dim("ad_group_name", "Ad group", "Ad group / ad set name.", synonyms=("ad set", "ad group")),
        _dim("ad_name", "Ad", "Ad name.", synonyms=("ad", "creative")),
        _dim("currency", "Account currency", "The ad account's own currency."),
        _dim("campaign_key", "Campaign key", "Platform and campaign id; joins to campaigns."),
    ],
    measures=[
        MeasureDef(
            "spend", "Spend", "Spend in the reporting currency.", _spend, "currency", ("cost", "ad spend", "spent")
        ),
        MeasureDef("impressions", "Impressions", "Impressions served.", _impressions, "integer", ("views",)),
        MeasureDef("clicks", "Clicks", "Clicks.", _clicks, "integer"),
        MeasureDef(
            "conversions",
            "Conversions",
            "Conversions as the platforms report them (still restated for the last days of the platforms' "
            "attribution window).",
            _conversions,
            "number",
            ("platform conversions",),
            settles_with=PAID_ADS,
        ),
        MeasureDef(
            "conversions_value",
            "Conversion value",
            "Value of platform-reported conversions, reporting currency (still restated for the last days of the "
            "platforms' attribution window).",
            _conversions_value,
            "currency",
            ("conversion value",),
            settles_with=PAID_ADS,
        ),
        MeasureDef(
            "ctr",
            "CTR",
            "Click-through rate: clicks / impressions.",
            _ratio(_clicks, _impressions),
            "percent",
            ("click through rate", "click-through rate"),
        ),
        MeasureDef(
            "cpc", "CPC", "Cost per click: spend / clicks.", _ratio(_spend, _clicks), "currency", ("cost per click",)
        ),
        MeasureDef(
            "cpm",
            "CPM",
            "Cost per thousand impressions.",
            _ratio(_spend, _impressions, 1000.0),
            "currency",
            ("cost per mille",),
        ),
        MeasureDef(
            "platform_cpa",
            "Platform CPA",
            "Platform-reported CPA: spend / the conversions the ad platforms claim (their own attribution, "
            "overlapping between platforms). Not the shop's cost per order: see blended.attributed_cost_per_order.",
            _ratio(_spend, _conversions),
            "currency",
            ("cpa", "cost per acquisition", "cost per conversion", "platform cpa"),
            settles_with=PAID_ADS,
        ),
        MeasureDef(
            "platform_roas",
            "Platform ROAS",
            "Platform-reported ROAS: conversion value the ad platforms claim / spend (their own attribution, "
            "overlapping between platforms). See also blended.attributed_roas and business.mer.",
            _ratio(_conversions_value, _spend),
            "ratio",
            ("roas", "return on ad spend", "platform roas", "reported roas"),
            settles_with=PAID_ADS,
        ),
    ],
    joins=[JoinDef("campaigns", "campaign_key", "campaign_key")],
)

# --- orders -----------------------------------------------------------------------------------------------


def _is_revenue(t: ir.Table) -> ir.Value:
    return t.is_revenue


_gross = _sum("total_price_reporting", _is_revenue)
_net = _sum("net_revenue_reporting")
_orders = _count(_is_revenue)


def _customer(t: ir.Table) -> ir.Value:
    return t.customer_id.coalesce(t.customer_email)


ORDERS = ModelDef(
    name="orders",
    table="fct_orders",
    label="Orders",
    description="Shop orders across every enabled shop, with refunds, in the reporting currency.",
    time_dimension="order_date",
    synonyms=("sales", "purchases", "transactions", "shop"),
    dimensions=[
        _day("order_date", "Order date", "Day the order was placed (UTC)."),
        _dim(
            "source_platform", "Shop", "Shop platform (shopify, bigcommerce, woocommerce).", synonyms=("shop", "store")
        ),
        _dim(
            "financial_status",
            "Financial status",
            "paid, partially_refunded, refunded, cancelled, pending.",
            synonyms=("status",),
        ),
        _dim("fulfillment_status", "Fulfilment status", "fulfilled or unfulfilled."),
        _dim("landing_source", "Landing source", "utm_source the order's session landed with.", synonyms=("source",)),
        _dim("landing_medium", "Landing medium", "utm_medium the order's session landed with.", synonyms=("medium",)),
        _dim(
            "landing_campaign",
            "Landing campaign",
            "utm_campaign the order's session landed with.",
            synonyms=("campaign",),
        ),
        _dim("currency", "Shop currency", "The shop's own currency."),
        _dim("customer_id", "Customer id", "Shop customer id; joins to users.user_id."),
        _dim("is_revenue", "Counts as revenue", "False for statuses the tenant's logic excludes.", format="boolean"),
    ],
    measures=[
        MeasureDef(
            "orders",
            "Orders",
            "Orders that count as revenue (not cancelled or otherwise excluded).",
            _orders,
            "integer",
            ("order count", "number of orders", "purchases", "transactions"),
        ),
        MeasureDef("all_orders", "All orders", "Every order, including excluded statuses.", _count(), "integer"),
        MeasureDef(
            "revenue",
            "Revenue",
            "Gross sales of revenue orders before refunds, reporting currency.",
            _gross,
            "currency",
            ("sales", "gross revenue", "gross sales", "turnover"),
        ),
        MeasureDef(
            "refunds",
            "Refunds",
            "Amount refunded on revenue orders, reporting currency.",
            lambda t: _gross(t) - _net(t),
            "currency",
            ("refunded",),
        ),
        MeasureDef(
            "net_revenue", "Net revenue", "Revenue minus refunds, reporting currency.", _net, "currency", ("net sales",)
        ),
        MeasureDef(
            "aov",
            "AOV",
            "Average order value: revenue / orders.",
            _ratio(_gross, _orders),
            "currency",
            ("average order value", "basket size"),
        ),
        MeasureDef(
            "customers",
            "Customers",
            "Distinct buyers (customer id, else email) of revenue orders.",
            lambda t: _customer(t).nunique(where=t.is_revenue),
            "integer",
            ("buyers", "purchasers"),
        ),
        MeasureDef(
            "units",
            "Units",
            "Units ordered on revenue orders.",
            _sum("line_item_count", _is_revenue),
            "integer",
            ("items", "quantity"),
        ),
        MeasureDef(
            "refund_rate", "Refund rate", "Refunds / revenue.", _ratio(lambda t: _gross(t) - _net(t), _gross), "percent"
        ),
    ],
    joins=[JoinDef("users", "customer_id", "user_id")],
)

# --- sessions ---------------------------------------------------------------------------------------------

_sessions = _count()
_conv_sessions = _count(lambda t: t.is_conversion_session)
_session_revenue = _sum("session_revenue_reporting")

SESSIONS_BASE = ModelDef(
    name="sessions",
    table="fct_sessions",
    label="Sessions",
    description="Web and app sessions from every analytics tool, with attributed traffic source and funnel depth.",
    time_dimension="session_date",
    synonyms=("visits", "traffic", "web analytics"),
    dimensions=[
        _day("session_date", "Session date", "Day the session started (UTC)."),
        _dim(
            "source_platform",
            "Analytics tool",
            "Analytics tool the session came from (ga4, mixpanel, amplitude).",
            synonyms=("tool",),
        ),
        _dim(
            "traffic_source",
            "Source",
            "Traffic source under the tenant's attribution model.",
            synonyms=("source", "utm source"),
        ),
        _dim(
            "traffic_medium", "Medium", "Traffic medium under the attribution model.", synonyms=("medium", "utm medium")
        ),
        _dim(
            "traffic_campaign",
            "Campaign",
            "utm_campaign under the attribution model; joins to campaigns by name and the platform its source names.",
            synonyms=("campaign",),
        ),
        _dim("geo_country", "Country", "Country of the visitor.", synonyms=("country", "geo", "location")),
        _dim("device_category", "Device", "desktop, mobile or tablet.", synonyms=("device",)),
        _dim("landing_page", "Landing page", "Path of the first page."),
        _dim("user_id", "User id", "Login user id, when the visitor logged in during the session."),
        _dim(
            "is_conversion_session",
            "Converted",
            "The session has one of the tenant's conversion events.",
            format="boolean",
        ),
    ],
    measures=[
        MeasureDef("sessions", "Sessions", "Sessions.", _sessions, "integer", ("visits",)),
        MeasureDef(
            "users",
            "Users",
            "Distinct devices / clients (user_pseudo_id).",
            _distinct("user_pseudo_id"),
            "integer",
            ("visitors", "unique visitors"),
        ),
        MeasureDef(
            "conversions",
            "Converting sessions",
            "Sessions with a conversion event.",
            _conv_sessions,
            "integer",
            ("conversions", "converting sessions"),
        ),
        MeasureDef(
            "conversion_rate",
            "Conversion rate",
            "Converting sessions / sessions.",
            _ratio(_conv_sessions, _sessions),
            "percent",
            ("cvr", "conversion rate"),
        ),
        MeasureDef(
            "revenue",
            "Session revenue",
            "Purchase revenue in sessions, reporting currency.",
            _session_revenue,
            "currency",
            ("revenue", "sales"),
        ),
        MeasureDef(
            "revenue_per_session",
            "Revenue per session",
            "Session revenue / sessions.",
            _ratio(_session_revenue, _sessions),
            "currency",
            ("rps",),
        ),
        MeasureDef(
            "avg_session_duration",
            "Average session duration",
            "Mean session length, seconds.",
            non_additive(lambda t: t.session_duration_seconds.mean()),
            "seconds",
            ("session duration", "time on site"),
        ),
        MeasureDef(
            "events_per_session",
            "Events per session",
            "Mean events in a session.",
            non_additive(lambda t: t.events_in_session.mean()),
            "number",
        ),
    ],
    # sessions reach users through the person identity resolution tied their device to, not the login id alone
    joins=[
        JoinDef("campaigns", "traffic_campaign", "campaign_name", source_column="traffic_source"),
        JoinDef("users", "user_key", "user_key"),
    ],
)


def funnel_measures(steps: int, step_names: list[str] | None = None) -> list[MeasureDef]:
    """Sessions reaching each funnel step (in order) and each step's rate from the step before."""
    out: list[MeasureDef] = []
    for k in range(1, steps + 1):
        named = f" ({step_names[k - 1]})" if step_names and len(step_names) >= k else ""
        reached = _count(lambda t, k=k: t.funnel_depth >= k)
        out.append(
            MeasureDef(
                f"funnel_step_{k}",
                f"Funnel step {k}{named}",
                f"Sessions that completed funnel steps 1 to {k}.",
                reached,
                "integer",
            )
        )
        previous = _count(lambda t, k=k: t.funnel_depth >= k - 1) if k > 1 else _sessions
        out.append(
            MeasureDef(
                f"funnel_step_{k}_rate",
                f"Funnel step {k} rate{named}",
                f"Sessions reaching step {k} / sessions reaching step {k - 1}"
                if k > 1
                else "Sessions reaching step 1 / sessions.",
                _ratio(reached, previous),
                "percent",
            )
        )
    return out


# --- events -----------------------------------------------------------------------------------------------

EVENTS = ModelDef(
    name="events",
    table="fct_events",
    label="Events",
    description="The analytics event stream of every tool.",
    time_dimension="event_date",
    synonyms=("event", "tracking", "clickstream"),
    dimensions=[
        _day("event_date", "Event date", "Day of the event (UTC)."),
        _dim("event_name", "Event", "Event name in the tool's vocabulary.", synonyms=("event", "event type")),
        _dim("source_platform", "Analytics tool", "Analytics tool (ga4, mixpanel, amplitude).", synonyms=("tool",)),
        _dim("traffic_source", "Source", "Source of the event's session.", synonyms=("source",)),
        _dim("traffic_medium", "Medium", "Medium of the event's session.", synonyms=("medium",)),
        _dim("traffic_campaign", "Campaign", "Campaign of the event's session.", synonyms=("campaign",)),
        _dim("geo_country", "Country", "Country.", synonyms=("country",)),
        _dim("device_category", "Device", "desktop, mobile or tablet.", synonyms=("device",)),
        _dim("page_path", "Page", "Path of the page.", synonyms=("page", "url")),
        _dim("user_id", "User id", "Login user id, once known."),
        _dim("is_conversion_event", "Conversion event", "One of the tenant's conversion events.", format="boolean"),
    ],
    measures=[
        MeasureDef("events", "Events", "Events.", _count(), "integer", ("event count", "hits")),
        MeasureDef(
            "event_users",
            "Event users",
            "Distinct devices / clients with events.",
            _distinct("user_pseudo_id"),
            "integer",
            ("users", "active users"),
        ),
        MeasureDef("event_sessions", "Sessions with events", "Distinct sessions.", _distinct("session_id"), "integer"),
        MeasureDef(
            "conversion_events",
            "Conversion events",
            "Events that are conversions.",
            _count(lambda t: t.is_conversion_event),
            "integer",
        ),
        MeasureDef(
            "events_per_user",
            "Events per user",
            "Events / event users.",
            _ratio(_count(), _distinct("user_pseudo_id")),
            "number",
        ),
    ],
    joins=[
        JoinDef("campaigns", "traffic_campaign", "campaign_name", source_column="traffic_source"),
        JoinDef("users", "user_key", "user_key"),
    ],
)

# --- campaigns --------------------------------------------------------------------------------------------

CAMPAIGNS = ModelDef(
    name="campaigns",
    table="dim_campaigns",
    label="Campaigns",
    description="Every campaign of every ad platform.",
    time_dimension="created_date",
    synonyms=("campaign list",),
    dimensions=[
        DimensionDef(
            "created_date", "Created", "Day the campaign was created (UTC).", "created_ts", is_time=True, format="date"
        ),
        _dim("campaign_key", "Campaign key", "Platform and campaign id."),
        _dim("campaign_id", "Campaign id", "Campaign id as the platform spells it."),
        _dim(
            "campaign_name",
            "Campaign",
            "Campaign name (its ads' utm_campaign).",
            synonyms=("campaign", "campaign name"),
        ),
        _dim("campaign_status", "Status", "active or paused.", synonyms=("status",)),
        _dim("source_platform", "Platform", "Ad platform.", synonyms=("platform", "channel")),
        _dim("account_id", "Ad account", "Ad account id."),
        _dim("objective", "Objective", "Objective / channel type as the platform names it."),
        _dim("currency", "Account currency", "Account currency."),
    ],
    measures=[
        MeasureDef(
            "campaigns", "Campaigns", "Campaigns.", _count(), "integer", ("campaign count", "number of campaigns")
        ),
        MeasureDef(
            "active_campaigns",
            "Active campaigns",
            "Campaigns with status active.",
            _count(lambda t: t.campaign_status == "active"),
            "integer",
        ),
    ],
)

# --- users ------------------------------------------------------------------------------------------------

_users = _count()
_customers = _count(lambda t: t.is_customer)
_user_revenue = _sum("revenue_reporting")

USERS = ModelDef(
    name="users",
    table="dim_users",
    label="Users",
    description="Resolved people: analytics ids, login ids, emails and orders joined into one identity.",
    time_dimension="first_seen_date",
    synonyms=("people", "customers", "identities"),
    dimensions=[
        DimensionDef(
            "first_seen_date",
            "First seen",
            "Day of the first session or order (UTC).",
            "first_seen_ts",
            is_time=True,
            format="date",
        ),
        DimensionDef(
            "last_seen_date",
            "Last seen",
            "Day of the last session or order (UTC).",
            "last_seen_ts",
            is_time=True,
            format="date",
        ),
        _dim("user_id", "User id", "Login user id / shop customer id, when known."),
        _dim("resolution", "Resolution", "Strongest identity link: user_id, email, transaction or anonymous."),
        _dim("is_customer", "Is customer", "Has at least one order.", format="boolean"),
    ],
    measures=[
        MeasureDef("users", "People", "Resolved people.", _users, "integer", ("people", "identities")),
        MeasureDef("customers", "Customers", "People with at least one order.", _customers, "integer", ("buyers",)),
        MeasureDef(
            "identified_users",
            "Identified people",
            "People known by login id or email.",
            _count(lambda t: t.user_id.notnull() | t.customer_email.notnull()),
            "integer",
        ),
        MeasureDef("user_orders", "Orders", "Orders of these people.", _sum("orders"), "integer"),
        MeasureDef("user_sessions", "Sessions", "Sessions of these people.", _sum("sessions"), "integer"),
        MeasureDef(
            "user_revenue",
            "Revenue",
            "Net revenue of these people's orders, reporting currency.",
            _user_revenue,
            "currency",
            ("lifetime value", "ltv"),
        ),
        MeasureDef(
            "revenue_per_customer",
            "Revenue per customer",
            "Revenue / customers.",
            _ratio(_user_revenue, _customers),
            "currency",
        ),
        MeasureDef("customer_rate", "Customer rate", "Customers / people.", _ratio(_customers, _users), "percent"),
    ],
)

# --- blended: ad spend next to attributed outcomes -----------------------------------------------------------

_b_spend = _sum("spend")
_b_orders = _sum("orders")
_b_revenue = _sum("revenue")
_b_new = _sum("new_customers")

BLENDED = ModelDef(
    name="blended",
    table="blended",
    label="Blended performance",
    description=(
        "Ad spend next to the sessions, orders and revenue attributed to the same campaign (sessions whose "
        "attributed utm_source names the campaign's platform and whose utm_campaign is the campaign's name), by "
        "day, platform and campaign. Orders and revenue are the shop's: orders that count (excluded statuses such "
        "as cancelled left out) at their net revenue (refunds subtracted), as the orders model counts them."
    ),
    time_dimension="date",
    synonyms=("blended", "marketing performance", "attribution"),
    dimensions=[
        _day("date", "Date", "Day (ad reporting day / session start day)."),
        _dim("source_platform", "Platform", "Ad platform of the campaign.", synonyms=("platform", "channel")),
        _dim("campaign_name", "Campaign", "Campaign name.", synonyms=("campaign",)),
    ],
    measures=[
        MeasureDef("spend", "Spend", "Ad spend, reporting currency.", _b_spend, "currency", ("cost", "ad spend")),
        MeasureDef("impressions", "Impressions", "Impressions.", _sum("impressions"), "integer"),
        MeasureDef("clicks", "Clicks", "Clicks.", _sum("clicks"), "integer"),
        MeasureDef(
            "sessions",
            "Attributed sessions",
            "Sessions attributed to the campaign.",
            _sum("sessions"),
            "integer",
            ("visits",),
        ),
        MeasureDef(
            "orders",
            "Attributed orders",
            "Shop orders that count (not cancelled or otherwise excluded) placed in sessions attributed to the "
            "campaign.",
            _b_orders,
            "integer",
            ("purchases",),
        ),
        MeasureDef(
            "revenue",
            "Attributed revenue",
            "Net revenue (refunds subtracted) of the orders that count placed in attributed sessions, reporting "
            "currency.",
            _b_revenue,
            "currency",
            ("sales",),
        ),
        MeasureDef(
            "new_customers",
            "New customers",
            "Attributed orders that were the buyer's first order that counts in the order history landed "
            "(buyers whose earlier orders predate the first landed order are counted new).",
            _b_new,
            "integer",
        ),
        MeasureDef(
            "attributed_roas",
            "Attributed ROAS",
            "Attributed ROAS: net revenue of the shop orders attributed by UTM to the campaign / its spend. "
            "See also ad_performance.platform_roas (the platforms' own claim) and business.mer (all revenue).",
            _ratio(_b_revenue, _b_spend),
            "ratio",
            ("roas", "return on ad spend", "attributed roas", "utm roas"),
        ),
        MeasureDef(
            "cac",
            "CAC",
            "Customer acquisition cost: spend / attributed new customers (new as far back as the landed order "
            "history reaches).",
            _ratio(_b_spend, _b_new),
            "currency",
            ("customer acquisition cost",),
        ),
        MeasureDef(
            "attributed_cost_per_order",
            "Attributed cost per order",
            "Attributed cost per order: spend / shop orders that count attributed by UTM to the campaign. See also "
            "ad_performance.platform_cpa (per conversion the platforms claim).",
            _ratio(_b_spend, _b_orders),
            "currency",
            ("cost per order", "cpo", "attributed cpa", "cpa"),
        ),
    ],
)

# --- business totals: all revenue over all spend ------------------------------------------------------------

_t_spend = _sum("spend")
_t_net = _sum("net_revenue")

BUSINESS = ModelDef(
    name="business",
    table="business",
    label="Business totals",
    description=(
        "All ad spend next to all shop net revenue, by day, whatever the attribution: the denominator-neutral view "
        "(marketing efficiency ratio)."
    ),
    time_dimension="date",
    synonyms=("totals", "business", "whole business"),
    dimensions=[_day("date", "Date", "Day (ad reporting day / order day, UTC).")],
    measures=[
        MeasureDef("spend", "Spend", "All ad spend, reporting currency.", _t_spend, "currency", ("ad spend",)),
        MeasureDef(
            "net_revenue",
            "Net revenue",
            "Net revenue (refunds subtracted) of every shop order that counts, reporting currency.",
            _t_net,
            "currency",
        ),
        MeasureDef(
            "orders",
            "Orders",
            "Shop orders that count (not cancelled or otherwise excluded).",
            _sum("orders"),
            "integer",
        ),
        MeasureDef(
            "mer",
            "MER (revenue / spend)",
            "Marketing efficiency ratio: all net revenue of the orders that count / all ad spend in the period, "
            "whatever brought the orders. See also ad_performance.platform_roas and blended.attributed_roas.",
            _ratio(_t_net, _t_spend),
            "ratio",
            ("marketing efficiency ratio", "revenue over spend", "revenue / spend"),
        ),
    ],
)

MODEL_DEFS: dict[str, ModelDef] = {
    m.name: m for m in (AD_PERFORMANCE, ORDERS, SESSIONS_BASE, EVENTS, CAMPAIGNS, USERS, BLENDED, BUSINESS)
}

# measures whose name changed meaning or was split: asked by the old name, a query is refused with the new
# names (never silently answered with another figure). (model, old name) -> the measures that replace it.
RENAMED: dict[tuple[str, str], tuple[str, ...]] = {
    ("ad_performance", "roas"): ("ad_performance.platform_roas", "blended.attributed_roas", "business.mer"),
    ("ad_performance", "cpa"): ("ad_performance.platform_cpa", "blended.attributed_cost_per_order"),
    ("blended", "blended_roas"): ("blended.attributed_roas", "business.mer", "ad_performance.platform_roas"),
    ("blended", "roas"): ("blended.attributed_roas", "business.mer", "ad_performance.platform_roas"),
    ("blended", "cost_per_order"): ("blended.attributed_cost_per_order", "ad_performance.platform_cpa"),
}
