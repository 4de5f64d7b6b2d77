"""The reader's rules as data: the words it knows beyond the tenant's vocabulary (filler, cue words,
comparators, grains, numbers), the business words that are ambiguous (which ROAS) with their candidates
and default, what a ranking shows beside the measure it ranks by, and the sources a tenant may not have.

The built-in interpreter (Python, `gata.nl.builtin`) and the in-browser reader (`static/js/reader.js`) both
read questions with this one definition: `gata.nl.served_grammar.grammar_json(vocab)` is what the browser is served.
"""

from __future__ import annotations

# a ranking by a ratio shows what the ratio is made of (ROAS with spend and conversion value)
CONTEXT: dict[str, tuple[str, ...]] = {
    "platform_roas": ("spend", "conversions_value"),
    "attributed_roas": ("spend", "revenue"),
    "mer": ("spend", "net_revenue"),
    "platform_cpa": ("spend", "conversions"),
    "cpc": ("spend", "clicks"),
    "cpm": ("spend", "impressions"),
    "ctr": ("clicks", "impressions"),
    "aov": ("revenue", "orders"),
    "conversion_rate": ("conversions", "sessions"),
    "cac": ("spend", "new_customers"),
    "attributed_cost_per_order": ("spend", "orders"),
    "refund_rate": ("refunds", "revenue"),
}

# "spend per click": a measure per a measure is the ratio measure defined as exactly that quotient
# ((numerator, denominator) -> the measure); a pair without one is refused, never shown as two figures.
# CPM is not here: it is per thousand impressions, so "spend per impression" is not its figure.
RATIOS: dict[tuple[str, str], str] = {
    ("spend", "clicks"): "cpc",
    ("spend", "conversions"): "platform_cpa",
    ("clicks", "impressions"): "ctr",
    ("conversions_value", "spend"): "platform_roas",
    ("revenue", "orders"): "aov",
    ("refunds", "revenue"): "refund_rate",
    ("conversions", "sessions"): "conversion_rate",
    ("revenue", "sessions"): "revenue_per_session",
    ("events", "event_users"): "events_per_user",
    ("user_revenue", "customers"): "revenue_per_customer",
    ("customers", "users"): "customer_rate",
    ("revenue", "spend"): "attributed_roas",
    ("net_revenue", "spend"): "mer",
    ("spend", "new_customers"): "cac",
    ("spend", "orders"): "attributed_cost_per_order",
}

# business words that name more than one measure: the candidates, the default first (the reading the word has
# where it is most often seen: ROAS and CPA in the ad platforms' own reports). Adding a measure is a row here,
# not code. `reading` says what the figure is made of; `ask` is how a suggestion names it.
_ROAS = {
    "candidates": [
        {
            "model": "ad_performance",
            "measure": "platform_roas",
            "reading": "platform-reported ROAS (conversion value the ad platforms claim / spend)",
            "ask": "platform ROAS",
        },
        {
            "model": "blended",
            "measure": "attributed_roas",
            "reading": "attributed ROAS (net revenue of orders attributed by UTM / spend)",
            "ask": "attributed ROAS",
        },
        {
            "model": "business",
            "measure": "mer",
            "reading": "MER (all net revenue / all ad spend)",
            "ask": "MER",
        },
    ],
}
_CPA = {
    "candidates": [
        {
            "model": "ad_performance",
            "measure": "platform_cpa",
            "reading": "platform-reported CPA (spend / conversions the ad platforms claim)",
            "ask": "platform CPA",
        },
        {
            "model": "blended",
            "measure": "attributed_cost_per_order",
            "reading": "attributed cost per order (spend / shop orders attributed by UTM)",
            "ask": "attributed cost per order",
        },
    ],
}
AMBIGUOUS: dict[str, dict] = {
    "roas": _ROAS,
    "return on ad spend": _ROAS,
    "cpa": _CPA,
    "cost per acquisition": _CPA,
    "cost per conversion": _CPA,
}


def stemmed(table: dict[str, dict]) -> dict[str, dict]:
    """A table keyed by phrases, keyed as the matcher spells them (stems: 'roas' is 'roa')."""
    from gata.nl.text import phrase_key

    return {" ".join(phrase_key(k)): v for k, v in table.items()}


