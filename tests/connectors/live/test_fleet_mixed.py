"""A fleet mixing live and simulated sources: a tenant with live Shopify beside simulated GA4 onboards and syncs
with a simulated-only tenant; when Shopify's token is revoked, `gata sync --all` fails that tenant alone, and
its status names the tenant, the source and what to do."""

from __future__ import annotations

import json
from datetime import timedelta

from live_fixtures import END, FAST, write_config
from typer.testing import CliRunner

from gata.cli.main import app
from gata.connectors.simulator.server import SimulatorServer
from gata.connectors.simulator.state import site_account_id
from gata.observability.service import ObservabilityService
from gata.semantic.store import SnapshotStore
from gata.simulation.world import build_world
from gata.warehouse.onboard import onboard
from gata.workspace import Workspace

MIXED, SIMULATED = "mixed_live", "all_simulated"
TOKEN = "fleet-shopify-token"
MODES = {"shopify": "live", "google_analytics": "simulated"}
SMALL = {"google_analytics": {"generation": {"daily_sessions": 60, "users": 1000}}}


def _tenants(shop_url: str | None, shop: str | None) -> list[dict]:
    shopify: dict = {"generation": {"products": 5}}
    if shop_url:
        shopify |= {"mode": "live", "accounts": [shop], "options": {"base_url": shop_url + "/{account}", **FAST}}
    return [
        {"slug": MIXED, "name": "Mixed Live", "seed": 3, "sources": {"shopify": shopify, **SMALL}},
        {"slug": SIMULATED, "name": "All Simulated", "seed": 4, "sources": {"shopify": {}, **SMALL}},
    ]


def test_a_failing_credential_fails_only_its_tenant_named_in_its_status(tmp_path, monkeypatch):
    simulated = write_config(tmp_path / "simulated.yaml", _tenants(None, None))
    shop = site_account_id(build_world(simulated.tenant(MIXED)), "shopify")
    monkeypatch.setenv(f"SOURCES__{MIXED.upper()}__SHOPIFY__ACCESS_TOKEN", TOKEN)
    # tenant runs in this process: a forkserver started earlier in the session would not see the token
    monkeypatch.setenv("GATA_PARALLEL_TENANTS", "1")
    ws = Workspace.resolve(tmp_path / "ws")
    with SimulatorServer(simulated, as_of=END) as sim:
        sim.token(TOKEN)
        path = tmp_path / "tenants.yaml"
        config = write_config(path, _tenants(sim.url("shopify"), shop))
        assert config.tenant(MIXED).source("shopify").live and not config.tenant(MIXED).source("google_analytics").live
        onboard(config, [MIXED, SIMULATED], ws, days=3, end_date=END)  # raises if either fails
        sim.token(TOKEN, "revoked")
        sim.clock(END + timedelta(days=1))
        base = ["--config", str(path), "--workspace", str(ws.root)]
        synced = CliRunner().invoke(app, ["sync", "--all", "--through", (END + timedelta(days=1)).isoformat(), *base])
        status = CliRunner().invoke(app, ["status", MIXED, "--output", "json", "--workspace", str(ws.root)])
        other = CliRunner().invoke(app, ["status", SIMULATED, "--output", "json", "--workspace", str(ws.root)])
    assert synced.exit_code == 1, synced.output
    table = [line.strip("│ ").split("│") for line in synced.output.splitlines() if line.startswith("│")]
    row = {cells[0].strip(): cells[1] for cells in table if len(cells) > 1 and cells[0].strip()}
    assert "failed" in row[MIXED] and "synced" in row[SIMULATED], synced.output
    mine, theirs = json.loads(status.output), json.loads(other.output)
    assert mine["status"] == "failed" and theirs["status"] == "success"
    message = mine["last_run"]["message"]
    assert f"tenant '{MIXED}', source 'shopify'" in message and "revoked" in message
    assert f"gata connect {MIXED} shopify" in message and TOKEN not in synced.output + status.output
    # the health page's sources: each one's mode, last successful pull and the error naming it
    sources = {s["connector"]: s for s in ObservabilityService(SnapshotStore(ws)).source_freshness(MIXED, modes=MODES)}
    assert sources["shopify"]["mode"] == "live" and sources["shopify"]["last_error"] == message
    assert sources["google_analytics"]["last_error"] is None and sources["shopify"]["last_loaded_at"]
