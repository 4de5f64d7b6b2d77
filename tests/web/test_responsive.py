"""Every page on a phone (390 px) and a wide screen (1440 px), signed out, as a tenant user and as an admin, in
real Chromium: nothing is wider than the viewport unless it sits in a container that scrolls sideways, and such
a container shows a cue while it has more to see; no two controls overlap; axe-core finds no serious or critical
violation. Each page is walked once with its content loaded (a result in the explorer, a custom range on the
dashboard, a failed onboarding job), measured, and screenshot at both widths under test-artifacts/screenshots/."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import web_fixtures
from web_fixtures import ADMIN, PHONE, Session, user_of

web, browser = web_fixtures.web, web_fixtures.browser
open_session = web_fixtures.open_session

TENANT = "tyrell_corp"
WIDE = {"width": 1440, "height": 900}
AXE = Path(__file__).resolve().parents[2] / "src/gata/web/node_modules/axe-core/axe.min.js"
FAILING = "phone_fail_co"  # a tenant whose onboarding fails for real, for the job page

# the layout of the page as measured in it: overflow, controls' boxes, and the scroll cue of each scroller
LAYOUT = """() => {
  const viewport = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].map((c) => "." + c).join("") + ` "${(el.textContent || el.value || "").trim().slice(0, 40)}"`;
  // whether a container that scrolls sideways clips `el`: up the chain of containing blocks, so an absolutely
  // positioned element escapes a scroller that is not positioned, as it does on screen
  const scrollsSideways = (el) => {
    for (let a = el; a && a !== document.body;) {
      const position = getComputedStyle(a).position;
      a = position === "fixed" ? null : position === "absolute" ? a.offsetParent : a.parentElement;
      if (a && a !== document.body && ["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if ((r.width || r.height) && r.right > viewport + 0.5 && !scrollsSideways(el))
      wide.push(`${name(el)} reaches ${Math.round(r.right)} px`);
  }
  // what shows of a control: its boxes (one per line for a wrapped link), cut by every ancestor that clips
  const shown = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.opacity === "0") return [];
    let boxes = [...el.getClientRects()].map((r) => ({l: r.left, t: r.top, r: r.right, b: r.bottom}));
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === "visible" && s.overflowY === "visible" && s.clip === "auto") continue;
      const c = a.getBoundingClientRect();
      boxes = boxes.map((r) => ({l: Math.max(r.l, c.left), t: Math.max(r.t, c.top),
                                 r: Math.min(r.r, c.right), b: Math.min(r.b, c.bottom)}));
    }
    return boxes.filter((r) => r.r - r.l > 1 && r.b - r.t > 1);
  };
  const controls = [...document.querySelectorAll(
    'a[href], button, input:not([type="hidden"]), select, textarea, summary')]
    .map((el) => ({el, boxes: shown(el)})).filter((c) => c.boxes.length);
  const overlaps = [];
  controls.forEach((a, i) => controls.slice(i + 1).forEach((b) => {
    if (a.el.contains(b.el) || b.el.contains(a.el)) return;
    for (const p of a.boxes) for (const q of b.boxes) {
      const w = Math.min(p.r, q.r) - Math.max(p.l, q.l), h = Math.min(p.b, q.b) - Math.max(p.t, q.t);
      if (w > 1 && h > 1) return overlaps.push(`${name(a.el)} and ${name(b.el)}: ${Math.round(w)}x${Math.round(h)} px`);
    }
  }));
  const cues = [...document.querySelectorAll(".table-scroll, pre.sql, pre.code")]
    .filter((el) => el.getClientRects().length)
    .map((el) => {
      const hint = el.previousElementSibling;
      return {name: name(el), hidden: el.scrollWidth - el.clientWidth, overflow: el.dataset.overflow ?? null,
              hint: !!hint && hint.classList.contains("scroll-hint") && hint.getClientRects().length > 0};
    });
  return {scrollWidth: document.documentElement.scrollWidth, viewport, wide, overlaps,
          controls: controls.length, cues};
}"""
SERIOUS = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter((v) => ["serious", "critical"].includes(v.impact))
  .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", ")}`)"""


def recent_days() -> tuple[str, str]:
    """A week of the demo's data (it ends today), as a custom range."""
    today = datetime.now(UTC).date()
    return str(today - timedelta(days=9)), str(today - timedelta(days=3))


def explorer_query() -> str:
    start, end = recent_days()
    q = {
        "model": "ad_performance",
        "dimensions": ["campaign_name", "source_platform"],
        "measures": ["spend", "clicks", "impressions", "platform_roas"],
        "time_grain": "day",
        "date_range": {"start": start, "end": end},
    }
    return quote(json.dumps(q))


