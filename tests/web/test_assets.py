"""Static files on a slow link: compressed as the client accepts (brotli, gzip, or not at all) with the same bytes
once decoded, cached for a year under URLs carrying their content's digest (a changed file gets a new URL), pages
that name no file without its digest, and the in-browser page showing DuckDB's download as it arrives."""

from __future__ import annotations

import gzip
import json
import re
from urllib.parse import urlsplit

import brotli
import httpx
import pytest
import web_fixtures
from fastapi.testclient import TestClient
from web_fixtures import user_of

from gata.api.app import create_app
from gata.settings import Settings
from gata.web.routers import assets
from gata.web.static_assets import IMMUTABLE
from gata.workspace import Workspace

web, browser = web_fixtures.web, web_fixtures.browser
session = web_fixtures.session

TENANT = "tyrell_corp"
WASM = "/static/vendor/@duckdb/duckdb-wasm/dist/duckdb-eh.wasm"
FILES = ["/static/vendor/bundle/chart.js", "/static/app/js/api.js", "/static/app/css/app.css", WASM]
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda b: b}


def raw(client: httpx.Client, url: str, accept: str, **headers: str) -> httpx.Response:
    """The response as sent (httpx would decode it): its body is `content` read raw."""
    with client.stream("GET", url, headers={"Accept-Encoding": accept, **headers}) as r:
        r._content = b"".join(r.iter_raw())
    return r


def import_map(html: str) -> dict[str, str]:
    return json.loads(re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1))["imports"]


