"""Meta specifics against the simulator (the shared checks are in test_platforms.py): long ranges are read as
async report runs, short ones synchronously in pages, both landing what simulated mode lands."""

from __future__ import annotations

import live_fixtures
import pytest
from live_fixtures import DAYS, END, PLATFORMS, TENANT, account_id, live_tenant, tables, write_config

from gata.ingest.run import ingest_tenant
from gata.workspace import Workspace

simulator, sim, sim_config = live_fixtures.simulator, live_fixtures.sim, live_fixtures.sim_config  # fixtures
reference = live_fixtures.reference
META = PLATFORMS["meta"]
TOKEN = "meta-token-for-tests"


@pytest.fixture
def token(sim, monkeypatch) -> str:
    sim.token(TOKEN, "valid")
    for name, value in META.env(TENANT, TOKEN).items():
        monkeypatch.setenv(name, value)
    return TOKEN


def meta_config(tmp_path, sim, sim_config, **options):
    accounts = {c: [account_id(sim_config, TENANT, c)] for c in META.connectors}
    return write_config(
        tmp_path / "tenants.yaml", [live_tenant({c: sim.url("meta") for c in META.connectors}, accounts, **options)]
    )


def insight_calls(sim) -> set[tuple[str, bool]]:
    """(method, on the ad account?) of the successful insights requests."""
    return {
        (r["method"], "/act_" in r["path"])
        for r in sim.requests()
        if r["path"].endswith("/insights") and r["status"] == 200
    }


def test_a_long_range_is_read_as_async_report_runs(tmp_path, sim, sim_config, token, reference):
    ws = Workspace.resolve(tmp_path / "ws")
    ingest_tenant(meta_config(tmp_path, sim, sim_config), TENANT, ws, days=DAYS, end_date=END)
    assert insight_calls(sim) == {("POST", True), ("GET", False)}  # runs started, their pages read
    polls = [r for r in sim.requests() if r["params"].get("fields") == "async_status,async_percent_completion"]
    assert len(polls) >= 2 * len(META.connectors)
    for connector in META.connectors:
        assert tables(ws, TENANT, connector) == tables(reference, TENANT, connector)


def test_a_short_range_is_read_synchronously_in_pages(tmp_path, sim, sim_config, token, reference):
    ws = Workspace.resolve(tmp_path / "ws")
    cfg = meta_config(tmp_path, sim, sim_config, page_size=7, async_after_days=400)
    ingest_tenant(cfg, TENANT, ws, days=DAYS, end_date=END)
    assert insight_calls(sim) == {("GET", True)}
    pages = [r for r in sim.requests() if r["path"].endswith("/insights")]
    assert len(pages) > 20 and all(r["params"].get("limit") == "7" for r in pages)
    for connector in META.connectors:
        assert tables(ws, TENANT, connector) == tables(reference, TENANT, connector)