def tenant_pages() -> list[tuple[str, str, str]]:
    """(name, path, what shows it is ready) of the pages a tenant user has."""
    start, end = recent_days()
    return [
        ("dashboard", f"/app/{TENANT}?start={start}&end={end}", '#dashboard[data-state="ready"]'),
        ("explorer", f"/app/{TENANT}/explore?q={explorer_query()}", '#explorer[data-state="ready"]'),
        ("health", f"/app/{TENANT}/health", '#health[data-state="ready"]'),
        ("local", f"/app/{TENANT}/local", '#local[data-state="ready"]'),
        ("account", "/account", "#current"),
        ("docs", "/docs", ".opblock"),
        ("not-found", "/app/no_such_tenant", ".error"),
    ]


def admin_pages(job_id: str) -> list[tuple[str, str, str]]:
    return [
        ("tenant-picker", "/app", ".tenant-list"),
        ("admin-tenants", "/admin/tenants", '#lifecycle[data-state="ready"]'),
        ("admin-overview", "/admin/overview", '#overview[data-state="ready"]'),
        ("wizard", "/admin/onboard", '#wizard[data-state="ready"]'),
        ("job", f"/admin/onboard/jobs/{job_id}", '#job[data-state="failed"]'),
        *tenant_pages(),
    ]


@pytest.fixture(scope="module")
def failed_job(web):
    """An onboarding job that fails at its configure step (the tenant's dbt folder is taken by a file), for real;
    the tenant is offboarded and purged afterwards, so the served demo is left as it was."""
    obstacle = web.ws.tenant_dir(FAILING) / "dbt"
    obstacle.parent.mkdir(parents=True, exist_ok=True)
    obstacle.write_text("in the way")
    with web.client("admin") as client:
        body = {"tenant": {"slug": FAILING, "name": "Phone Fail Co", "sources": {"bing_ads": {}}}, "days": 2}
        r = client.post("/onboarding/jobs", json=body)
        assert r.status_code in (200, 201, 202), r.text
        job_id = r.json()["id"]
        deadline = time.monotonic() + 300
        while client.get(f"/onboarding/jobs/{job_id}").json()["status"] != "failed":
            assert time.monotonic() < deadline, "the onboarding job did not fail in time"
            time.sleep(0.5)
        yield job_id
        obstacle.unlink(missing_ok=True)
        r = client.post(f"/tenants/{FAILING}/offboard", json={"confirm": FAILING, "data": "delete"})
        assert r.status_code == 200, r.text
        assert client.post(f"/tenants/{FAILING}/purge", json={"confirm": FAILING}).status_code == 200


def measure(s: Session, name: str, width: int) -> dict:
    page = s.page
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    found = page.evaluate(LAYOUT)
    page.add_script_tag(path=str(AXE))
    found["axe"] = page.evaluate(SERIOUS)
    s.screenshot(f"responsive-{name}-{width}")
    return found


def walk(s: Session, who: str, pages: list[tuple[str, str, str]], width: int) -> dict:
    found = {}
    for name, path, ready in pages:
        s.page.goto(path)
        s.page.wait_for_selector(ready, timeout=60_000)
        if name == "local":  # a table loaded and a question answered: its profile, chart, table and reading
            s.page.click("#load-button")
            s.page.wait_for_selector('#profile[data-state="ready"]', timeout=60_000)
            s.page.fill("#question", "top 5 campaign_name by spend")
            s.page.click("#ask-button")
            s.page.wait_for_selector('#result[data-state="ready"]', timeout=60_000)
        found[(who, width, name)] = measure(s, f"{who}-{name}", width)
    return found


@pytest.fixture(scope="module")
def walked(browser, web, failed_job) -> dict:
    """(who, width, page) -> what was measured there: every page at both widths, signed out, user and admin."""
    found, errors = {}, []
    for viewport in (PHONE, WIDE):
        width = viewport["width"]
        # axe-core is injected as a script tag by the test (the app never serves it): the page's CSP is bypassed
        anonymous = Session(browser, web.base, viewport, bypass_csp=True)
        anonymous.sign_in("someone", "not-the-password")  # the form again, with its error
        found[("anonymous", width, "sign-in")] = measure(anonymous, "anonymous-sign-in", width)
        for who, pages in (("user", tenant_pages()), ("admin", admin_pages(failed_job))):
            s = Session(browser, web.base, viewport, bypass_csp=True)
            s.sign_in(ADMIN if who == "admin" else user_of(TENANT))
            found.update(walk(s, who, pages, width))
            errors += s.errors
            s.close()
        errors += anonymous.errors
        anonymous.close()
    assert not errors, f"errors in the pages: {errors}"
    return found