@pytest.mark.parametrize("url", FILES)
def test_each_encoding_is_negotiated_and_decodes_to_the_same_bytes(web, url):
    with httpx.Client(base_url=web.base, timeout=60) as client:
        answers = {
            "br": raw(client, url, "gzip, deflate, br"),
            "gzip": raw(client, url, "gzip;q=1, br;q=0"),
            None: raw(client, url, "identity"),
        }
        assert raw(client, url, "").headers.get("content-encoding") is None
    plain = answers[None].content
    assert len(plain) > 1000
    for encoding, r in answers.items():
        assert r.status_code == 200
        assert r.headers.get("content-encoding") == encoding
        assert r.headers["vary"] == "Accept-Encoding"
        assert int(r.headers["content-length"]) == len(r.content)
        assert DECODE[encoding](r.content) == plain
    assert len(answers["br"].content) < len(answers["gzip"].content) < len(plain) / 2
    # one ETag per representation, and a matching If-None-Match is answered without a body
    assert len({r.headers["etag"] for r in answers.values()}) == 3
    with httpx.Client(base_url=web.base) as client:
        again = raw(client, url, "br", **{"If-None-Match": answers["br"].headers["etag"]})
        other = raw(client, url, "br", **{"If-None-Match": answers[None].headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert other.status_code == 200


def test_hashed_urls_are_cached_for_a_year_and_others_revalidate(web):
    with httpx.Client(base_url=web.base) as client:
        urls = import_map(client.get("/login").text)
        hashed = urls["chart.js"]
        assert re.fullmatch(r"/static/vendor/bundle/chart\.js\?v=[0-9a-f]{12}", hashed)
        assert client.get(hashed).headers["cache-control"] == IMMUTABLE
        for stale in ("/static/vendor/bundle/chart.js", "/static/vendor/bundle/chart.js?v=000000000000"):
            r = client.get(stale)
            assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
        app_module = urls["/static/app/js/api.js"]
        assert app_module.startswith("/static/app/js/api.js?v=")
        assert client.get(app_module).headers["cache-control"] == IMMUTABLE


def test_a_changed_file_gets_a_new_url(tmp_path, monkeypatch):
    """A page names our modules by digest: changing a file changes its URL in the import map; the old URL
    still answers, with the new file and no year-long cache."""
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    module = static / "js" / "probe.js"
    monkeypatch.setattr(assets, "STATIC_DIR", static)
    with TestClient(create_app(Workspace.resolve(tmp_path / "ws"), Settings())) as client:
        module.write_text("export const probe = 1;\n")
        first = import_map(client.get("/login").text)["/static/app/js/probe.js"]
        before = client.get(first)
        assert before.headers["cache-control"] == IMMUTABLE
        module.write_text("export const probe = 'changed';\n")
        second = import_map(client.get("/login").text)["/static/app/js/probe.js"]
        assert second != first and second.startswith("/static/app/js/probe.js?v=")
        old = client.get(first)
        assert old.text == "export const probe = 'changed';\n" and old.headers["cache-control"] == "no-cache"
        new = client.get(second)
        assert new.headers["cache-control"] == IMMUTABLE
        assert new.headers["etag"] == old.headers["etag"] != before.headers["etag"]


def test_docs_page_names_only_hashed_urls(web):
    with httpx.Client(base_url=web.base) as client:
        html = client.get("/docs").text
        urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        assert len(urls) == 4  # Swagger UI css + js, our docs.css and api-docs.js
        for url in urls:
            assert re.search(r"\?v=[0-9a-f]{12}$", url), url
            assert client.get(url).headers["cache-control"] == IMMUTABLE


def test_pages_load_only_hashed_immutable_assets(session, web):
    """Every file the browser fetches for the dashboard, the explorer and health (modules imported by relative
    path included, through the import map) carries its digest and is cached for a year."""
    fetched: dict[str, str] = {}
    session.page.on("response", lambda r: fetched.__setitem__(r.url, r.headers.get("cache-control", "")))
    page = session.sign_in(user_of(TENANT), path=f"/app/{TENANT}")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    for path, ready in (("explore", '#explorer[data-state="idle"]'), ("health", '#health[data-state="ready"]')):
        page.goto(f"/app/{TENANT}/{path}")
        page.wait_for_selector(ready)
    static = {u: c for u, c in fetched.items() if urlsplit(u).path.startswith("/static/")}
    paths = {urlsplit(u).path for u in static}
    assert {"/static/vendor/bundle/chart.js", "/static/app/js/api.js", "/static/app/css/app.css"} <= paths
    for url, cache in static.items():
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        assert cache == IMMUTABLE, url


def test_in_browser_page_shows_the_wasm_download_as_it_arrives(session, web):
    """On a slowed link the page says how much of DuckDB's wasm has arrived, of its whole size, until it is
    ready; the wasm comes compressed."""
    page = session.page
    # what the status line and the bar said, recorded as they change (no waiting on wall-clock time)
    page.add_init_script(
        """window.__seen = [];
        new MutationObserver(() => {
          const bar = document.getElementById("wasm-progress"), status = document.getElementById("load-status");
          if (bar && status) window.__seen.push({text: status.textContent, value: bar.value, max: bar.max,
                                                 hidden: bar.hidden});
        }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});"""
    )
    wasm = []
    session.context.on("response", lambda r: wasm.append(r) if urlsplit(r.url).path == WASM else None)
    page = session.sign_in(user_of(TENANT), path=f"/app/{TENANT}")
    cdp = session.context.new_cdp_session(page)
    cdp.send("Network.enable")
    # 8 MB/s: the compressed wasm (about 5 MB) takes most of a second, long enough to be seen arriving
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": 8_000_000, "uploadThroughput": 8_000_000},
    )
    page.goto(f"/app/{TENANT}/local")
    page.wait_for_selector('#local[data-state="ready"]', timeout=60_000)
    seen = page.evaluate("window.__seen")
    size = int(page.get_attribute("#wasm-progress", "data-bytes"))
    assert size > 30_000_000
    downloading = [s for s in seen if s["text"].startswith("Downloading DuckDB-WASM")]
    assert len(downloading) >= 2, seen[-5:]
    total = f"of {size / 1e6:.1f} MB"
    assert all(total in s["text"] and not s["hidden"] and s["max"] == size for s in downloading)
    values = [s["value"] for s in downloading]
    assert values == sorted(values) and 0 < values[0] < values[-1] <= size
    assert page.is_hidden("#wasm-progress")
    assert "ready" in page.inner_text("#load-status")
    assert wasm and wasm[0].headers.get("content-encoding") == "br"
    assert re.search(r"\?v=[0-9a-f]{12}$", wasm[0].url)


def test_api_answers_are_gzipped_and_the_arrow_export_still_streams(web):
    """JSON answers and the streamed Arrow export come gzipped to a client that accepts it, with the same
    content once decoded."""
    import pyarrow as pa

    body = {"model": "orders", "dimensions": ["order_date"], "measures": ["revenue", "orders"]}
    url = f"/semantic-layer/{TENANT}/tables/orders.arrow"
    with web.client(TENANT) as client:
        zipped = raw(client, url, "gzip")
        plain = raw(client, url, "identity")
        query = client.post(f"/semantic-layer/{TENANT}/query", json=body, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert len(zipped.content) < len(plain.content) / 2
    table = pa.ipc.open_stream(gzip.decompress(zipped.content)).read_all()
    assert table.equals(pa.ipc.open_stream(plain.content).read_all()) and table.num_rows > 100
    assert query.status_code == 200 and query.headers["content-encoding"] == "gzip" and query.json()["rows"]


def test_wizard_connector_icons_are_hashed(web):
    with web.client("admin") as client:
        catalog = client.get("/onboarding/catalog").json()
        icons = [c["icon"] for d in catalog["domains"] for c in d["connectors"]]
        assert len(icons) == 13
        for icon in icons:
            assert re.fullmatch(r"/static/app/img/connectors/[a-z0-9_]+\.svg\?v=[0-9a-f]{12}", icon), icon
        svg = client.get(icons[0])
        assert svg.headers["content-type"] == "image/svg+xml" and svg.headers["cache-control"] == IMMUTABLE
