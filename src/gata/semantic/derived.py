"""The two derived tables the semantic layer builds over the star tables: blended and business totals.

Both are ibis expressions over the tenant's unbound star tables, so they compile into each query's SQL and
always read the snapshot being served. Revenue in both is the shop's own: orders that count (`is_revenue`,
the tenant's excluded statuses left out) at their net revenue (refunds subtracted), the same figure as the
orders model's `net_revenue`, so attributed revenue and MER never count a cancelled or refunded sale.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

# the utm_source each ad platform's landing URLs carry (gata.simulation.world.UTM, and the platforms' own
# auto-tagging conventions): a session reaches a campaign of the platform its utm_source names. Matching on
# the campaign name alone would credit one session to every platform that has a campaign of that name.
PLATFORM_UTM_SOURCES: dict[str, tuple[str, ...]] = {
    "facebook_ads": ("facebook", "fb"),
    "instagram_ads": ("instagram", "ig"),
    "google_ads": ("google", "adwords"),
    "bing_ads": ("bing", "microsoft"),
    "linkedin_ads": ("linkedin",),
    "tiktok_ads": ("tiktok",),
    "amazon_ads": ("amazon",),
}


def platform_of_source(source: ir.StringValue) -> ir.StringValue:
    """The ad platform a session's utm_source names (null for organic, referral and direct sources)."""
    cases = [(source.lower() == s, platform) for platform, sources in PLATFORM_UTM_SOURCES.items() for s in sources]
    return ibis.cases(*cases, else_=ibis.null("string"))


def counted_orders(orders: ir.Table) -> ir.Table:
    """Orders that count, one row per order id that names exactly one order (ids of two shops that collide
    cannot be told apart from a session's transaction id, so neither is credited), with net revenue."""
    unique_ids = orders.group_by("order_id").aggregate(n=orders.count()).filter(lambda t: t.n == 1).select("order_id")
    counted = orders.filter(orders.is_revenue)
    return counted.semi_join(unique_ids, "order_id").select(
        order_id=counted.order_id, net_revenue=counted.net_revenue_reporting
    )


def first_orders(orders: ir.Table) -> ir.Table:
    """Each buyer's first order that counts, over every order landed (not only the queried window): the
    history begins at the first landed order, which the layer states as the horizon of "new"."""
    buyer = orders.customer_id.coalesce(orders.customer_email)
    return (
        orders.filter(orders.is_revenue)
        .mutate(rank=ibis.row_number().over(group_by=buyer, order_by=[orders.order_ts, orders.order_id]))
        .filter(lambda t: t["rank"] == 0)
        .select(first_order_id="order_id")
    )


def blended_table(tables: dict[str, ir.Table]) -> ir.Table:
    """Ad spend and attributed outcomes at (day, platform, campaign): a session reaches the campaign of the
    platform its utm_source names and the name its utm_campaign holds; its order counts at net revenue."""
    ads = tables["fct_ad_performance"]
    sessions = tables["fct_sessions"]
    campaigns = tables["dim_campaigns"]
    orders = tables["fct_orders"]
    spend = ads.group_by(
        date=ads.report_date, source_platform=ads.source_platform, campaign_name=ads.campaign_name
    ).aggregate(spend=ads.spend_reporting.sum(), impressions=ads.impressions.sum(), clicks=ads.clicks.sum())
    names = campaigns.select("source_platform", "campaign_name").distinct()
    tagged = sessions.mutate(ad_platform=platform_of_source(sessions.traffic_source))
    attributed = tagged.join(
        names,
        [tagged.ad_platform == names.source_platform, tagged.traffic_campaign == names.campaign_name],
    ).select(
        date=tagged.session_date,
        source_platform=names.source_platform,
        campaign_name=names.campaign_name,
        transaction_id=tagged.transaction_id,
    )
    counted = counted_orders(orders)
    first = first_orders(orders)
    attributed = attributed.left_join(counted, attributed.transaction_id == counted.order_id).select(
        "date", "source_platform", "campaign_name", "order_id", "net_revenue"
    )
    attributed = attributed.left_join(first, attributed.order_id == first.first_order_id)
    outcomes = attributed.group_by("date", "source_platform", "campaign_name").aggregate(
        sessions=attributed.count(),
        orders=attributed.order_id.count(),
        revenue=attributed.net_revenue.sum(),
        new_customers=attributed.first_order_id.count(),
    )
    keys = ["date", "source_platform", "campaign_name"]
    joined = spend.outer_join(outcomes, [spend[k] == outcomes[k] for k in keys])
    zero_money = ibis.literal(0).cast(ads.spend_reporting.type())
    return joined.select(
        *[joined[k].coalesce(joined[f"{k}_right"]).name(k) for k in keys],
        spend=joined.spend.coalesce(zero_money),
        impressions=joined.impressions.coalesce(0),
        clicks=joined.clicks.coalesce(0),
        sessions=joined.sessions.coalesce(0),
        orders=joined.orders.coalesce(0),
        revenue=joined.revenue.coalesce(ibis.literal(0).cast(orders.net_revenue_reporting.type())),
        new_customers=joined.new_customers.coalesce(0),
    )


def business_table(tables: dict[str, ir.Table]) -> ir.Table:
    """All ad spend beside all net revenue of orders that count, by day: what MER (revenue over spend) is
    made of, whatever the attribution."""
    ads = tables["fct_ad_performance"]
    orders = tables["fct_orders"]
    spend = ads.group_by(date=ads.report_date).aggregate(spend=ads.spend_reporting.sum())
    counted = orders.filter(orders.is_revenue)
    shop = counted.group_by(date=counted.order_date).aggregate(
        net_revenue=counted.net_revenue_reporting.sum(), orders=counted.count()
    )
    joined = spend.outer_join(shop, spend.date == shop.date)
    return joined.select(
        date=joined.date.coalesce(joined.date_right),
        spend=joined.spend.coalesce(ibis.literal(0).cast(ads.spend_reporting.type())),
        net_revenue=joined.net_revenue.coalesce(ibis.literal(0).cast(orders.net_revenue_reporting.type())),
        orders=joined.orders.coalesce(0),
    )
