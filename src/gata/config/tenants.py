"""Schema of `tenants.yaml`: tenants, their enabled sources, generation levers and business logic.

Levers shape the simulated data (volumes, spend, rates, currency); logic shapes how the warehouse reads
it (conversion events, funnel steps, attribution). Every field has a documented default, so a source may
be enabled with nothing but its name.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gata.config.catalog import Catalog, Domain
from gata.config.errors import ConfigError, ConfigIssue

SLUG_PATTERN = r"^[a-z][a-z0-9_]{2,62}$"
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK")
Currency = Literal["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK"]
AttributionModel = Literal["first_click", "last_click", "last_non_direct"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- generation levers -------------------------------------------------------------------------------

# Retail's calendar: Black Friday and Cyber Monday peaks, a quiet Christmas Eve and Day.
DEFAULT_PEAK_DAYS = ("black_friday:2.6", "cyber_monday:2.1", "12-24:0.7", "12-25:0.6")
MOVING_PEAK_DAYS = ("black_friday", "cyber_monday")


def parse_peak_day(entry: str) -> tuple[str, float]:
    """'black_friday:2.5' or '12-24:0.7' -> (day, factor); raises ValueError naming the expected form."""
    day, sep, factor = entry.partition(":")
    day = day.strip()
    try:
        value = float(factor)
    except ValueError:
        value = -1.0
    fixed = re.fullmatch(r"(\d\d)-(\d\d)", day)
    valid_day = day in MOVING_PEAK_DAYS or (fixed is not None and 1 <= int(fixed[1]) <= 12 and 1 <= int(fixed[2]) <= 31)
    if not sep or not valid_day or not 0 < value <= 20:
        raise ValueError(
            f"peak day {entry!r}: expected '<day>:<factor>' with day MM-DD, black_friday or cyber_monday and a "
            "factor above 0 and at most 20"
        )
    return day, value


class PaidAdsGeneration(_Strict):
    campaigns: int = Field(3, ge=1, le=500, description="Campaigns in the account.")
    ad_groups_per_campaign: int = Field(2, ge=1, le=50, description="Ad groups (ad sets) per campaign.")
    ads_per_ad_group: int = Field(2, ge=1, le=50, description="Ads per ad group.")
    daily_spend: float = Field(300.0, gt=0, le=10_000_000, description="Average spend per day, account currency.")
    cpm: float = Field(10.0, gt=0, le=1_000, description="Average cost per 1,000 impressions.")
    ctr: float = Field(0.012, gt=0, lt=1, description="Average click-through rate.")
    landing_rate: float = Field(0.85, gt=0, le=1, description="Share of clicks that start a tracked session.")
    conversion_overclaim: float = Field(
        1.3, ge=1, le=5, description="Platform-reported conversions over the purchases the ads really drove."
    )
    paused_campaigns: int = Field(1, ge=0, le=500, description="Campaigns that exist but are paused (no spend).")
    currency: Currency = Field("USD", description="Account currency of spend and reported values.")
    geo_targeting_share: float = Field(
        0.85,
        ge=0,
        le=1,
        description="Share of a geo-targeted campaign's sessions from its target country (the rest leak in from "
        "anywhere, as with real geo-targeting).",
    )


class EcommerceGeneration(_Strict):
    products: int = Field(30, ge=1, le=100_000, description="Products in the catalog.")
    avg_order_value: float = Field(80.0, gt=0, le=1_000_000, description="Average order total, shop currency.")
    refund_rate: float = Field(0.05, ge=0, le=1, description="Share of orders refunded some days later.")
    cancel_rate: float = Field(0.01, ge=0, le=1, description="Share of orders cancelled before fulfillment.")
    guest_checkout_rate: float = Field(0.2, ge=0, le=1, description="Share of orders placed without logging in.")
    order_share: float = Field(1.0, gt=0, description="Share of orders when a tenant runs several shops.")
    currency: Currency = Field("USD", description="Shop currency.")
    untracked_order_share: float = Field(
        0.12,
        ge=0,
        le=1,
        description="Share of orders no analytics tool saw (ad blockers, refused consent): their sessions send no "
        "events, so the order matches no purchase event.",
    )
    tax_rate: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Tax on every order (e.g. 0.08); default: the rate of the order's country (US sales tax, EU "
        "VAT, GST...).",
    )


class AnalyticsGeneration(_Strict):
    daily_sessions: int = Field(
        400, ge=0, le=10_000_000, description="Non-paid sessions per day (organic, direct, email, referral)."
    )
    users: int = Field(20_000, ge=10, le=100_000_000, description="Size of the visitor pool sessions draw from.")
    pages_per_session: float = Field(3.0, ge=1, le=50, description="Average page views per session.")
    conversion_rate: float = Field(0.03, ge=0, le=1, description="Share of sessions ending in a purchase.")
    registered_share: float = Field(0.35, ge=0, le=1, description="Share of visitors with an account.")
    traffic_share: float = Field(1.0, gt=0, description="Share of visitors tracked when a tenant runs several tools.")
    local_time: bool = Field(
        True,
        description="Sessions start by each country's local hour-of-day and day-of-week (off: one UTC curve, "
        "nothing after 22:00 UTC).",
    )
    bounce_rate: float = Field(
        0.4, ge=0, le=0.95, description="Share of sessions that leave after the landing page (one page, no action)."
    )
    long_session_share: float = Field(
        0.06,
        ge=0,
        le=1,
        description="Share of sessions that browse for long (30 minutes to 2 hours, no pause over 30 minutes).",
    )
    multi_device_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of logged-in sessions on the visitor's second device (same user id, another device "
        "id), so identity stitching has work to do.",
    )
    peak_days: list[str] = Field(
        default_factory=lambda: list(DEFAULT_PEAK_DAYS),
        description="Calendar of traffic and spend uplifts, `<day>:<factor>`; a day is MM-DD or black_friday / "
        "cyber_monday (moving dates).",
    )

    @field_validator("peak_days")
    @classmethod
    def _peak_days(cls, v: list[str]) -> list[str]:
        for entry in v:
            parse_peak_day(entry)
        return v


# --- business logic ----------------------------------------------------------------------------------


def _non_empty_names(v: list[str] | None, what: str) -> list[str] | None:
    """None means the default; a list given must name at least one, none blank."""
    if v is not None:
        if not v:
            raise ValueError(f"must list at least one {what} name, or be left out for the default")
        if any(not isinstance(x, str) or not x.strip() for x in v):
            raise ValueError(f"{what} names must be non-empty strings")
    return v


META_DEFAULT_ACTION_TYPES = ("offsite_conversion.fb_pixel_purchase", "onsite_conversion.purchase")
META_CONNECTORS = ("facebook_ads", "instagram_ads")


class PaidAdsLogic(_Strict):
    conversion_action_types: list[str] | None = Field(
        None,
        description="Meta only: action types counted as conversions "
        f"(default: {', '.join(META_DEFAULT_ACTION_TYPES)}).",
    )

    @field_validator("conversion_action_types")
    @classmethod
    def _non_empty_types(cls, v: list[str] | None) -> list[str] | None:
        return _non_empty_names(v, "action type")


class EcommerceLogic(_Strict):
    excluded_order_statuses: list[Literal["cancelled", "refunded", "pending"]] = Field(
        default_factory=lambda: ["cancelled"],
        description="Canonical order statuses left out of revenue (default: cancelled).",
    )


# Event vocabularies differ per analytics tool; defaults follow each tool's conventions.
DEFAULT_ANALYTICS_EVENTS: dict[str, dict[str, list[str]]] = {
    "google_analytics": {
        "conversion_events": ["purchase"],
        "funnel_steps": ["page_view", "view_item", "add_to_cart", "begin_checkout", "purchase"],
    },
    "amplitude": {
        "conversion_events": ["Order Completed"],
        "funnel_steps": ["Page Viewed", "Product Viewed", "Product Added", "Checkout Started", "Order Completed"],
    },
    "mixpanel": {
        "conversion_events": ["Order Completed"],
        "funnel_steps": ["Page Viewed", "Product Viewed", "Added To Cart", "Checkout Started", "Order Completed"],
    },
}


class AnalyticsLogic(_Strict):
    conversion_events: list[str] | None = Field(
        None, description="Events that make a session a conversion session (default per tool, e.g. GA4: purchase)."
    )
    funnel_steps: list[str] | None = Field(None, description="Ordered funnel events (default per tool).")
    attribution_model: AttributionModel = Field(
        "last_non_direct", description="How a session's traffic source is chosen."
    )
    session_timeout_minutes: int = Field(30, ge=1, le=240, description="Inactivity gap that starts a new session.")
    attribution_lookback_days: int = Field(
        30, ge=1, le=365, description="Look-back for first_click and last_non_direct (and the onboarding warm-up)."
    )

    @field_validator("conversion_events", "funnel_steps")
    @classmethod
    def _non_empty_events(cls, v: list[str] | None) -> list[str] | None:
        return _non_empty_names(v, "event")

    def resolved(self, connector_id: str) -> AnalyticsLogic:
        """The logic with the tool's default event names filled in."""
        defaults = DEFAULT_ANALYTICS_EVENTS[connector_id]
        return self.model_copy(
            update={
                "conversion_events": self.conversion_events or list(defaults["conversion_events"]),
                "funnel_steps": self.funnel_steps or list(defaults["funnel_steps"]),
            }
        )


