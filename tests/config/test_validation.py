"""Table-driven validation: each malformed config fails with exactly the error a user needs, and nothing
is written."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from gata.config import ConfigError, load_config

BASE = {
    "slug": "acme_co",
    "name": "Acme Co",
    "sources": {
        "facebook_ads": {"generation": {"campaigns": 2}},
        "shopify": {},
        "google_analytics": {"logic": {"attribution_model": "last_click"}},
    },
}


def _tenant(**changes):
    t = copy.deepcopy(BASE)
    for path, value in changes.items():
        node = t
        parts = path.split("__")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        if value is DELETE:
            node.pop(parts[-1])
        else:
            node[parts[-1]] = value
    return t


DELETE = object()
T = "tenants.yaml: tenant 'acme_co'"

CASES = [
    (
        "slug_uppercase",
        {"tenants": [_tenant(slug="Acme")]},
        [
            "tenants.yaml: tenant 'tenants[0]': slug: invalid slug 'Acme': must match ^[a-z][a-z0-9_]{2,62}$ "
            "(lower-case letter first, then 2-62 lower-case letters, digits or underscores)"
        ],
    ),
    (
        "slug_too_short",
        {"tenants": [_tenant(slug="ab")]},
        [
            "tenants.yaml: tenant 'tenants[0]': slug: invalid slug 'ab': must match ^[a-z][a-z0-9_]{2,62}$ "
            "(lower-case letter first, then 2-62 lower-case letters, digits or underscores)"
        ],
    ),
    (
        "slug_starts_with_digit",
        {"tenants": [_tenant(slug="1acme")]},
        [
            "tenants.yaml: tenant 'tenants[0]': slug: invalid slug '1acme': must match ^[a-z][a-z0-9_]{2,62}$ "
            "(lower-case letter first, then 2-62 lower-case letters, digits or underscores)"
        ],
    ),
    (
        "slug_with_dash_injection",
        {"tenants": [_tenant(slug="acme;drop table x")]},
        [
            "tenants.yaml: tenant 'tenants[0]': slug: invalid slug 'acme;drop table x': must match "
            "^[a-z][a-z0-9_]{2,62}$ (lower-case letter first, then 2-62 lower-case letters, digits or underscores)"
        ],
    ),
    (
        "slug_missing",
        {"tenants": [_tenant(slug=DELETE)]},
        ["tenants.yaml: tenant 'tenants[0]': slug: required key is missing"],
    ),
    ("name_missing", {"tenants": [_tenant(name=DELETE)]}, [f"{T}: name: required key is missing"]),
    (
        "duplicate_slugs",
        {"tenants": [_tenant(), _tenant(name="Other")]},
        [f"{T}: slug: duplicate slug: each tenant needs its own"],
    ),
    (
        "unknown_tenant_key",
        {"tenants": [_tenant(colour="red")]},
        [
            f"{T}: colour: unknown key 'colour'; allowed keys: slug, name, reporting_currency, seed, id_namespace, "
            "schedule, sources"
        ],
    ),
    (
        "unknown_connector",
        {"tenants": [_tenant(sources__snapchat_ads={})]},
        [
            f"{T}: sources.snapchat_ads: unknown connector 'snapchat_ads'; allowed connectors: facebook_ads, "
            "instagram_ads, google_ads, bing_ads, linkedin_ads, amazon_ads, tiktok_ads, shopify, bigcommerce, "
            "woocommerce, google_analytics, amplitude, mixpanel"
        ],
    ),
    (
        "no_sources",
        {"tenants": [_tenant(sources={})]},
        [f"{T}: sources: expected a mapping of at least one connector id to its settings"],
    ),
    (
        "all_sources_disabled",
        {"tenants": [_tenant(sources={"shopify": {"enabled": False}})]},
        [f"{T}: sources: at least one source must be enabled"],
    ),
    (
        "enabled_not_bool",
        {"tenants": [_tenant(sources__shopify={"enabled": "yes"})]},
        [f"{T}: sources.shopify.enabled: expected true or false (got 'yes')"],
    ),
    (
        "unknown_source_key",
        {"tenants": [_tenant(sources__shopify={"levers": {}})]},
        [
            f"{T}: sources.shopify.levers: unknown key 'levers'; "
            "allowed keys: enabled, mode, accounts, options, generation, logic"
        ],
    ),
    (
        "unknown_generation_lever",
        {"tenants": [_tenant(sources__facebook_ads={"generation": {"budget": 5}})]},
        [
            f"{T}: sources.facebook_ads.generation.budget: unknown key 'budget'; allowed keys: campaigns, "
            "ad_groups_per_campaign, ads_per_ad_group, daily_spend, cpm, ctr, landing_rate, conversion_overclaim, "
            "paused_campaigns, currency, geo_targeting_share"
        ],
    ),
    (
        "lever_of_other_domain",
        {"tenants": [_tenant(sources__shopify={"generation": {"daily_spend": 5}})]},
        [
            f"{T}: sources.shopify.generation.daily_spend: unknown key 'daily_spend'; allowed keys: products, "
            "avg_order_value, refund_rate, cancel_rate, guest_checkout_rate, order_share, currency, "
            "untracked_order_share, tax_rate"
        ],
    ),
    (
        "ctr_above_one",
        {"tenants": [_tenant(sources__facebook_ads={"generation": {"ctr": 1.5}})]},
        [f"{T}: sources.facebook_ads.generation.ctr: Input should be less than 1 (got 1.5)"],
    ),
    (
        "negative_spend",
        {"tenants": [_tenant(sources__facebook_ads={"generation": {"daily_spend": -10}})]},
        [f"{T}: sources.facebook_ads.generation.daily_spend: Input should be greater than 0 (got -10)"],
    ),
    (
        "campaigns_not_int",
        {"tenants": [_tenant(sources__facebook_ads={"generation": {"campaigns": "many"}})]},
        [
            f"{T}: sources.facebook_ads.generation.campaigns: Input should be a valid integer, unable to parse "
            "string as an integer (got 'many')"
        ],
    ),
    (
        "unknown_currency",
        {"tenants": [_tenant(sources__shopify={"generation": {"currency": "XYZ"}})]},
        [
            f"{T}: sources.shopify.generation.currency: Input should be 'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', "
            "'CHF' or 'SEK' (got 'XYZ')"
        ],
    ),
    (
        "unknown_reporting_currency",
        {"tenants": [_tenant(reporting_currency="BTC")]},
        [
            f"{T}: reporting_currency: Input should be 'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF' or 'SEK' "
            "(got 'BTC')"
        ],
    ),
    (
        "unknown_attribution_model",
        {"tenants": [_tenant(sources__google_analytics={"logic": {"attribution_model": "linear"}})]},
        [
            f"{T}: sources.google_analytics.logic.attribution_model: Input should be 'first_click', 'last_click' or "
            "'last_non_direct' (got 'linear')"
        ],
    ),
    (
        "unknown_logic_key",
        {"tenants": [_tenant(sources__google_analytics={"logic": {"conversion_event": "x"}})]},
        [
            f"{T}: sources.google_analytics.logic.conversion_event: unknown key 'conversion_event'; allowed keys: "
            "conversion_events, funnel_steps, attribution_model, session_timeout_minutes, attribution_lookback_days"
        ],
    ),
    (
        "empty_conversion_events",
        {"tenants": [_tenant(sources__google_analytics={"logic": {"conversion_events": []}})]},
        [
            f"{T}: sources.google_analytics.logic.conversion_events: Value error, must list at least one event name, "
            "or be left out for the default (got [])"
        ],
    ),
    (
        "conversion_events_not_list",
        {"tenants": [_tenant(sources__google_analytics={"logic": {"conversion_events": "purchase"}})]},
        [f"{T}: sources.google_analytics.logic.conversion_events: Input should be a valid list (got 'purchase')"],
    ),
    (
        "session_timeout_zero",
        {"tenants": [_tenant(sources__google_analytics={"logic": {"session_timeout_minutes": 0}})]},
        [
            f"{T}: sources.google_analytics.logic.session_timeout_minutes: Input should be greater than or equal to 1 "
            "(got 0)"
        ],
    ),
    (
        "action_types_on_non_meta",
        {
            "tenants": [
                _tenant(sources__shopify=None, sources__google_ads={"logic": {"conversion_action_types": ["purchase"]}})
            ]
        },
        [
            f"{T}: sources.google_ads.logic.conversion_action_types: only applies to facebook_ads, instagram_ads, "
            "not 'google_ads'"
        ],
    ),
    (
        "unknown_excluded_status",
        {"tenants": [_tenant(sources__shopify={"logic": {"excluded_order_statuses": ["lost"]}})]},
        [
            f"{T}: sources.shopify.logic.excluded_order_statuses.0: Input should be 'cancelled', 'refunded' or "
            "'pending' (got 'lost')"
        ],
    ),
    (
        "bad_cron",
        {"tenants": [_tenant(schedule="every day")]},
        [f"{T}: schedule: not a valid cron expression (got 'every day')"],
    ),
    (
        "seed_negative",
        {"tenants": [_tenant(seed=-1)]},
        [f"{T}: seed: Input should be greater than or equal to 0 (got -1)"],
    ),
    (
        "id_namespace_clash",
        {"tenants": [_tenant(id_namespace=12345), _tenant(slug="other_co", id_namespace=12345)]},
        [
            "tenants.yaml: tenant 'other_co': id_namespace: id namespace 12345 is also used by tenant 'acme_co': set "
            "a distinct id_namespace (10000-99999) so generated ids never collide"
        ],
    ),
    (
        "tenants_not_list",
        {"tenants": {"slug": "acme_co"}},
        ["tenants.yaml: tenants: expected a list of tenants (got {'slug': 'acme_co'})"],
    ),
    (
        "missing_tenants_key",
        {"clients": []},
        ["tenants.yaml: tenants: expected a top-level key 'tenants' with a list of tenants"],
    ),
    (
        "source_not_mapping",
        {"tenants": [_tenant(sources__shopify=[1, 2])]},
        [
            f"{T}: sources.shopify: expected a mapping of enabled, mode, accounts, options, generation, logic "
            "(got [1, 2])"
        ],
    ),
    (
        "two_errors_reported_together",
        {"tenants": [_tenant(reporting_currency="BTC", sources__facebook_ads={"generation": {"ctr": 2}})]},
        [
            f"{T}: sources.facebook_ads.generation.ctr: Input should be less than 1 (got 2)",
            f"{T}: reporting_currency: Input should be 'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF' or 'SEK' "
            "(got 'BTC')",
        ],
    ),
]


LIVE = {"mode": "live", "accounts": ["123456"]}
CASES += [
    (
        "live_mode_unknown",
        {"tenants": [_tenant(sources__facebook_ads={"mode": "real"})]},
        [f"{T}: sources.facebook_ads.mode: expected one of simulated, live (got 'real')"],
    ),
    (
        "live_without_accounts",
        {"tenants": [_tenant(sources__facebook_ads={"mode": "live"})]},
        [f"{T}: sources.facebook_ads.accounts: mode: live needs at least one account id"],
    ),
    (
        "live_accounts_not_digits",
        {"tenants": [_tenant(sources__facebook_ads={**LIVE, "accounts": ["act_123", "123"]})]},
        [f"{T}: sources.facebook_ads.accounts: account ids are digits only (got ['act_123'])"],
    ),
    (
        "live_account_twice",
        {"tenants": [_tenant(sources__facebook_ads={**LIVE, "accounts": ["123", 123]})]},
        [f"{T}: sources.facebook_ads.accounts: an account id is listed twice"],
    ),
    (
        "accounts_on_simulated_source",
        {"tenants": [_tenant(sources__facebook_ads={"accounts": ["123"]})]},
        [f"{T}: sources.facebook_ads.accounts: only applies with mode: live"],
    ),
    (
        "live_account_not_a_dataset",
        {"tenants": [_tenant(sources__google_analytics=LIVE)]},
        [
            f"{T}: sources.google_analytics.accounts: account ids are BigQuery datasets, "
            "project.analytics_<property id> (got ['123456'])"
        ],
    ),
    (
        "live_account_not_a_shop",
        {"tenants": [_tenant(sources__shopify={**LIVE, "accounts": ["My Shop.com"]})]},
        [f"{T}: sources.shopify.accounts: account ids are the shop's myshopify.com subdomain (got ['My Shop.com'])"],
    ),
    (
        "live_option_unknown",
        {"tenants": [_tenant(sources__facebook_ads={**LIVE, "options": {"token": "x"}})]},
        [
            f"{T}: sources.facebook_ads.options.token: unknown key 'token'; allowed keys: "
            "api_version, base_url, auth_url, page_size, report_timeout_seconds, poll_interval_seconds, "
            "async_after_days, max_attempts, backoff_seconds, max_retry_delay_seconds, request_timeout_seconds, "
            "attribution_windows, login_customer_id"
        ],
    ),
    (
        "live_login_customer_id_not_google",
        {"tenants": [_tenant(sources__facebook_ads={**LIVE, "options": {"login_customer_id": "1234567890"}})]},
        [f"{T}: sources.facebook_ads.options.login_customer_id: only applies to google_ads, not 'facebook_ads'"],
    ),
]


def test_a_live_source_validates_and_a_simulated_one_hashes_as_before(tmp_path: Path):
    path = tmp_path / "tenants.yaml"
    path.write_text(yaml.safe_dump({"tenants": [BASE]}))
    simulated = load_config(path).tenant("acme_co")
    live = _tenant(sources__facebook_ads={**LIVE, "options": {"base_url": "http://127.0.0.1:9/meta"}})
    path.write_text(yaml.safe_dump({"tenants": [live]}))
    tenant = load_config(path).tenant("acme_co")
    source = tenant.source("facebook_ads")
    assert source.live and source.accounts == ["123456"] and source.options.base_url == "http://127.0.0.1:9/meta"
    assert [s.connector for s in tenant.live_sources()] == ["facebook_ads"]
    # a simulated source hashes without mode, accounts and options (as before modes existed); its generation
    # levers are in the hash, so the levers of a real shop's shape (local time, bounces, peaks...) changed it
    assert simulated.config_hash() == "4ca9a17bac8bfcab68cceb23667f7e43418d8fb8e7a2fab96569974f27ea28c6"
    other_options = source.model_copy(update={"options": source.options.model_copy(update={"page_size": 9})})
    assert tenant.model_copy(update={"sources": {**tenant.sources, "facebook_ads": other_options}}).config_hash() == (
        tenant.config_hash()
    )
    assert tenant.config_hash() != simulated.config_hash()


@pytest.mark.parametrize(("name", "document", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_config_names_the_problem(tmp_path: Path, monkeypatch, name, document, expected):
    monkeypatch.chdir(tmp_path)
    Path("tenants.yaml").write_text(yaml.safe_dump(document))
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ConfigError) as caught:
        load_config("tenants.yaml")
    assert [str(i) for i in caught.value.issues] == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # validation never writes


def test_there_are_at_least_25_cases():
    assert len(CASES) >= 25


def test_invalid_yaml_reports_line(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("tenants.yaml").write_text("tenants:\n  - slug: [unclosed\n")
    with pytest.raises(ConfigError) as caught:
        load_config("tenants.yaml")
    (issue,) = caught.value.issues
    assert issue.file == "tenants.yaml"
    assert issue.path.startswith("line ")
    assert "not valid YAML" in issue.message


def test_demo_config_is_valid_and_matches_the_brief():
    cfg = load_config()
    sources = {t.slug: sorted(s.connector for s in t.enabled_sources()) for t in cfg.tenants}
    assert sources == {
        "tyrell_corp": ["facebook_ads", "google_ads", "google_analytics", "instagram_ads", "shopify"],
        "wayne_enterprises": ["bigcommerce", "bing_ads", "google_ads", "google_analytics"],
        "stark_industries": ["facebook_ads", "instagram_ads", "mixpanel", "woocommerce"],
    }


def test_catalog_has_13_connectors_and_meta_shares_master_model():
    cfg = load_config()
    assert len(cfg.catalog.connectors) == 13
    assert cfg.catalog["facebook_ads"].master_model_id == cfg.catalog["instagram_ads"].master_model_id
    assert cfg.catalog["facebook_ads"].master_model_name("campaigns") == "platform_mm__facebook_ads_api_v1_campaigns"
    domains = {d: len(cfg.catalog.in_domain(d)) for d in ("paid_ads", "ecommerce", "analytics")}
    assert domains == {"paid_ads": 7, "ecommerce": 3, "analytics": 3}


def test_source_defaults_fill_in(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({"tenants": [{"slug": "min_co", "name": "Min", "sources": {"mixpanel": None}}]}))
    tenant = load_config(path).tenant("min_co")
    src = tenant.source("mixpanel")
    assert src.enabled and src.generation.daily_sessions == 400
    resolved = src.logic.resolved("mixpanel")
    assert resolved.conversion_events == ["Order Completed"]
    assert resolved.attribution_model == "last_non_direct"


def test_unknown_tenant_lists_known_ones():
    cfg = load_config()
    with pytest.raises(KeyError, match="unknown tenant 'nobody'.*known tenants: tyrell_corp, wayne_enterprises"):
        cfg.tenant("nobody")
