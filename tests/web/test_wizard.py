"""The onboarding wizard in real Chromium: an admin onboards a new tenant from the catalog, watches each step
finish live in a background job whose timer never runs back, reviews the finished job and opens its dashboard,
whose numbers are the API's; a failing step is shown
with its message and can be retried; bad input is named field by field and writes nothing; one job per
tenant; only admins reach any of it."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import web_fixtures
import yaml
from croniter import croniter
from web_fixtures import ADMIN, DESKTOP, PHONE, Session, create_user, open_finished_job, password_of, user_of

from conftest import GATA, REPO, start_server
from gata.workspace import Workspace

browser = web_fixtures.browser
DAYS = 4


@dataclass
class WizardServer:
    ws: Workspace
    base: str
    tenants_file: Path
    admin_key: str


@pytest.fixture(scope="module")
def wizard(tmp_path_factory) -> WizardServer:
    """A server over an empty workspace with its own copy of tenants.yaml, an admin and a tenant user."""
    root = tmp_path_factory.mktemp("wizard")
    ws = Workspace.resolve(root / "ws")
    ws.ensure()
    tenants_file = root / "config" / "tenants.yaml"
    tenants_file.parent.mkdir()
    shutil.copy(REPO / "tenants.yaml", tenants_file)
    create_user(ws.root, ADMIN, "--admin")
    create_user(ws.root, user_of("tyrell_corp"), "--tenant", "tyrell_corp")
    out = subprocess.run(
        [GATA, "keys", "create", "--admin", "--workspace", str(ws.root)], capture_output=True, text=True, check=True
    )
    proc, base = start_server(ws, tenants_file)
    yield WizardServer(ws, base, tenants_file, out.stdout.strip().splitlines()[-1])
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture
def admin(browser, wizard):
    s = Session(browser, wizard.base, DESKTOP)
    s.sign_in(ADMIN)
    yield s
    s.close()
    assert not s.errors, f"errors in the page: {s.errors}"


def api(wizard: WizardServer) -> httpx.Client:
    return httpx.Client(base_url=wizard.base, headers={"Authorization": f"Bearer {wizard.admin_key}"}, timeout=60)


def open_wizard(s: Session):
    page = s.page
    page.goto("/app")
    page.click("text=Onboard a tenant")
    page.wait_for_url("**/admin/onboard")
    page.wait_for_selector('#wizard[data-state="ready"]')
    return page


def pick(page, *connectors: str) -> None:
    for c in connectors:
        page.check(f"#source-{c}")
        page.wait_for_selector(f'.source-panel[data-source="{c}"]')


def tenant_entry(wizard: WizardServer, slug: str) -> dict | None:
    tenants = yaml.safe_load(wizard.tenants_file.read_text())["tenants"]
    return next((t for t in tenants if t["slug"] == slug), None)


def wait_for_job(client: httpx.Client, job_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/onboarding/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


# Records every text the job page's status line shows, from the page's start, so a test sees each poll's timer.
RECORD_JOB_TEXT = """
window.__jobTexts = [];
new MutationObserver(() => {
  const text = document.getElementById("job-text")?.textContent;
  if (text && text !== window.__jobTexts.at(-1)) window.__jobTexts.push(text);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def timer_seconds(text: str) -> float:
    """The elapsed time in a job status line: "running for 4.2 s", "took 1 min 3 s"."""
    m = re.search(r"(?:running for|took) (?:(\d+) min (\d+) s|([\d.]+) s)", text)
    assert m, text
    return int(m[1]) * 60 + int(m[2]) if m[1] else float(m[3])


def test_admin_onboards_a_tenant_through_the_wizard_and_lands_on_its_dashboard(admin, wizard):
    page = open_wizard(admin)
    page.add_init_script(RECORD_JOB_TEXT)
    # the catalog, grouped by domain: 7 ad platforms, 3 shops, 3 analytics tools, each with its icon
    groups = page.locator("#catalog fieldset.domain")
    assert [groups.nth(i).locator("legend").inner_text() for i in range(3)] == [
        "Ad platforms",
        "Shops",
        "Analytics tools",
    ]
    assert [groups.nth(i).locator("label.connector").count() for i in range(3)] == [7, 3, 3]
    assert page.locator("label.connector img").count() == 13
    assert page.locator("#no-sources").is_visible()
    # typed like a user: the slug follows the name
    page.fill("#tenant-name", "Acme Outdoor")
    assert page.input_value("#tenant-slug") == "acme_outdoor"
    page.fill("#tenant-days", str(DAYS))
    page.select_option("#tenant-currency", "EUR")
    pick(page, "google_ads", "tiktok_ads", "woocommerce", "amplitude")
    # levers and logic come with their defaults; change some
    spend = page.locator('[name="sources.google_ads.generation.daily_spend"]')
    assert spend.input_value() == "300"
    spend.fill("450")
    assert page.input_value('[name="sources.amplitude.logic.conversion_events"]') == "Order Completed"
    page.select_option('[name="sources.amplitude.logic.attribution_model"]', "first_click")
    page.check('[name="sources.woocommerce.logic.excluded_order_statuses"][value="refunded"]')
    page.select_option("#schedule-kind", "weekly")
    page.select_option("#schedule-day", "Monday")
    page.fill("#schedule-time", "07:30")
    admin.screenshot("wizard-filled-1280")
    page.click("#start")

    # the job's page: the steps appear and finish one by one
    page.wait_for_url("**/admin/onboard/jobs/*")
    job_id = page.url.rsplit("/", 1)[1]
    page.wait_for_selector('#job-steps li[data-step="build"][data-state="running"]', timeout=120_000)
    assert page.locator('#job-steps li[data-step="land"]').get_attribute("data-state") == "done"
    assert page.locator('#job-steps li[data-step="test"]').get_attribute("data-state") == "pending"
    admin.screenshot("wizard-job-running")
    # one job per tenant: the CLI may not onboard the tenant while the wizard's job runs
    busy = subprocess.run(
        [GATA, "onboard", "acme_outdoor", "--days", "2", "--workspace", str(wizard.ws.root)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "GATA_TENANTS_FILE": str(wizard.tenants_file)},
    )
    assert busy.returncode == 1 and "tenant 'acme_outdoor' is busy" in busy.stderr, busy.stderr

    # the job's timer counts from one origin: it never runs back, neither when the job starts nor when it ends
    page.wait_for_selector('#job[data-state="succeeded"]', timeout=300_000)
    texts = page.evaluate("window.__jobTexts")
    timers = [timer_seconds(t) for t in texts]
    assert len(timers) >= 3 and texts[-1].count("took"), texts
    assert timers == sorted(timers), texts
    # success stays on the job's page, with a link to the dashboard
    admin.screenshot("wizard-job-succeeded")
    open_finished_job(page, "acme_outdoor")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    with api(wizard) as client:
        job = client.get(f"/onboarding/jobs/{job_id}").json()
        assert job["status"] == "succeeded" and job["error"] is None
        steps = [s["step"] for s in job["steps"]]
        assert steps == [
            "validate",
            "generate",
            "land",
            "register",
            "configure",
            "build",
            "test",
            "activate",
            "publish",
        ]
        assert all(s["state"] == "done" and s["seconds"] >= 0 for s in job["steps"])
        spend = client.post(
            "/semantic-layer/acme_outdoor/query",
            json={"model": "ad_performance", "measures": ["spend"], "date_range": {"relative": "last_30_days"}},
        ).json()["rows"][0]["spend"]
    assert spend > 0
    page.goto("/app/acme_outdoor?range=last_30_days")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    assert float(page.get_attribute('[data-kpi="spend"]', "data-value")) == pytest.approx(spend, rel=1e-12)
    assert page.locator('[data-kpi="spend"] [data-role="value"]').inner_text().startswith("€")
    admin.screenshot("wizard-onboarded-dashboard")

    # what the wizard wrote: only the values changed from their defaults
    entry = tenant_entry(wizard, "acme_outdoor")
    assert entry == {
        "slug": "acme_outdoor",
        "name": "Acme Outdoor",
        "reporting_currency": "EUR",
        "schedule": "30 7 * * 1",  # the picker's "every week on Monday at 07:30"
        "sources": {
            "google_ads": {"generation": {"daily_spend": 450}},
            "tiktok_ads": {},
            "woocommerce": {"logic": {"excluded_order_statuses": ["cancelled", "refunded"]}},
            "amplitude": {"logic": {"attribution_model": "first_click"}},
        },
    }
    # the tenant now exists: the wizard refuses its slug
    page.goto("/admin/onboard")
    page.wait_for_selector('#wizard[data-state="ready"]')
    page.fill("#tenant-name", "Acme Outdoor")
    pick(page, "shopify")
    page.click("#start")
    assert "'acme_outdoor' is taken" in page.locator("#wizard-errors").inner_text()


def test_bad_input_is_named_field_by_field_and_nothing_is_written(admin, wizard):
    before = wizard.tenants_file.read_bytes()
    page = open_wizard(admin)
    page.fill("#tenant-name", "Bad Co")
    page.click("#start")
    errors = page.locator("#wizard-errors")
    assert errors.is_visible() and "pick at least one source" in errors.inner_text()
    pick(page, "facebook_ads")
    page.fill('[name="sources.facebook_ads.generation.ctr"]', "2")
    page.fill('[name="sources.facebook_ads.logic.conversion_action_types"]', "")
    page.click("#start")
    page.wait_for_selector("#wizard-errors li >> text=sources.facebook_ads.generation.ctr")
    text = errors.inner_text()
    assert "sources.facebook_ads.generation.ctr: Input should be less than 1 (got 2)" in text
    assert "sources.facebook_ads.logic.conversion_action_types: Value error, must list at least one action type" in text
    assert page.get_attribute('[name="sources.facebook_ads.generation.ctr"]', "aria-invalid") == "true"
    # keyboard: the summary's link moves focus to the field
    errors.locator("a", has_text="generation.ctr").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "sources.facebook_ads.generation.ctr"
    assert wizard.tenants_file.read_bytes() == before
    with api(wizard) as client:
        # a bad slug is refused before anything else (it would name files); then the rest is checked
        r = client.post("/onboarding/jobs", json={"tenant": {"slug": "9lives", "name": "x", "sources": {"nope": {}}}})
        assert r.status_code == 422 and [i["path"] for i in r.json()["issues"]] == ["slug"], r.json()
        nope = {"slug": "nine_lives", "name": "x", "sources": {"nope": {}}}
        r = client.post("/onboarding/jobs", json={"tenant": nope})
        assert r.status_code == 422 and "sources.nope" in {i["path"] for i in r.json()["issues"]}, r.json()
        assert client.post("/onboarding/jobs", json={"tenant": {"name": "x"}, "days": 0}).status_code == 422
    assert wizard.tenants_file.read_bytes() == before
    assert not any(p.suffix == ".json" for p in (wizard.ws.root / "jobs").glob("*")) or all(
        "bad_co" not in p.read_text() for p in (wizard.ws.root / "jobs").glob("*.json")
    )


def next_runs(cron: str, before: datetime) -> set[str]:
    """The next fire time (ISO, UTC) as of `before` or of now: the page asked in between."""
    return {
        croniter(cron, at.replace(tzinfo=None, microsecond=0)).get_next(datetime).replace(tzinfo=UTC).isoformat()
        for at in (before, datetime.now(UTC))
    }


def picked(page, before: datetime) -> str:
    """The cron the picker wrote into the form, once its next run is shown, checked against croniter's."""
    cron = page.input_value("#tenant-schedule")
    page.wait_for_function(
        "c => document.getElementById('schedule-cron').textContent === c && "
        "document.getElementById('schedule-next').dataset.value",
        arg=cron,
    )
    shown = page.get_attribute("#schedule-next", "data-value").replace("Z", "+00:00")
    assert datetime.fromisoformat(shown).isoformat() in next_runs(cron, before), (cron, shown)
    assert page.locator("#schedule-next").inner_text().endswith(" UTC")
    return cron


def test_the_schedule_picker_writes_cron_and_the_server_refuses_bad_ones(admin, wizard):
    before_file = wizard.tenants_file.read_bytes()
    page = open_wizard(admin)
    now = datetime.now(UTC)
    # the default, as choices: every day at 06:00
    assert page.input_value("#schedule-kind") == "daily" and page.input_value("#schedule-time") == "06:00"
    assert picked(page, now) == "0 6 * * *"
    assert page.locator("#tenant-schedule").is_hidden() and page.locator("#schedule-day").is_hidden()
    page.fill("#schedule-time", "21:05")
    assert picked(page, now) == "5 21 * * *"
    # by keyboard: the next choice, every N hours
    page.focus("#schedule-kind")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#schedule-kind") == "hours" and page.locator("#schedule-time").is_hidden()
    assert picked(page, now) == "0 * * * *"
    page.select_option("#schedule-hours", "6")
    assert picked(page, now) == "0 */6 * * *"
    page.select_option("#schedule-kind", "weekly")
    page.select_option("#schedule-day", "Sunday")
    page.fill("#schedule-time", "23:45")
    assert picked(page, now) == "45 23 * * 0"
    # custom: the cron as the picker left it, to edit; one that never fires is named as it is typed
    page.select_option("#schedule-kind", "custom")
    assert page.locator("#tenant-schedule").is_visible() and page.input_value("#tenant-schedule") == "45 23 * * 0"
    page.fill("#tenant-schedule", "0 0 30 2 *")
    page.wait_for_selector("#schedule-next.error >> text=never fires")
    # submitted anyway: the server refuses it, and a 7-field one, naming the field
    page.fill("#tenant-name", "Cron Co")
    pick(page, "bing_ads")
    for cron, message in (
        ("0 0 30 2 *", "schedule: the cron expression '0 0 30 2 *' never fires (no such date): choose one that does"),
        (
            "0 0 6 * * * 2026",
            "schedule: expected a cron expression of 5 fields (minute hour day-of-month month "
            "day-of-week, UTC), got 7 fields in '0 0 6 * * * 2026'",
        ),
    ):
        page.fill("#tenant-schedule", cron)
        page.click("#start")
        page.wait_for_selector(f"#wizard-errors li >> text={cron}")
        assert message in page.locator("#wizard-errors").inner_text()
        assert page.get_attribute("#tenant-schedule", "aria-invalid") == "true"
    assert wizard.tenants_file.read_bytes() == before_file
    with api(wizard) as client:
        ok = client.get("/onboarding/schedule", params={"cron": "30 7 * * 1"}).json()
        assert ok["problem"] is None and len(ok["next_runs"]) == 3
        assert [datetime.fromisoformat(t).weekday() for t in ok["next_runs"]] == [0, 0, 0]
        bad = client.get("/onboarding/schedule", params={"cron": "* * * * * *"}).json()
        assert "got 6 fields" in bad["problem"] and bad["next_runs"] == []
        body = {
            "tenant": {"slug": "cron_co", "name": "Cron Co", "schedule": "0 6 * * * *", "sources": {"bing_ads": {}}}
        }
        r = client.post("/onboarding/jobs", json=body)
        assert r.status_code == 422 and [i["path"] for i in r.json()["issues"]] == ["schedule"], r.json()
    assert wizard.tenants_file.read_bytes() == before_file


def test_a_failing_step_is_shown_with_its_message_and_a_retry_recovers(admin, wizard):
    # the tenant's dbt folder is taken by a file: configuring its build fails, for real
    obstacle = wizard.ws.tenant_dir("fail_then_fix") / "dbt"
    obstacle.parent.mkdir(parents=True, exist_ok=True)
    obstacle.write_text("in the way")
    page = open_wizard(admin)
    page.fill("#tenant-name", "Fail then fix")
    page.fill("#tenant-days", "2")
    pick(page, "bing_ads")
    page.click("#start")
    page.wait_for_url("**/admin/onboard/jobs/*")
    job_id = page.url.rsplit("/", 1)[1]
    page.wait_for_selector('#job[data-state="failed"]', timeout=300_000)
    assert page.locator("#job-error-step").inner_text() == "configure"
    assert page.locator("#job-error-message").inner_text().strip()
    assert page.locator('#job-steps li[data-step="configure"]').get_attribute("data-state") == "failed"
    assert page.locator('#job-steps li[data-step="land"]').get_attribute("data-state") == "done"
    assert page.locator('#job-steps li[data-step="build"]').get_attribute("data-state") == "skipped"
    admin.screenshot("wizard-job-failed")
    with api(wizard) as client:
        job = client.get(f"/onboarding/jobs/{job_id}").json()
        assert job["status"] == "failed" and job["error"]["step"] == "configure"
        summary = client.get("/observability/fail_then_fix/summary").json()
        # its health page shows the failed run, though it was never built
        assert summary["status"] == "failed" and summary["last_run"]["kind"] == "onboard"
        assert "configure failed" in summary["last_run"]["message"]
    obstacle.unlink()
    page.click("#job-retry")
    page.wait_for_url(lambda url: url.endswith("/admin/onboard/jobs/" + job_id) is False and "/jobs/" in url)
    retry_id = page.url.rsplit("/", 1)[1]
    with api(wizard) as client:
        again = client.post(f"/onboarding/jobs/{job_id}/retry")  # a second click while the first retry runs
        assert again.status_code == 409 and "already has a job running" in again.json()["detail"], again.text
        assert wait_for_job(client, retry_id)["status"] == "succeeded"
    open_finished_job(page, "fail_then_fix")


def test_only_admins_reach_the_wizard(browser, wizard):
    s = Session(browser, wizard.base, DESKTOP)
    try:
        page = s.sign_in(user_of("tyrell_corp"), path="/admin/onboard")
        assert page.locator("h1").inner_text() == "Not found"
        assert page.locator("text=Onboard a tenant").count() == 0
        assert s.fetch("GET", "/onboarding/catalog")["status"] == 403
        before = wizard.tenants_file.read_bytes()
        r = s.fetch(
            "POST",
            "/onboarding/jobs",
            {"tenant": {"slug": "sneaky_co", "name": "S", "sources": {"shopify": {}}}},
            {"X-CSRF-Token": s.csrf()},
        )
        assert r["status"] == 403 and r["data"]["detail"] == "only an admin can onboard tenants"
        assert s.fetch("GET", "/onboarding/jobs")["status"] == 403
        assert s.fetch("GET", "/onboarding/schedule?cron=0%206%20*%20*%20*")["status"] == 403
        assert wizard.tenants_file.read_bytes() == before
    finally:
        s.close()
    anonymous = httpx.get(f"{wizard.base}/onboarding/jobs")
    assert anonymous.status_code == 401


def test_wizard_at_phone_width(browser, wizard):
    s = Session(browser, wizard.base, PHONE)
    try:
        s.sign_in(ADMIN, password_of(ADMIN))
        page = open_wizard(s)
        pick(page, "shopify")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"
        s.screenshot("wizard-390")
    finally:
        s.close()