GENERATION_BY_DOMAIN: dict[Domain, type[_Strict]] = {
    Domain.paid_ads: PaidAdsGeneration,
    Domain.ecommerce: EcommerceGeneration,
    Domain.analytics: AnalyticsGeneration,
}
LOGIC_BY_DOMAIN: dict[Domain, type[_Strict]] = {
    Domain.paid_ads: PaidAdsLogic,
    Domain.ecommerce: EcommerceLogic,
    Domain.analytics: AnalyticsLogic,
}


# --- tenants -----------------------------------------------------------------------------------------


# --- live sources ------------------------------------------------------------------------------------

SourceMode = Literal["simulated", "live"]


class LiveOptions(_Strict):
    """How a live client talks to its API. Credentials are never here: see gata.connectors.live.credentials."""

    api_version: str | None = Field(
        None, description="API version to call (default: the catalog's api_version of the connector)."
    )
    base_url: str | None = Field(
        None,
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="Root URL of the API (default: the platform's own); point it at `gata simulate-apis` to test.",
    )
    auth_url: str | None = Field(
        None,
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="OAuth2 token endpoint for refresh-token flows (default: the platform's own).",
    )
    page_size: int = Field(500, ge=1, le=10_000, description="Records asked for per page.")
    report_timeout_seconds: float = Field(
        900.0, gt=0, le=24 * 3600, description="How long to wait for an asynchronous report job before failing."
    )
    poll_interval_seconds: float = Field(5.0, gt=0, le=600, description="Pause between polls of a report job.")
    async_after_days: int = Field(
        31,
        ge=1,
        le=3650,
        description="Meta: date ranges longer than this are read as asynchronous report jobs; Shopify: as a bulk "
        "operation.",
    )
    max_attempts: int = Field(6, ge=1, le=50, description="Attempts per request on 429, 5xx and throttling errors.")
    backoff_seconds: float = Field(1.0, ge=0, le=600, description="Base of the exponential back-off between attempts.")
    max_retry_delay_seconds: float = Field(
        300.0, ge=0, le=3600, description="Longest single wait between attempts (Retry-After included)."
    )
    request_timeout_seconds: float = Field(60.0, gt=0, le=3600, description="Time-out of one HTTP request.")
    attribution_windows: list[str] = Field(
        default_factory=lambda: ["7d_click", "1d_view"],
        description="Meta: action_attribution_windows the conversions are reported with.",
    )
    login_customer_id: str | None = Field(
        None, pattern=r"^\d{10}$", description="Google Ads: manager account id sent as login-customer-id."
    )


