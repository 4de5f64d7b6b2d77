"""Connecting a live source in the wizard, in real Chromium, against the API simulator: a wrong key shows
Shopify's refusal in words, the right one lists the shop to pick; the tenant (live Shopify beside simulated
Google Ads and GA4) onboards and its dashboard shows its orders; the page source, the job record, the tenants file and
every answer the browser got hold no secret, and the secrets file (0600) holds it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import UTC, datetime

import httpx
import pytest
import web_fixtures
import yaml
from test_wizard import open_wizard, pick, wait_for_job
from web_fixtures import ADMIN, DESKTOP, Session, open_finished_job

from conftest import GATA, REPO, create_user, start_server
from gata.config import load_config
from gata.connectors.simulator.server import SimulatorServer
from gata.connectors.simulator.state import site_account_id
from gata.simulation.world import build_world
from gata.workspace import Workspace

browser = web_fixtures.browser
SLUG, NAME = "live_shop", "Live Shop"
TOKEN = "shpat_planted_0f3c9a77e1d24b"
DAYS = 3


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A simulator serving the tenant-to-be's shop, and a server with a secrets file to store connections in."""
    root = tmp_path_factory.mktemp("connect")
    doc = {
        "tenants": [{"slug": SLUG, "name": NAME, "sources": {"google_ads": {}, "shopify": {}, "google_analytics": {}}}]
    }
    (root / "planned.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    planned = load_config(root / "planned.yaml")
    ws = Workspace.resolve(root / "ws")
    ws.ensure()
    tenants_file = root / "config" / "tenants.yaml"
    tenants_file.parent.mkdir()
    shutil.copy(REPO / "tenants.yaml", tenants_file)
    create_user(ws.root, ADMIN, "--admin")
    key = (
        subprocess.run(
            [GATA, "keys", "create", "--admin", "--workspace", str(ws.root)], capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    secrets = root / "secrets.toml"
    previous = os.environ.get("GATA_SECRETS_FILE")
    os.environ["GATA_SECRETS_FILE"] = str(secrets)
    try:
        with SimulatorServer(planned, as_of=datetime.now(UTC).date()) as sim:
            sim.token(TOKEN)
            proc, base = start_server(ws, tenants_file)
            shop = site_account_id(build_world(planned.tenant(SLUG)), "shopify")
            yield {
                "sim": sim,
                "base": base,
                "ws": ws,
                "file": tenants_file,
                "secrets": secrets,
                "key": key,
                "shop": shop,
            }
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        if previous is None:
            os.environ.pop("GATA_SECRETS_FILE", None)
        else:
            os.environ["GATA_SECRETS_FILE"] = previous


def test_admin_connects_a_live_shop_onboards_it_and_no_secret_leaks(browser, served):
    s = Session(browser, served["base"], DESKTOP)
    answers: list[str] = []  # every answer of our API the test sees
    s.sign_in(ADMIN)
    page = open_wizard(s)
    page.fill("#tenant-name", NAME)
    page.fill("#tenant-days", str(DAYS))
    pick(page, "google_ads", "shopify", "google_analytics")
    page.select_option("#connect-shopify-mode", "live")
    page.fill("#connect-shopify-account", served["shop"])
    page.fill("#connect-shopify-base_url", served["sim"].url("shopify") + "/{account}")
    # a wrong key: Shopify's refusal in words, nothing stored
    page.fill("#connect-shopify-access_token", "shpat_wrong")
    with page.expect_response("**/onboarding/connections/test") as refused:
        page.click("#connect-shopify-test")
    answers.append(refused.value.text())
    page.wait_for_selector("#connect-shopify-error:not([hidden])")
    refusal = page.inner_text("#connect-shopify-error")
    assert "Shopify refused the access token" in refusal and "shpat_wrong" not in refusal
    assert not served["secrets"].exists()
    # the right one: the shop to pick, the secret stored and gone from the page
    page.fill("#connect-shopify-access_token", TOKEN)
    with page.expect_response("**/onboarding/connections/test") as accepted:
        page.click("#connect-shopify-test")
    answers.append(accepted.value.text())
    page.wait_for_selector('[data-connect="shopify"][data-connected="true"]')
    assert page.is_checked(f'#connect-shopify-accounts input[value="{served["shop"]}"]')
    assert page.input_value("#connect-shopify-access_token") == ""
    assert "stored" in page.get_attribute("#connect-shopify-access_token", "placeholder")
    s.screenshot("wizard-connected-shopify")
    wizard_source = page.content()
    page.click("#start")
    page.wait_for_url("**/admin/onboard/jobs/*")
    job_id = page.url.rsplit("/", 1)[1]
    open_finished_job(page, SLUG)
    page.wait_for_selector('#dashboard:not([data-state="loading"])', timeout=120_000)  # a first query is cold
    assert page.get_attribute("#dashboard", "data-state") == "ready", page.inner_text("#dashboard-error")
    dashboard_source = page.content()
    with httpx.Client(base_url=served["base"], headers={"Authorization": f"Bearer {served['key']}"}, timeout=60) as c:
        job = wait_for_job(c, job_id)
        orders = c.post(
            f"/semantic-layer/{SLUG}/query", json={"model": "orders", "measures": ["orders", "revenue"]}
        ).json()
        connection = c.get(f"/onboarding/connections/{SLUG}/shopify").json()
        health = c.get(f"/observability/{SLUG}/freshness").json()
        for path in (
            "/onboarding/catalog",
            "/onboarding/connections/sources",
            "/onboarding/jobs",
            f"/onboarding/jobs/{job_id}",
        ):
            answers.append(c.get(path).text)
        for path in ("summary", "runs", "freshness", "drift"):
            answers.append(c.get(f"/observability/{SLUG}/{path}").text)
    assert job["status"] == "succeeded", job
    assert orders["rows"][0]["orders"] > 0 and orders["rows"][0]["revenue"] > 0
    assert connection == {"connector": "shopify", "connected": True, "stored": ["access_token"]}
    assert {h["connector"]: (h["mode"], h["last_error"]) for h in health} == {
        "google_ads": ("simulated", None),
        "shopify": ("live", None),
        "google_analytics": ("simulated", None),
    }
    assert all(h["last_loaded_at"] for h in health)  # each source's last successful pull
    entry = next(t for t in yaml.safe_load(served["file"].read_text())["tenants"] if t["slug"] == SLUG)
    assert entry["sources"]["shopify"]["mode"] == "live" and entry["sources"]["shopify"]["accounts"] == [served["shop"]]
    # the secret: only in the 0600 secrets file
    seen = [
        wizard_source,
        dashboard_source,
        str(job),
        str(orders),
        str(connection),
        served["file"].read_text(),
        *answers,
    ]
    assert all(TOKEN not in text for text in seen)
    assert TOKEN in served["secrets"].read_text()
    assert stat.S_IMODE(served["secrets"].stat().st_mode) == 0o600
    files = [p for p in served["ws"].root.rglob("*") if p.is_file()]
    assert [p for p in files if TOKEN.encode() in p.read_bytes()] == []
    # the tenant's health page: each source's mode; an admin rotates the shop's credential there
    rotated = TOKEN + "_rotated"
    served["sim"].token(rotated)
    page.goto(f"/app/{SLUG}/health")
    page.wait_for_selector('#sources tbody tr th[data-value="shopify"]')
    modes = {
        row.locator("th").get_attribute("data-value"): row.locator('td[data-col="mode"]').inner_text()
        for row in page.locator("#sources tbody tr").all()
    }
    assert modes == {"google_ads": "simulated", "shopify": "live", "google_analytics": "simulated"}
    page.wait_for_selector("#connections:not([hidden])")
    page.fill("#connect-shopify-access_token", rotated)
    with page.expect_response("**/onboarding/connections/test") as rotation:
        page.click("#connect-shopify-test")
    answers.append(rotation.value.text())
    page.wait_for_selector('[data-connect="shopify"][data-connected="true"]')
    assert rotated in served["secrets"].read_text() and TOKEN + '"' not in served["secrets"].read_text()
    assert rotated not in page.content() and all(rotated not in a for a in answers)
    s.close()
    assert not s.errors, f"errors in the page: {s.errors}"
