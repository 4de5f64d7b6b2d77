"""The six canonical star tables: their columns, types and meaning, in contract order.

The semantic layer, the API and publishing read them here; the dbt project declares the same contracts in
warehouse/models/marts/_marts__models.yml (enforced there), and a test keeps the two equal. The brief's
columns come first, in the brief's order; extra columns follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    description: str
    tests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contract:
    table: str  # fct_ad_performance, ...: the model is <prefix>_<slug>__<entity>
    description: str
    key: str
    columns: list[Column] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return self.table.split("_", 1)[0]

    @property
    def entity(self) -> str:
        return self.table.split("_", 1)[1]

    def model_name(self, tenant_slug: str) -> str:
        return f"{self.prefix}_{tenant_slug}__{self.entity}"

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, data_type: str, description: str, *tests: str) -> Column:
    return Column(name, data_type, description, tests)


TENANT = _c("tenant_slug", "varchar", "The tenant the row belongs to.", "not_null")
PLATFORM = _c("source_platform", "varchar", "Connector the row came from (e.g. facebook_ads, shopify).", "not_null")
REPORTING_CURRENCY = _c("reporting_currency", "varchar", "The tenant's reporting currency.", "not_null")
LOAD_IDS = _c(
    "source_load_ids",
    "varchar[]",
    "Lineage: the dlt load ids of the landed records this row was built from (sorted, distinct).",
    "not_null",
)

AD_PERFORMANCE = Contract(
    "fct_ad_performance",
    "Daily ad-level performance across every enabled ad platform, in original and reporting currency.",
    "ad_performance_key",
    [
        TENANT,
        PLATFORM,
        _c("report_date", "date", "Day of the metrics (the platform's reporting day).", "not_null"),
        _c("campaign_id", "varchar", "Campaign id as the platform spells it.", "not_null"),
        _c("ad_group_id", "varchar", "Ad group / ad set id; null where the platform has no such level."),
        _c("ad_id", "varchar", "Ad / creative id.", "not_null"),
        _c("spend", "decimal(18,2)", "Spend in the ad account's currency.", "not_null"),
        _c("impressions", "bigint", "Impressions served.", "not_null"),
        _c("clicks", "bigint", "Clicks.", "not_null"),
        _c("conversions", "double", "Conversions as the platform reports them (restated up to 7 days).", "not_null"),
        _c("conversions_value", "decimal(18,2)", "Value of those conversions, account currency.", "not_null"),
        _c("currency", "varchar", "The ad account's currency.", "not_null"),
        _c("spend_reporting", "decimal(18,2)", "Spend converted to the reporting currency.", "not_null"),
        _c("conversions_value_reporting", "decimal(18,2)", "Conversion value in the reporting currency.", "not_null"),
        REPORTING_CURRENCY,
        _c("account_id", "varchar", "Ad account id."),
        _c("campaign_name", "varchar", "Campaign name."),
        _c("ad_group_name", "varchar", "Ad group name."),
        _c("ad_name", "varchar", "Ad name."),
        _c("campaign_key", "varchar", "Platform and campaign id (dim_campaigns.campaign_key).", "not_null"),
        _c("ad_performance_key", "varchar", "Unique key: platform, ad and day.", "unique", "not_null"),
        LOAD_IDS,
    ],
)

ORDERS = Contract(
    "fct_orders",
    "Shop orders across every enabled shop, with canonical status, refunds and landing attribution.",
    "order_key",
    [
        TENANT,
        PLATFORM,
        _c("order_id", "varchar", "Order id as the shop spells it (also the analytics transaction id).", "not_null"),
        _c("order_date", "date", "Day the order was placed (UTC).", "not_null"),
        _c("total_price", "decimal(18,2)", "Order total in the shop currency, before refunds.", "not_null"),
        _c("currency", "varchar", "Shop currency.", "not_null"),
        _c(
            "financial_status",
            "varchar",
            "Canonical status: paid, partially_refunded, refunded, cancelled, pending.",
            "not_null",
        ),
        _c("customer_email", "varchar", "Buyer's email (also for guest checkouts)."),
        _c("customer_id", "varchar", "Shop customer id; null for guest checkouts without an account."),
        _c("line_items_json", "json", "Line items as a JSON array of {product_id, sku, name, quantity, price}."),
        _c("order_ts", "timestamp", "When the order was placed (UTC).", "not_null"),
        _c("updated_ts", "timestamp", "Last change to the order (UTC)."),
        _c("subtotal_price", "decimal(18,2)", "Sum of line items before discounts."),
        _c("total_discounts", "decimal(18,2)", "Discounts."),
        _c("total_tax", "decimal(18,2)", "Tax."),
        _c("shipping_price", "decimal(18,2)", "Shipping."),
        _c("refunded_amount", "decimal(18,2)", "Amount refunded so far, shop currency.", "not_null"),
        _c("net_revenue", "decimal(18,2)", "total_price minus refunds (0 for excluded statuses).", "not_null"),
        _c("is_revenue", "boolean", "False for statuses the tenant's logic excludes from revenue.", "not_null"),
        _c("total_price_reporting", "decimal(18,2)", "total_price in the reporting currency.", "not_null"),
        _c("net_revenue_reporting", "decimal(18,2)", "net_revenue in the reporting currency.", "not_null"),
        REPORTING_CURRENCY,
        _c("line_item_count", "integer", "Units ordered."),
        _c("fulfillment_status", "varchar", "fulfilled or unfulfilled."),
        _c("landing_source", "varchar", "utm_source the order's session landed with, where the shop records it."),
        _c("landing_medium", "varchar", "utm_medium of the landing."),
        _c("landing_campaign", "varchar", "utm_campaign of the landing."),
        _c("order_key", "varchar", "Unique key: platform and order id.", "unique", "not_null"),
        LOAD_IDS,
    ],
)

SESSIONS = Contract(
    "fct_sessions",
    "Sessions from every enabled analytics tool: 30-minute inactivity (GA4, Mixpanel) or native (Amplitude), "
    "with attributed traffic source, conversion flag, funnel depth and revenue.",
    "session_id",
    [
        TENANT,
        PLATFORM,
        _c("session_id", "varchar", "Session id; fct_events.session_id refers to it.", "unique", "not_null"),
        _c("user_pseudo_id", "varchar", "Device / client id of the analytics tool.", "not_null"),
        _c("user_id", "varchar", "Login user id if the visitor logged in during the session."),
        _c(
            "user_key",
            "varchar",
            "The person the session's device resolves to (dim_users.user_key), by dim_users' identity resolution "
            "(login id, email, order). Never null: a device tied to none of them is a person of its own "
            "(dim_users.resolution anonymous).",
            "not_null",
        ),
        _c("session_start_ts", "timestamp", "First event (UTC).", "not_null"),
        _c("session_end_ts", "timestamp", "Last event (UTC).", "not_null"),
        _c("session_duration_seconds", "bigint", "End minus start, seconds.", "not_null"),
        _c("events_in_session", "bigint", "Events in the session.", "not_null"),
        _c(
            "traffic_source",
            "varchar",
            "Source under the tenant's attribution model, within its look-back: last_click the session's own; las"
            "t_non_direct its own unless direct, else the latest earlier non-direct one; first_click the first no"
            "n-direct one (GA4: direct is credited only when the look-back holds no other touch).",
            "not_null",
        ),
        _c("traffic_medium", "varchar", "Medium under the attribution model.", "not_null"),
        _c("traffic_campaign", "varchar", "Campaign (utm_campaign) under the attribution model."),
        _c("geo_country", "varchar", "Country."),
        _c("device_category", "varchar", "desktop, mobile or tablet."),
        _c("is_conversion_session", "boolean", "The session has one of the tenant's conversion events.", "not_null"),
        _c("session_revenue", "decimal(18,2)", "Purchase revenue in the session, shop currency.", "not_null"),
        _c("transaction_id", "varchar", "Order id of the session's purchase (links to fct_orders.order_id)."),
        _c("session_date", "date", "Day the session started (UTC).", "not_null"),
        _c("traffic_campaign_id", "varchar", "Campaign id (utm_id) under the attribution model."),
        _c("landing_source", "varchar", "Source the session itself landed with, before attribution."),
        _c("landing_medium", "varchar", "Medium the session itself landed with."),
        _c("landing_campaign", "varchar", "Campaign the session itself landed with."),
        _c("landing_page", "varchar", "Path of the first page."),
        _c(
            "funnel_depth",
            "integer",
            "How many of the tenant's funnel steps the session completed, in order.",
            "not_null",
        ),
        _c("funnel_steps_total", "integer", "Number of funnel steps configured.", "not_null"),
        _c("currency", "varchar", "Currency of session_revenue."),
        _c("session_revenue_reporting", "decimal(18,2)", "session_revenue in the reporting currency.", "not_null"),
        REPORTING_CURRENCY,
        LOAD_IDS,
    ],
)

EVENTS = Contract(
    "fct_events",
    "The analytics event stream of every enabled tool, with session, traffic and ecommerce fields.",
    "event_id",
    [
        TENANT,
        PLATFORM,
        _c("event_id", "varchar", "Unique event id (the record's natural id).", "unique", "not_null"),
        _c("event_name", "varchar", "Event name in the tool's vocabulary.", "not_null"),
        _c("event_timestamp", "timestamp", "When the event happened (UTC).", "not_null"),
        _c("user_pseudo_id", "varchar", "Device / client id.", "not_null"),
        _c("user_id", "varchar", "Login user id, once known."),
        _c(
            "user_key",
            "varchar",
            "The person the event's device resolves to (dim_users.user_key), as on fct_sessions.user_key.",
            "not_null",
        ),
        _c("traffic_source", "varchar", "Source of the event's session under the attribution model."),
        _c("traffic_medium", "varchar", "Medium of the event's session."),
        _c("traffic_campaign", "varchar", "Campaign of the event's session."),
        _c("geo_country", "varchar", "Country."),
        _c("device_category", "varchar", "desktop, mobile or tablet."),
        _c("page_path", "varchar", "Path of the page."),
        _c("ecommerce_order_id", "varchar", "Order id on purchase events."),
        _c("ecommerce_revenue", "decimal(18,2)", "Purchase revenue on purchase events."),
        _c("custom_properties", "json", "Tool-specific properties not mapped to columns."),
        _c("session_id", "varchar", "Session of the event (fct_sessions.session_id).", "not_null"),
        _c("event_date", "date", "Day of the event (UTC).", "not_null"),
        _c("is_conversion_event", "boolean", "One of the tenant's conversion events.", "not_null"),
        _c("currency", "varchar", "Currency of ecommerce_revenue."),
        LOAD_IDS,
    ],
)

CAMPAIGNS = Contract(
    "dim_campaigns",
    "Every campaign of every enabled ad platform.",
    "campaign_key",
    [
        TENANT,
        PLATFORM,
        _c("campaign_id", "varchar", "Campaign id as the platform spells it.", "not_null"),
        _c("campaign_name", "varchar", "Campaign name (the utm_campaign of its ads' landing URLs).", "not_null"),
        _c("campaign_status", "varchar", "Canonical status: active or paused.", "not_null"),
        _c("account_id", "varchar", "Ad account id."),
        _c("objective", "varchar", "Objective / channel type as the platform names it."),
        _c("daily_budget", "decimal(18,2)", "Daily budget, account currency."),
        _c("currency", "varchar", "Account currency."),
        _c("created_ts", "timestamp", "When the campaign was created (UTC)."),
        _c("campaign_key", "varchar", "Unique key: platform and campaign id.", "unique", "not_null"),
        LOAD_IDS,
    ],
)

USERS = Contract(
    "dim_users",
    "One row per resolved person: analytics ids, login ids, emails and orders joined into one identity.",
    "user_key",
    [
        TENANT,
        _c("user_key", "varchar", "Resolved identity key.", "unique", "not_null"),
        _c("user_id", "varchar", "Login user id / shop customer id, when known."),
        _c("customer_email", "varchar", "Email, when known (shop orders, profiles)."),
        _c("analytics_ids", "json", "Device / client ids of the analytics tools resolved to this person."),
        _c("source_platforms", "json", "Connectors that saw this person."),
        _c("first_seen_ts", "timestamp", "First session or order (UTC)."),
        _c("last_seen_ts", "timestamp", "Last session or order (UTC)."),
        _c("sessions", "bigint", "Sessions.", "not_null"),
        _c("orders", "bigint", "Orders.", "not_null"),
        _c("revenue_reporting", "decimal(18,2)", "Net revenue of the orders, reporting currency.", "not_null"),
        _c("is_customer", "boolean", "Has at least one order.", "not_null"),
        _c("resolution", "varchar", "Strongest link used: user_id, email, transaction or anonymous.", "not_null"),
        REPORTING_CURRENCY,
        LOAD_IDS,
    ],
)

CONTRACTS: list[Contract] = [AD_PERFORMANCE, ORDERS, SESSIONS, EVENTS, CAMPAIGNS, USERS]
BY_TABLE = {c.table: c for c in CONTRACTS}


def contract_named(name: str, tenant_slug: str) -> Contract | None:
    """A star table as users name it: `orders`, `fct_orders` or the tenant's model `fct_<slug>__orders`."""
    for contract in CONTRACTS:
        if name in (contract.entity, contract.table, contract.model_name(tenant_slug)):
            return contract
    return None


def table_names_hint() -> str:
    return ", ".join(c.entity for c in CONTRACTS)