class SourceConfig(_Strict):
    connector: str
    domain: Domain
    enabled: bool = True
    mode: SourceMode = Field("simulated", description="simulated (the simulated business) or live (the real API).")
    accounts: list[str] = Field(
        default_factory=list, description="Live mode: the ad account ids to read (one or more)."
    )
    options: LiveOptions = Field(default_factory=LiveOptions, description="Live mode: how the client calls the API.")
    generation: PaidAdsGeneration | EcommerceGeneration | AnalyticsGeneration
    logic: PaidAdsLogic | EcommerceLogic | AnalyticsLogic

    @property
    def live(self) -> bool:
        return self.mode == "live"


class Tenant(_Strict):
    slug: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    reporting_currency: Currency = "USD"
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Seed of the simulation; same seed, same data.")
    id_namespace: int | None = Field(
        None, ge=10_000, le=99_999, description="Prefix of generated ids (default: derived from the slug)."
    )
    schedule: str = Field("0 6 * * *", description="Refresh schedule, a cron expression (UTC).")
    sources: dict[str, SourceConfig]

    def enabled_sources(self) -> list[SourceConfig]:
        return [s for s in self.sources.values() if s.enabled]

    def live_sources(self) -> list[SourceConfig]:
        return [s for s in self.enabled_sources() if s.live]

    def simulated_sources(self) -> list[SourceConfig]:
        return [s for s in self.enabled_sources() if not s.live]

    def sources_in(self, domain: Domain) -> list[SourceConfig]:
        return [s for s in self.enabled_sources() if s.domain == domain]

    def source(self, connector_id: str) -> SourceConfig:
        return self.sources[connector_id]

    @property
    def namespace(self) -> int:
        if self.id_namespace is not None:
            return self.id_namespace
        digest = hashlib.sha256(f"gata-namespace|{self.slug}".encode()).digest()
        return 10_000 + int.from_bytes(digest[:8], "big") % 90_000

    def config_hash(self) -> str:
        """A fingerprint of everything that shapes this tenant's data and logic. A live source's options (how
        its client calls the API) shape neither; a simulated source hashes as it did before modes existed."""
        dumped = self.model_dump(mode="json")
        for source in dumped["sources"].values():
            source.pop("options")
            if source["mode"] == "simulated":
                source.pop("mode")
                source.pop("accounts")
        canonical = json.dumps(dumped, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class TenantsFile(_Strict):
    tenants: list[Tenant]


class GataConfig(BaseModel):
    """The catalog and the tenants, validated together: what every stage reads."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    catalog: Catalog
    tenants: list[Tenant]
    tenants_file: str = "tenants.yaml"
    issues: list[ConfigIssue] = []  # of tenants left out when loaded leniently

    def slugs(self) -> list[str]:
        return [t.slug for t in self.tenants]

    def tenant(self, slug: str) -> Tenant:
        for t in self.tenants:
            if t.slug == slug:
                return t
        own = [i for i in self.issues if i.tenant == slug]
        if own:
            raise ConfigError(own)
        known = ", ".join(self.slugs()) or "(none)"
        raise KeyError(f"unknown tenant '{slug}' in {self.tenants_file}; known tenants: {known}")
