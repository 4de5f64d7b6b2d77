"""Red-team findings 5, 6 and 7 in the configuration: no template delimiters in values, crons of five fields
that fire (and a scheduler that survives one that never does), and generation levers bounded by a resource
estimate, in `gata validate`, `gata onboard` and the wizard's writer."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from conftest import GATA
from gata.config import ConfigError, load_config
from gata.config.budget import MAX_HISTORY_RECORDS, history_problem
from gata.config.loader import load_catalog
from gata.config.writer import add_tenant
from gata.warehouse.schedule import last_fire, next_fire, seconds_until_next

BASE = {"slug": "acme_co", "name": "Acme Co", "sources": {"shopify": {}, "google_analytics": {}}}


def _write(tmp_path: Path, *tenants: dict) -> Path:
    path = tmp_path / "tenants.yaml"
    path.write_text(yaml.safe_dump({"tenants": list(tenants)}, sort_keys=False))
    return path


def _issues(tmp_path: Path, tenant: dict) -> str:
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, tenant))
    return str(exc.value)


@pytest.mark.parametrize(
    "changes, path",
    [
        ({"name": "Acme {{ env_var('HOME') }}"}, "name"),
        ({"name": "Acme {{ Holdings"}, "name"),
        ({"name": "Acme {% if x %}"}, "name"),
        ({"name": "Acme {# note #}"}, "name"),
        (
            {"sources": {"google_analytics": {"logic": {"conversion_events": ["purchase }}"]}}}},
            "sources.google_analytics.logic.conversion_events[0]",
        ),
    ],
)
def test_template_delimiters_are_refused_naming_the_field(tmp_path, changes, path):
    message = _issues(tmp_path, {**BASE, **changes})
    assert f"tenant 'acme_co': {path}: contains a template delimiter" in message


@pytest.mark.parametrize(
    "schedule, message",
    [
        ("0 0 30 2 *", "never fires"),
        ("0 0 * * * * *", "expected a cron expression of 5 fields"),
        ("*/5 * * * * 0", "5 fields"),
        ("61 * * * *", "not a valid cron expression"),
    ],
)
def test_schedules_must_be_five_fields_that_fire(tmp_path, schedule, message):
    assert message in _issues(tmp_path, {**BASE, "schedule": schedule})


def test_the_scheduler_skips_a_cron_that_never_fires():
    """Before, croniter raised from inside `gata schedule` and no tenant synced."""
    now = datetime(2026, 12, 3, 9, 0)
    assert last_fire("0 0 30 2 *", now) is None and next_fire("0 0 30 2 *", now) is None
    config = load_config()
    never = config.tenants[0].model_copy(update={"schedule": "0 0 30 2 *"})
    fine = config.tenants[1]
    mixed = config.model_copy(update={"tenants": [never, fine]})
    assert 1 <= seconds_until_next(mixed, now, 3600) <= 3600
    assert seconds_until_next(mixed.model_copy(update={"tenants": [never]}), now, 300) == 300


def test_levers_making_too_many_sessions_a_day_are_refused_naming_the_lever(tmp_path):
    tenant = {**BASE, "sources": {"google_analytics": {"generation": {"daily_sessions": 10_000_000}}, "shopify": {}}}
    message = _issues(tmp_path, tenant)
    assert "sources.google_analytics.generation.daily_sessions" in message
    assert "the bound is 250,000 sessions a day" in message
    paid = {**BASE, "sources": {"facebook_ads": {"generation": {"daily_spend": 1_000_000}}, "shopify": {}}}
    assert "sources.facebook_ads.generation.daily_spend" in _issues(tmp_path, paid)


def test_a_history_over_the_bound_is_refused_by_gata_onboard(tmp_path):
    big = {**BASE, "sources": {"google_analytics": {"generation": {"daily_sessions": 200_000}}, "shopify": {}}}
    path = _write(tmp_path, big)
    tenant = load_config(path).tenant("acme_co")
    assert history_problem(tenant, 30) is None
    problem = history_problem(tenant, 365)
    assert problem and f"the bound is {MAX_HISTORY_RECORDS:,}" in problem and "days of history" in problem
    ws = tmp_path / "ws"
    proc = subprocess.run(
        [GATA, "onboard", "acme_co", "--days", "365", "--config", str(path), "--workspace", str(ws)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "lower the days of history" in proc.stderr
    assert not (ws / "tenants").exists() and not (ws / "staging").exists()  # refused before anything was written


def test_the_wizard_writer_refuses_a_history_over_the_bound_and_writes_nothing(tmp_path):
    path = _write(tmp_path, BASE)
    before = path.read_bytes()
    big = {**BASE, "slug": "big_co", "sources": {"google_analytics": {"generation": {"daily_sessions": 200_000}}}}
    with pytest.raises(ConfigError) as exc:
        add_tenant(path, big, load_catalog(), days=365)
    assert exc.value.issues[0].path == "days" and "lower the days of history" in exc.value.issues[0].message
    assert path.read_bytes() == before
    assert add_tenant(path, big, load_catalog(), days=30).slug == "big_co"
