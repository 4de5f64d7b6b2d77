"""In Chromium: /docs (and /redoc, which leads there) renders the API from this site's own pinned assets under
its CSP (no CDN, no policy violation, no request to another origin), and the explorer's CSV neutralizes text a
spreadsheet would run as a formula."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import web_fixtures
from web_fixtures import user_of

pytestmark = pytest.mark.usefixtures("web")
web, browser, session = web_fixtures.web, web_fixtures.browser, web_fixtures.session
TENANT = "wayne_enterprises"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_render_from_local_assets_under_their_csp(session, path):
    ready = ".opblock"
    page = session.page
    console: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda m: console.append(m.text))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    page.goto(path)
    page.wait_for_selector(ready, timeout=60_000)
    assert page.locator(ready).count() > 3  # the API's operations are drawn
    assert "semantic-layer" in page.content()
    assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m], console
    assert hosts <= {urlsplit(session.base).netloc}, hosts  # nothing from a CDN or anywhere else
    assert not session.errors
    session.screenshot(f"api-docs-{path.strip('/')}")


def test_csv_export_neutralizes_leading_formula_characters(session):
    page = session.sign_in(user_of(TENANT), path=f"/app/{TENANT}/explore")
    page.wait_for_selector("#q-run")
    csv = page.evaluate(
        """async () => {
            const { toCsv } = await import("/static/app/js/csv.js");
            const columns = [{ name: "campaign_name" }, { name: "spend" }];
            const rows = [
                { campaign_name: "=HYPERLINK(\\"http://evil\\")", spend: -5 },
                { campaign_name: "+1+1", spend: 1.5 },
                { campaign_name: "-2", spend: 0 },
                { campaign_name: "@SUM(A1)", spend: 2 },
                { campaign_name: "Brand, UK", spend: 3 },
            ];
            return toCsv(columns, rows);
        }"""
    )
    lines = csv.split("\r\n")
    assert lines[0] == "campaign_name,spend"
    assert lines[1] == '"\'=HYPERLINK(""http://evil"")",-5'  # text prefixed with ', a negative number kept
    assert lines[2:6] == ["'+1+1,1.5", "'-2,0", "'@SUM(A1),2", '"Brand, UK",3']
