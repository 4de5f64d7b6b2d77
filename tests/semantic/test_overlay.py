"""A tenant's overlay relabels and extends its models; a broken overlay is refused with its problems named
and leaves the published snapshot as it was."""

from __future__ import annotations

import httpx
import pytest
import yaml

from gata.config import load_config
from gata.semantic.overlay import OverlayError, load_overlay
from gata.star.snapshot import current_version
from gata.warehouse.publish import publish_snapshot

TENANT = "tyrell_corp"
OVERLAY = {
    "models": {
        "ad_performance": {
            "label": "Paid media",
            "synonyms": ["media"],
            "measures": {
                "spend": {"label": "Media cost", "synonyms": ["investment"]},
                "search_clicks": {
                    "aggregate": "sum",
                    "column": "clicks",
                    "label": "Search clicks",
                    "format": "integer",
                    "where": [{"column": "source_platform", "op": "in", "value": ["google_ads", "bing_ads"]}],
                },
                "cost_per_mille_clicks": {"ratio": {"numerator": "spend", "denominator": "clicks", "scale": 1000}},
                "ad_count": {"aggregate": "count_distinct", "column": "ad_id"},
            },
            "dimensions": {"campaign_name": {"label": "Campaign (UTM)", "synonyms": ["utm campaign"]}},
        }
    }
}


@pytest.fixture
def config_dir(tmp_path):
    (tmp_path / "semantic").mkdir()
    return tmp_path


def _write(config_dir, doc) -> None:
    (config_dir / "semantic" / f"{TENANT}.yaml").write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc))


def test_overlay_relabels_and_adds_measures_that_match_sql(served, config_dir):
    tenant = load_config().tenant(TENANT)
    _write(config_dir, OVERLAY)
    try:
        publish_snapshot(served.ws, tenant, config_dir=config_dir)
        with served.client(TENANT) as c:
            model = c.get(f"/semantic-layer/{TENANT}/models/ad_performance").json()
            got = c.post(
                f"/semantic-layer/{TENANT}/query",
                json={
                    "model": "ad_performance",
                    "dimensions": ["source_platform"],
                    "measures": ["spend", "search_clicks", "cost_per_mille_clicks", "ad_count"],
                },
            ).json()
        measures = {m["name"]: m for m in model["measures"]}
        assert model["label"] == "Paid media" and "media" in model["synonyms"]
        assert measures["spend"]["label"] == "Media cost" and "investment" in measures["spend"]["synonyms"]
        assert "cost" in measures["spend"]["synonyms"], "overlay synonyms add to the built-in ones"
        assert {"search_clicks", "cost_per_mille_clicks", "ad_count"} <= set(measures)
        dims = {d["name"]: d for d in model["dimensions"]}
        assert dims["campaign_name"]["label"] == "Campaign (UTM)"
        with served.snapshot(TENANT) as con:
            want = {
                r[0]: r[1:]
                for r in con.execute(
                    "select source_platform, sum(clicks) filter (where source_platform in ('google_ads', 'bing_ads')), "
                    "sum(spend_reporting)::double * 1000 / sum(clicks), count(distinct ad_id) "
                    f'from "fct_{TENANT}__ad_performance" group by 1'
                ).fetchall()
            }
        assert len(got["rows"]) == len(want) > 1
        for row in got["rows"]:
            search, cpmc, ads = want[row["source_platform"]]
            assert row["search_clicks"] == search and row["ad_count"] == ads
            assert row["cost_per_mille_clicks"] == pytest.approx(cpmc)
    finally:
        publish_snapshot(served.ws, tenant)  # back to the plain models


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("models: [unclosed", "not valid YAML"),
        ({"models": {"orders": {"measures": {"x": {"aggregate": "sum"}}}}}, "needs a 'column'"),
        (
            {
                "models": {
                    "orders": {
                        "measures": {
                            "x": {"aggregate": "sum", "column": "c", "ratio": {"numerator": "a", "denominator": "b"}}
                        }
                    }
                }
            },
            "exactly one of",
        ),
        ({"models": {"orders": {"labels": "x"}}}, "models.orders.labels"),
        ({"models": {"orders": {"measures": {"x": {"format": "money"}}}}}, "format"),
    ],
)
def test_invalid_overlay_files_name_the_problem(config_dir, doc, message):
    _write(config_dir, doc)
    with pytest.raises(OverlayError) as exc:
        load_overlay(config_dir, TENANT)
    assert message in str(exc.value) and f"{TENANT}.yaml" in str(exc.value)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"models": {"orders": {"measures": {"x": {"aggregate": "sum", "column": "secret_column"}}}}},
            "unknown column(s) ['secret_column']",
        ),
        (
            {"models": {"orders": {"measures": {"x": {"ratio": {"numerator": "revenue", "denominator": "nope"}}}}}},
            "unknown measure 'nope'",
        ),
        ({"models": {"orders": {"measures": {"revenue": {"aggregate": "count"}}}}}, "already exists"),
        ({"models": {"orders": {"measures": {"ghost": {"label": "Ghost"}}}}}, "unknown measure 'orders.ghost'"),
    ],
)
def test_overlay_that_does_not_fit_the_tables_is_refused_and_nothing_is_published(served, config_dir, doc, message):
    tenant = load_config().tenant(TENANT)
    before = current_version(served.ws, TENANT)
    _write(config_dir, doc)
    with pytest.raises(ValueError) as exc:
        publish_snapshot(served.ws, tenant, config_dir=config_dir)
    assert message in str(exc.value)
    assert current_version(served.ws, TENANT) == before
    assert not list((served.ws.serving_dir / TENANT).glob("*.partial"))
    with served.client(TENANT) as c:
        assert c.get(f"/semantic-layer/{TENANT}/models").status_code == 200
    assert httpx.get(served.base + "/health", headers=served.headers("admin")).json()["tenants_served"] == 3


def test_validate_names_a_broken_overlay(tmp_path):
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from gata.config.loader import DEFAULT_TENANTS

    shutil.copy(DEFAULT_TENANTS, tmp_path / "tenants.yaml")
    (tmp_path / "semantic").mkdir()
    (tmp_path / "semantic" / f"{TENANT}.yaml").write_text("models: {orders: {measures: {x: {aggregate: sum}}}}\n")
    gata = str(Path(sys.executable).parent / "gata")
    proc = subprocess.run(
        [gata, "validate", "--config", str(tmp_path / "tenants.yaml")], capture_output=True, text=True
    )
    assert proc.returncode == 2 and f"{TENANT}.yaml" in proc.stderr and "needs a 'column'" in proc.stderr
