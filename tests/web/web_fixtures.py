"""Browser-test fixtures: Debian's Chromium driven by the Python playwright package, users created with the
real `gata users create`, screenshots saved under test-artifacts/screenshots/ (git-ignored, kept by CI).

Imported by the tests that use them (not a conftest.py, which would shadow the suite's own `conftest` module).
Chromium must be /usr/bin/chromium (`make test` installs Debian's package); no browser is ever downloaded.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

# the user helpers live in conftest; re-exported here for the browser tests
from conftest import ADMIN, Served, create_user, create_web_users, password_of, user_of  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def web(served: Served) -> Served:
    """The served demo with a web user per tenant and an admin."""
    create_web_users(served)
    return served


@pytest.fixture(scope="module")
def browser() -> Browser:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed at /usr/bin/chromium: run `make test` (apt-get install -y chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def open_from_dashboard(s: Session, tenant: str, link: str, path: str, ready: str) -> Page:
    """Sign in, land on the tenant's dashboard, follow one of its page links like a user, wait for `ready`."""
    page = s.sign_in(user_of(tenant), path=f"/app/{tenant}")
    page.click(f"nav.subnav >> text={link}")
    page.wait_for_url(f"**/app/{tenant}/{path}")
    page.wait_for_selector(ready)
    return page


def drawn_pixels(page: Page, chart: str) -> int:
    """Painted pixels of a dashboard chart's canvas: zero for a chart that did not draw."""
    return page.evaluate(
        """(id) => {
            const c = document.getElementById(`chart-${id}`);
            const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
        }""",
        chart,
    )


class Session:
    """A browser context (its own cookies) with the page it drives, failing the test on any page error."""

    def __init__(self, browser: Browser, base: str, viewport: dict, **options):
        """`options` go to the browser context (e.g. `bypass_csp=True` for a test's own injected script)."""
        self.base = base
        self.context: BrowserContext = browser.new_context(
            base_url=base, viewport=viewport, locale="en-US", timezone_id="UTC", **options
        )
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def sign_in(self, username: str, password: str | None = None, path: str = "/app") -> Page:
        self.page.goto(path)
        self.page.fill("#username", username)
        self.page.fill("#password", password if password is not None else password_of(username))
        self.page.click("form[action='/login'] button[type=submit]")
        self.page.wait_for_load_state("domcontentloaded")
        return self.page

    def csrf(self) -> str:
        return self.page.get_attribute('meta[name="csrf-token"]', "content") or ""

    def fetch(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> dict:
        """A request made by the page itself (its cookies, its origin), as an attacker's script could not."""
        return self.page.evaluate(
            """async ([method, path, body, headers]) => {
                const r = await fetch(path, {method, headers: {"Content-Type": "application/json", ...headers},
                                             body: body === null ? undefined : JSON.stringify(body)});
                let data = null; try { data = await r.json(); } catch (e) {}
                return {status: r.status, data};
            }""",
            [method, path, body, headers or {}],
        )

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_.-]+', '-', name.lower())}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Browser, web: Served):
    """A fresh desktop-sized browser session (no cookies)."""
    s = Session(browser, web.base, DESKTOP)
    yield s
    s.close()
    assert not s.errors, f"errors in the page: {s.errors}"


@pytest.fixture
def open_session(browser: Browser, web: Served):
    """Opens more sessions (other users, other sizes) and closes them after the test."""
    opened: list[Session] = []

    def make(viewport: dict = DESKTOP) -> Session:
        s = Session(browser, web.base, viewport)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
    errors = [e for s in opened for e in s.errors]
    assert not errors, f"errors in the page: {errors}"


def open_finished_job(page, tenant: str) -> None:
    """A finished job's page stays for review and offers its dashboard behind a link."""
    page.wait_for_selector('#job[data-state="succeeded"]', timeout=300_000)
    link = page.locator("#job-done a#job-open-dashboard")
    link.wait_for(state="visible")
    assert "/admin/onboard/jobs/" in page.url
    assert link.inner_text() == "Open dashboard" and link.get_attribute("href") == f"/app/{tenant}"
    assert page.locator("#job-done").inner_text().startswith(f"{tenant} is onboarded.")
    link.click()
    page.wait_for_url(f"**/app/{tenant}")
