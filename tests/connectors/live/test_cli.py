"""`gata simulate-apis` serves the tenants file's ad accounts on a port; `gata connect` lists a live source's
accounts or names what is wrong (missing credentials, a simulated source)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import live_fixtures
from live_fixtures import END, TENANT, account_id, live_tenant, write_config

from gata.connectors.simulator.app import platform_modules
from gata.connectors.simulator.server import free_port

sim_config = live_fixtures.sim_config  # fixture
GATA = str(Path(sys.executable).parent / "gata")


def test_simulate_apis_serves_every_platform_with_its_auth(sim_config, tmp_path):
    port = free_port()
    args = ["simulate-apis", "--port", str(port), "--as-of", END.isoformat(), "--token", "cli-token"]
    proc = subprocess.Popen(
        [GATA, *args, "--config", sim_config.tenants_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                accounts = httpx.get(f"{base}/_simulator/accounts", timeout=2).json()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, proc.stderr.read1().decode() if proc.stderr else ""
                time.sleep(0.3)
        prefixes = {a["prefix"] for a in accounts}
        # every ad platform, and the shops and analytics tools the config has, each under its own prefix
        assert {"meta", "tiktok", "google", "linkedin", "bing", "amazon"} <= prefixes
        assert prefixes <= {m.PREFIX for m in platform_modules()}
        ok = httpx.get(
            f"{base}/meta/v19.0/me/adaccounts?fields=account_id,name", headers={"Authorization": "Bearer cli-token"}
        ).json()
        assert account_id(sim_config, TENANT, "facebook_ads") in {a["account_id"] for a in ok["data"]}
        refused = httpx.get(f"{base}/meta/v19.0/me/adaccounts", headers={"Authorization": "Bearer other"})
        assert refused.status_code == 400 and refused.json()["error"]["code"] == 190
        tiktok = httpx.get(f"{base}/tiktok/open_api/v1.3/campaign/get/", headers={"Access-Token": "other"}).json()
        assert tiktok["code"] == 40105
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert account_id(sim_config, TENANT, "bing_ads") in out.decode()  # the accounts table it printed


def test_connect_names_missing_credentials_and_simulated_sources(tmp_path):
    config = tmp_path / "tenants.yaml"
    write_config(config, [live_tenant({"tiktok_ads": "http://127.0.0.1:9/tiktok"}, {"tiktok_ads": ["123"]})])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__")}
    run = subprocess.run(
        [GATA, "connect", TENANT, "tiktok_ads", "--config", str(config)], env=env, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert f"tenant '{TENANT}', source 'tiktok_ads': no access_token found" in run.stderr
    run = subprocess.run(
        [GATA, "connect", TENANT, "shopify", "--config", str(config)], env=env, capture_output=True, text=True
    )
    assert run.returncode == 2 and "is simulated; set mode: live" in run.stderr
