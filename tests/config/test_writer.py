"""Adding a tenant to a tenants file: validated in the context of the whole file, appended keeping the text and
comments already there, written atomically, and nothing written when anything is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from gata.config.errors import ConfigError
from gata.config.loader import load_catalog, load_config
from gata.config.writer import TenantExistsError, add_tenant

NEW = {
    "slug": "acme_co",
    "name": "Acme",
    "reporting_currency": "GBP",
    "sources": {
        "linkedin_ads": {"generation": {"campaigns": 2, "daily_spend": 120.5}},
        "shopify": {},
        "mixpanel": {"logic": {"funnel_steps": ["Page Viewed", "Order Completed"], "attribution_model": "last_click"}},
    },
}


@pytest.fixture
def tenants_file(tmp_path: Path) -> Path:
    path = tmp_path / "tenants.yaml"
    shutil.copy(REPO / "tenants.yaml", path)
    return path


def test_appends_the_tenant_keeping_the_file_as_written(tenants_file: Path):
    before = tenants_file.read_text()
    tenant = add_tenant(tenants_file, NEW, load_catalog())
    after = tenants_file.read_text()
    assert after.startswith(before.rstrip("\n"))  # comments and layout of the existing tenants untouched
    config = load_config(tenants_file)
    assert config.slugs() == ["tyrell_corp", "wayne_enterprises", "stark_industries", "acme_co"]
    assert config.tenant("acme_co") == tenant
    assert tenant.reporting_currency == "GBP"
    assert tenant.source("linkedin_ads").generation.daily_spend == 120.5
    assert tenant.source("mixpanel").logic.funnel_steps == ["Page Viewed", "Order Completed"]


def test_an_invalid_tenant_names_each_issue_and_writes_nothing(tenants_file: Path):
    before = tenants_file.read_bytes()
    bad = {
        "slug": "Acme",
        "name": "",
        "sources": {"shopify": {"generation": {"refund_rate": 2}}, "myspace_ads": {}},
    }
    with pytest.raises(ConfigError) as exc:
        add_tenant(tenants_file, bad, load_catalog())
    found = {(i.path, i.message.split(" (got")[0]) for i in exc.value.issues}
    assert ("sources.shopify.generation.refund_rate", "Input should be less than or equal to 1") in found
    assert any(p == "sources.myspace_ads" and m.startswith("unknown connector 'myspace_ads'") for p, m in found)
    assert any(p == "slug" for p, _ in found) and any(p == "name" for p, _ in found)
    assert all(i.file == str(tenants_file) for i in exc.value.issues)
    assert tenants_file.read_bytes() == before
    assert [p.name for p in tenants_file.parent.iterdir()] == ["tenants.yaml"]  # no temp file left behind


def test_a_taken_slug_or_id_namespace_is_refused(tenants_file: Path):
    before = tenants_file.read_bytes()
    with pytest.raises(TenantExistsError, match="tenant 'tyrell_corp' already exists"):
        add_tenant(tenants_file, {**NEW, "slug": "tyrell_corp"}, load_catalog())
    taken = load_config(tenants_file).tenant("wayne_enterprises").namespace
    with pytest.raises(ConfigError, match=f"id namespace {taken} is also used by tenant 'wayne_enterprises'"):
        add_tenant(tenants_file, {**NEW, "id_namespace": taken}, load_catalog())
    assert tenants_file.read_bytes() == before