def test_no_page_is_wider_than_a_phone(walked):
    too_wide = {
        f"{who} {page}": (found["scrollWidth"], found["wide"][:5])
        for (who, width, page), found in walked.items()
        if width == PHONE["width"] and (found["scrollWidth"] > width or found["wide"])
    }
    assert not too_wide, too_wide
    assert len({page for _, _, page in walked}) == 13  # every page was measured


def test_no_two_controls_overlap(walked):
    overlapping = {f"{who} {page} at {width}": found["overlaps"] for (who, width, page), found in walked.items()}
    assert not {k: v for k, v in overlapping.items() if v}
    assert all(found["controls"] > 2 for found in walked.values())


def test_wide_content_scrolls_inside_its_card_with_a_cue(walked):
    wrong = []
    for (who, width, page), found in walked.items():
        for cue in found["cues"]:
            more = cue["hidden"] > 1
            if more != (cue["overflow"] in ("start", "end", "both")) or more != cue["hint"]:
                wrong.append((who, width, page, cue))
    assert not wrong, wrong
    # the wide tables do overflow on a phone, and show it; on a wide screen the dashboard's table fits
    for page in ("dashboard", "explorer", "health", "admin-tenants", "admin-overview"):
        who = "admin" if page.startswith("admin-") else "user"
        assert any(c["overflow"] == "end" and c["hint"] for c in walked[(who, 390, page)]["cues"]), page
    assert [c["overflow"] for c in walked[("user", 1440, "dashboard")]["cues"]] == ["none"]


def test_axe_finds_no_serious_or_critical_violation(walked):
    violations = {f"{who} {page} at {width}": found["axe"] for (who, width, page), found in walked.items()}
    assert not {k: v for k, v in violations.items() if v}


def test_the_scroll_cue_follows_the_scroll_position(open_session):
    s = open_session(PHONE)
    page = s.sign_in(user_of(TENANT), path=f"/app/{TENANT}?range=last_7_days")
    page.wait_for_selector("#campaigns tbody tr")
    scroller = page.locator(".table-card .table-scroll")
    hint = page.locator(".table-card .scroll-hint")
    assert scroller.get_attribute("data-overflow") == "end" and hint.is_visible()
    assert hint.inner_text() == "Scroll sideways for more →"
    scroller.evaluate("(el) => { el.scrollLeft = (el.scrollWidth - el.clientWidth) / 2; }")
    page.wait_for_selector('.table-card .table-scroll[data-overflow="both"]')
    scroller.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_selector('.table-card .table-scroll[data-overflow="start"]')
    # the shadow on the side with more to see is drawn
    assert "inset" in scroller.evaluate("(el) => getComputedStyle(el).boxShadow")
    # turned sideways, the same table fits: no shadow, no hint
    page.set_viewport_size({"width": 1440, "height": 900})
    page.wait_for_selector('.table-card .table-scroll[data-overflow="none"]')
    assert hint.is_hidden()
    assert scroller.evaluate("(el) => getComputedStyle(el).boxShadow") == "none"


@pytest.mark.parametrize("viewport", [PHONE, web_fixtures.DESKTOP, WIDE], ids=lambda v: str(v["width"]))
def test_explorer_from_and_to_do_not_overlap(open_session, viewport):
    s = open_session(viewport)
    page = s.sign_in(user_of(TENANT), path=f"/app/{TENANT}/explore")
    page.wait_for_selector('#explorer[data-state="idle"]')
    page.select_option("#q-range", "custom")
    start, end = recent_days()
    page.fill("#q-start", start)
    page.fill("#q-end", end)
    a, b = page.locator("#q-start").bounding_box(), page.locator("#q-end").bounding_box()
    form = page.locator("#query-form").bounding_box()
    across = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    down = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    assert across <= 0 or down <= 0, f"From and To overlap by {across:.0f} x {down:.0f} px"
    for box in (a, b):  # and neither spills out of the query form
        assert form["x"] <= box["x"] and box["x"] + box["width"] <= form["x"] + form["width"]


def test_axe_core_is_installed_for_the_tests_but_never_served(web):
    assert AXE.is_file(), "axe-core is not installed: run `make setup` (npm ci in src/gata/web)"
    with web.client() as client:
        assert client.get("/static/vendor/axe-core/axe.min.js").status_code == 404
