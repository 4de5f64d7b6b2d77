"""Sign-in in real Chromium against the real service: accounts bound to a tenant, admin over all, sessions,
CSRF, logout, and tenant isolation for pages and for the data the pages read."""

from __future__ import annotations

import subprocess
import time
from urllib.parse import urlparse

import httpx
import pytest
import web_fixtures
from web_fixtures import ADMIN, create_user, password_of, user_of

from conftest import GATA

web, browser, session, open_session = (
    web_fixtures.web,
    web_fixtures.browser,
    web_fixtures.session,
    web_fixtures.open_session,
)

TYRELL, WAYNE = "tyrell_corp", "wayne_enterprises"
QUERY = {"model": "orders", "measures": ["revenue"], "date_range": {"relative": "last_7_days"}}


def test_signed_out_pages_lead_to_the_sign_in_form(session):
    page = session.page
    page.goto("/app/tyrell_corp?range=last_7_days")
    assert page.url.endswith("/login?next=/app/tyrell_corp%3Frange%3Dlast_7_days")
    assert page.locator("h1").inner_text() == "Sign in"
    # the form is keyboard-usable: the username field has focus, Tab reaches password then the button
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    # data needs a key or a session
    r = session.fetch("POST", f"/semantic-layer/{TYRELL}/query", QUERY)
    assert r["status"] == 401 and "sign in" in r["data"]["detail"]


def test_wrong_password_is_refused(session):
    page = session.sign_in(user_of(TYRELL), "not-the-password")
    assert "/login" in page.url
    assert page.locator("#login-error").inner_text() == "Wrong username or password."
    assert not [c for c in session.context.cookies() if c["name"] == "gata_session"]
    page = session.sign_in("nobody-here", "whatever-password")
    assert page.locator("#login-error").inner_text() == "Wrong username or password."
    session.screenshot("login-refused")


def test_a_refused_sign_in_keeps_the_username_and_asks_for_the_password_again(session):
    page = session.sign_in(user_of(TYRELL), "not-the-password", path=f"/login?next=/app/{TYRELL}")
    assert page.locator("#login-error").inner_text() == "Wrong username or password."
    assert page.input_value("#username") == user_of(TYRELL)  # as typed, not cleared
    assert page.input_value("#password") == ""  # never sent back
    assert page.evaluate("document.activeElement.id") == "password"
    # so the second try is only the password, and it goes where the user was going
    page.fill("#password", password_of(user_of(TYRELL)))
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"**/app/{TYRELL}")
    # markup in a username comes back as text, never as markup
    session.context.clear_cookies()
    page = session.sign_in('"><b id="injected">x</b>', "whatever-password")
    assert page.input_value("#username") == '"><b id="injected">x</b>'
    assert page.locator("#injected").count() == 0


