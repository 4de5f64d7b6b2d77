"""The connector catalog's paid-ads roles: every ad object says what the one paid-ads engine makes of it, and a
catalog that breaks the rules is refused naming the connector and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gata.config import AdRole, ConfigError, Domain, load_catalog
from gata.config.loader import DEFAULT_CATALOG


def test_every_paid_ads_object_has_a_role_and_nothing_else_has_one():
    catalog = load_catalog()
    for cid, connector in catalog.connectors.items():
        roles = [obj.role for obj in connector.objects.values()]
        if connector.domain == Domain.paid_ads:
            assert None not in roles, cid
            assert roles.count(AdRole.report) == 1, cid
            assert len(roles) == len(set(roles)), cid
        else:
            assert set(roles) == {None}, cid


def test_the_roles_of_the_seven_ad_platforms():
    catalog = load_catalog()
    got = {cid: {r.value: catalog[cid].role_object(r) for r in AdRole} for cid in catalog.in_domain(Domain.paid_ads)}
    meta = {"report": "facebook_insights", "campaigns": "campaigns", "ad_groups": "ad_sets", "ads": "ads"}
    expected = {
        "facebook_ads": meta,
        "instagram_ads": meta,
        "google_ads": {
            "report": "ad_performance",
            "campaigns": "campaigns",
            "ad_groups": "ad_groups",
            "ads": "ads",
            "accounts": "customers",
        },
        "bing_ads": {
            "report": "account_performance_report",
            "campaigns": "campaigns",
            "ad_groups": "ad_groups",
            "ads": "ads",
        },
        # LinkedIn has no ad groups; its by-campaign analytics are the same report summed per campaign
        "linkedin_ads": {
            "report": "ad_analytics",
            "campaign_report": "ad_analytics_by_campaign",
            "campaigns": "campaigns",
        },
        "amazon_ads": {
            "report": "advertised_product_report",
            "campaigns": "campaigns",
            "ad_groups": "ad_groups",
            "ads": "product_ads",
        },
        "tiktok_ads": {"report": "ads_reports_daily", "campaigns": "campaigns", "ad_groups": "ad_groups", "ads": "ads"},
    }
    assert got == {cid: {r.value: roles.get(r.value) for r in AdRole} for cid, roles in expected.items()}


def _catalog_with(tmp_path: Path, connector: str, edit) -> Path:
    doc = yaml.safe_load(DEFAULT_CATALOG.read_text())
    edit(doc["connectors"][connector]["objects"])
    path = tmp_path / "supported_connectors.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _set(obj: str, **values):
    def edit(objects: dict) -> None:
        for key, value in values.items():
            if value is None:
                objects[obj].pop(key, None)
            else:
                objects[obj][key] = value

    return edit


CASES = [
    ("role_missing", "bing_ads", _set("ads", role=None), "paid_ads objects need a role", "ads has none"),
    ("unknown_role", "bing_ads", _set("ads", role="creatives"), "objects.ads.role", "'creatives'"),
    ("role_twice", "google_ads", _set("customers", role="campaigns"), "role campaigns", "customers, campaigns"),
    (
        "no_report",
        "tiktok_ads",
        _set("ads_reports_daily", role="campaign_report"),
        "needs one object with role report",
        "",
    ),
    ("report_not_daily", "amazon_ads", _set("advertised_product_report", grain="entity"), "must have grain daily", ""),
    ("role_outside_paid_ads", "shopify", _set("orders", role="report"), "only paid_ads objects take a role", ""),
]


@pytest.mark.parametrize(("name", "connector", "edit", "message", "detail"), CASES, ids=[c[0] for c in CASES])
def test_a_catalog_breaking_the_role_rules_is_refused(tmp_path, name, connector, edit, message, detail):
    with pytest.raises(ConfigError) as caught:
        load_catalog(_catalog_with(tmp_path, connector, edit))
    (issue,) = caught.value.issues
    text = str(issue)
    assert f"connectors.{connector}.objects" in text, text
    assert message in text and detail in text, text
