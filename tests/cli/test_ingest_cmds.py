"""The CLI as a user runs it: validate, generate (byte-identical twice), ingest, and clear errors."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from gata.cli.main import app

runner = CliRunner()


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.jsonl"))
    }


def test_validate_ok_and_errors(tmp_path):
    ok = runner.invoke(app, ["validate"])
    assert ok.exit_code == 0 and "3 tenant(s)" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("tenants:\n  - slug: Bad-Slug\n    name: x\n    sources: {tiktok: {}}\n")
    result = runner.invoke(app, ["validate", "--config", str(bad)])
    assert result.exit_code == 2
    assert "unknown connector 'tiktok'" in result.stderr
    assert "invalid slug 'Bad-Slug'" in result.stderr


def test_generate_twice_is_byte_identical(tmp_path):
    args = ["generate", "stark_industries", "--days", "3", "--end-date", "2025-03-03", "--seed", "4"]
    first = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    second = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert first.exit_code == 0 and second.exit_code == 0, first.stdout + first.stderr
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a == b
    assert set(a) == {
        "stark_industries/facebook_ads/campaigns.jsonl",
        "stark_industries/facebook_ads/ad_sets.jsonl",
        "stark_industries/facebook_ads/ads.jsonl",
        "stark_industries/facebook_ads/facebook_insights.jsonl",
        "stark_industries/instagram_ads/campaigns.jsonl",
        "stark_industries/instagram_ads/ad_sets.jsonl",
        "stark_industries/instagram_ads/ads.jsonl",
        "stark_industries/instagram_ads/facebook_insights.jsonl",
        "stark_industries/woocommerce/products.jsonl",
        "stark_industries/woocommerce/orders.jsonl",
        "stark_industries/mixpanel/events.jsonl",
        "stark_industries/mixpanel/people.jsonl",
    }


def test_generate_rejects_bad_input(tmp_path):
    unknown = runner.invoke(app, ["generate", "nobody", "--out", str(tmp_path)])
    assert unknown.exit_code == 2 and "unknown tenant 'nobody'" in unknown.stderr
    bad_date = runner.invoke(app, ["generate", "tyrell_corp", "--end-date", "31/12/2025", "--out", str(tmp_path)])
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    assert not any(tmp_path.iterdir())


def test_ingest_from_the_installed_command(tmp_path):
    ws = tmp_path / "ws"
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "gata"),
            "ingest",
            "wayne_enterprises",
            "--days",
            "2",
            "--end-date",
            "2025-05-02",
            "--workspace",
            str(ws),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "landed" in proc.stdout
    with duckdb.connect(str(ws / "tenants" / "wayne_enterprises" / "warehouse.duckdb"), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
        orders = con.execute("select count(*) from raw_wayne_enterprises__bigcommerce.orders").fetchone()[0]
    assert {
        "raw_wayne_enterprises__bing_ads",
        "raw_wayne_enterprises__google_ads",
        "raw_wayne_enterprises__bigcommerce",
        "raw_wayne_enterprises__google_analytics",
        "gata_platform",
    } <= schemas
    assert orders > 0