def test_tenant_user_signs_in_to_their_own_dashboard(session):
    page = session.sign_in(user_of(TYRELL), path="/app/tyrell_corp?range=last_7_days")
    assert page.url.endswith("/app/tyrell_corp?range=last_7_days")  # back where they were going
    page.goto("/app")
    assert page.url.endswith("/app/tyrell_corp")
    assert page.locator(".tenant-name").inner_text() == TYRELL
    assert page.locator("#tenant-picker").count() == 0  # tenant users get no picker
    cookie = next(c for c in session.context.cookies() if c["name"] == "gata_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # http here; https sets Secure
    assert page.evaluate("document.cookie").find("gata_session") == -1  # scripts cannot read it


def test_another_tenants_pages_and_data_are_not_found(session, open_session):
    session.sign_in(user_of(TYRELL))
    page = session.page
    response = page.goto(f"/app/{WAYNE}")
    assert response.status == 404
    assert "There is no tenant 'wayne_enterprises' here" in page.locator("main").inner_text()
    # exactly what a tenant that does not exist looks like
    assert page.goto("/app/no_such_tenant").status == 404
    session.screenshot("other-tenant-404")
    page.goto(f"/app/{TYRELL}")
    csrf = {"X-CSRF-Token": session.csrf()}
    own = session.fetch("POST", f"/semantic-layer/{TYRELL}/query", QUERY, csrf)
    assert own["status"] == 200 and own["data"]["rows"][0]["revenue"] > 0
    for method, path, body in [
        ("POST", f"/semantic-layer/{WAYNE}/query", QUERY),
        ("GET", f"/semantic-layer/{WAYNE}/models", None),
        ("GET", f"/semantic-layer/{WAYNE}/models/orders", None),
        ("GET", f"/semantic-layer/{WAYNE}/tables/orders.arrow", None),
        ("POST", f"/semantic-layer/{WAYNE}/ask", {"question": "revenue last week"}),
        ("GET", f"/observability/{WAYNE}/summary", None),
        ("GET", f"/observability/{WAYNE}/runs", None),
    ]:
        r = session.fetch(method, path, body, csrf)
        assert r["status"] == 404, (path, r)
        assert r["data"] == {"detail": f"tenant '{WAYNE}' not found"}
    # the other tenant's own user does reach it
    wayne = open_session()
    assert wayne.sign_in(user_of(WAYNE), path=f"/app/{WAYNE}").url.endswith(f"/app/{WAYNE}")
    assert wayne.fetch("GET", f"/semantic-layer/{WAYNE}/models")["status"] == 200


def test_state_changing_requests_need_the_csrf_token(session):
    session.sign_in(user_of(TYRELL))
    path = f"/semantic-layer/{TYRELL}/query"
    missing = session.fetch("POST", path, QUERY)
    assert missing["status"] == 403 and "CSRF" in missing["data"]["detail"]
    wrong = session.fetch("POST", path, QUERY, {"X-CSRF-Token": "x" * 43})
    assert wrong["status"] == 403
    assert session.fetch("POST", path, QUERY, {"X-CSRF-Token": session.csrf()})["status"] == 200
    # sign-out is state-changing too: without the token it is refused and the session lives on
    status = session.page.evaluate("async () => (await fetch('/logout', {method: 'POST'})).status")
    assert status == 403
    assert session.page.goto(f"/app/{TYRELL}").url.endswith(f"/app/{TYRELL}")
    # GETs need no token
    assert session.fetch("GET", f"/semantic-layer/{TYRELL}/models")["status"] == 200


def test_sign_in_form_rejects_a_forged_post(web):
    """Login CSRF: a POST that did not come from our form (no matching token cookie) signs nobody in."""
    with httpx.Client(base_url=web.base) as client:
        user = user_of(TYRELL)
        r = client.post("/login", data={"username": user, "password": password_of(user), "csrf_token": "forged"})
        assert r.status_code == 403 and "gata_session" not in r.cookies
        assert "was not sent by this site" in r.text


def test_logout_ends_the_session_on_the_server(session, web):
    page = session.sign_in(user_of(TYRELL))
    token = next(c["value"] for c in session.context.cookies() if c["name"] == "gata_session")
    # signing out while the dashboard's queries are still running: they are answered only once the server has
    # ended the session, so they come back 401 while the sign-out's own navigation is still pending. The page
    # being left must not send the user to sign in "again" in place of where the sign-out takes them.
    held: list = []
    page.route("**/semantic-layer/**", lambda route: held.append(route))
    page.reload(wait_until="domcontentloaded")
    while not held:
        page.wait_for_timeout(50)

    def sign_out(route) -> None:
        answer = route.fetch(max_redirects=0)  # the server ends the session here
        for query in held:
            query.continue_()
        time.sleep(0.5)  # the browser takes the 401 answers before the sign-out's redirect arrives
        route.fulfill(response=answer)

    page.route("**/logout", sign_out)
    with page.expect_navigation(url="**/login", wait_until="commit"):
        page.click("text=Sign out")
    assert urlparse(page.url).query == ""
    page.goto(f"/app/{TYRELL}")
    assert "/login" in page.url
    # the old cookie, replayed from elsewhere, is worthless now
    with httpx.Client(base_url=web.base, cookies={"gata_session": token}) as client:
        assert client.get(f"/semantic-layer/{TYRELL}/models").status_code == 401
        assert client.get(f"/app/{TYRELL}").status_code == 303


def test_admin_picks_any_tenant(session):
    page = session.sign_in(ADMIN)
    assert page.url.endswith("/app")
    links = page.locator(".tenant-list a").all_inner_texts()
    assert sorted(links) == ["stark_industries", "tyrell_corp", "wayne_enterprises"]
    page.click(".tenant-list a:text-is('wayne_enterprises')")
    page.wait_for_url(f"**/app/{WAYNE}")
    # the picker in the header switches tenants, by keyboard too
    page.focus("#tenant-picker")
    page.select_option("#tenant-picker", "stark_industries")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/stark_industries")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    session.screenshot("admin-stark-dashboard")


def test_a_deleted_user_is_signed_out(session, web):
    create_user(web.ws.root, "short-lived", "--tenant", TYRELL)
    page = session.sign_in("short-lived")
    assert page.url.endswith(f"/app/{TYRELL}")
    proc = subprocess.run(
        [GATA, "users", "delete", "short-lived", "--workspace", str(web.ws.root)], capture_output=True
    )
    assert proc.returncode == 0
    page.goto(f"/app/{TYRELL}")
    assert "/login" in page.url


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(session, target):
    page = session.sign_in(user_of(TYRELL), path=f"/login?next={target}")
    assert page.url.startswith(session.base + "/app")


def test_pages_are_served_with_a_strict_content_security_policy(web):
    with httpx.Client(base_url=web.base) as client:
        r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    # vendor files: only the allow-listed ones
    with httpx.Client(base_url=web.base) as client:
        assert client.get("/static/vendor/bundle/chart.js").status_code == 200
        assert client.get("/static/vendor/chart.js/package.json").status_code == 404