# a question without a period is read as all time; these are offered beside it
PERIOD_CHOICES = ("this month", "last 30 days")
# "best ROAS" ranks nothing: these breakdowns are offered (word, dimension of the model)
RANK_BY = (("campaign", "campaign_name"), ("platform", "source_platform"))

# every source GATA connects: a question naming one the tenant does not have is refused by name
SOURCES: dict[str, tuple[str, str]] = {
    "facebook_ads": ("ad platforms", "Facebook Ads (facebook_ads)"),
    "instagram_ads": ("ad platforms", "Instagram Ads (instagram_ads)"),
    "google_ads": ("ad platforms", "Google Ads (google_ads)"),
    "bing_ads": ("ad platforms", "Microsoft Ads (bing_ads)"),
    "linkedin_ads": ("ad platforms", "LinkedIn Ads (linkedin_ads)"),
    "amazon_ads": ("ad platforms", "Amazon Ads (amazon_ads)"),
    "tiktok_ads": ("ad platforms", "TikTok Ads (tiktok_ads)"),
    "shopify": ("shops", "Shopify (shopify)"),
    "bigcommerce": ("shops", "BigCommerce (bigcommerce)"),
    "woocommerce": ("shops", "WooCommerce (woocommerce)"),
    "google_analytics": ("analytics tools", "Google Analytics (google_analytics)"),
    "amplitude": ("analytics tools", "Amplitude (amplitude)"),
    "mixpanel": ("analytics tools", "Mixpanel (mixpanel)"),
    "pinterest_ads": ("ad platforms", "Pinterest Ads (not a GATA connector)"),
    "snapchat_ads": ("ad platforms", "Snapchat Ads (not a GATA connector)"),
    "twitter_ads": ("ad platforms", "X / Twitter Ads (not a GATA connector)"),
    "reddit_ads": ("ad platforms", "Reddit Ads (not a GATA connector)"),
}
SOURCE_WORDS: dict[str, str] = {
    "facebook": "facebook_ads", "fb": "facebook_ads", "meta": "facebook_ads",
    "instagram": "instagram_ads", "ig": "instagram_ads",
    "google": "google_ads", "adwords": "google_ads",
    "bing": "bing_ads", "microsoft": "bing_ads",
    "linkedin": "linkedin_ads", "amazon": "amazon_ads", "tiktok": "tiktok_ads", "tik tok": "tiktok_ads",
    "shopify": "shopify", "bigcommerce": "bigcommerce", "woocommerce": "woocommerce",
    "ga4": "google_analytics", "google analytics": "google_analytics", "amplitude": "amplitude",
    "mixpanel": "mixpanel", "pinterest": "pinterest_ads", "snapchat": "snapchat_ads", "snap": "snapchat_ads",
    "twitter": "twitter_ads", "reddit": "reddit_ads",
}  # fmt: skip
# where the tenant's own sources of each kind are listed (model, dimension)
SOURCE_DIMENSION = {
    "ad platforms": ("ad_performance", "source_platform"),
    "shops": ("orders", "source_platform"),
    "analytics tools": ("sessions", "source_platform"),
}
# kinds of data people ask about that no model holds (a word's stem -> what it would be)
MISSING_DIMENSIONS: dict[str, str] = {
    "product": "product dimension",
    "sku": "product dimension",
    "category": "product category dimension",
    "brand": "brand dimension",
    "item": "product dimension",
    "inventory": "inventory data",
    "stock": "inventory data",
    "margin": "margin or cost-of-goods data",
    "profit": "profit or cost-of-goods data",
    "employee": "employee data",
    "salary": "payroll data",
    "returning": "new/returning split of customers",
    "repeat": "new/returning split of customers",
    "retention": "retention or cohort data",
    "cohort": "retention or cohort data",
    "churn": "retention or cohort data",
}
# what the data has nearest to a missing kind (model, field): the refusal offers these instead of the
# generic list of breakdowns, and the suggestions ask about them (only those the tenant's models hold)
INSTEAD: dict[str, tuple[tuple[str, str], ...]] = {
    "new/returning split of customers": (
        ("blended", "new_customers"),
        ("orders", "customers"),
        ("users", "customers"),
        ("users", "is_customer"),
    ),
    "retention or cohort data": (("users", "first_seen_date"), ("users", "last_seen_date"), ("users", "customers")),
}
# a word of at least this many letters may be read as the one known word it is a misspelling of
MIN_FUZZY = 4
