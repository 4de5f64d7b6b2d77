"""Front-end libraries from npm, served from node_modules: only the files the pages import.

An allow-list instead of a static mount of node_modules, so nothing else installed there (package
metadata, source maps, other packages' files) is reachable over HTTP: single files by path, and a few
package directories whose ES modules import each other by relative path, filtered by extension.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from gata.web import WEB_DIR

router = APIRouter(prefix="/static/vendor", include_in_schema=False)
NODE_MODULES = WEB_DIR / "node_modules"
DUCKDB = "@duckdb/duckdb-wasm/dist"
VENDOR_FILES = frozenset(
    {
        "chart.js/dist/chart.js",
        "chart.js/dist/chunks/index.js",
        "@kurkle/color/dist/color.esm.js",
        # DuckDB-WASM: the ESM entry, and the `eh` (wasm exceptions) worker and module, which Chromium runs
        f"{DUCKDB}/duckdb-browser.mjs",
        f"{DUCKDB}/duckdb-browser-eh.worker.js",
        f"{DUCKDB}/duckdb-eh.wasm",
        "tslib/tslib.es6.mjs",
        # WebLLM: one self-contained ESM bundle (its runtime, tokenizer and grammar wasm inlined), imported lazily
        "@mlc-ai/web-llm/lib/index.js",
        # /docs (gata.web.routers.docs)
        "swagger-ui-dist/swagger-ui-bundle.js",
        "swagger-ui-dist/swagger-ui.css",
        "swagger-ui-dist/oauth2-redirect.js",
    }
)
# package directory -> the extension its browser modules have (Node-only modules left out by name)
VENDOR_DIRS = {
    "apache-arrow": (".mjs", ("bin/", "io/node/", "Arrow.node.mjs")),
    "flatbuffers/mjs": (".js", ()),
    "hyparquet/src": (".js", ("node.js",)),
}
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm"}
# a worker's policy comes with its script: DuckDB's worker may compile wasm but reach nothing but this origin
WORKER_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
# what the pages' import map resolves bare specifiers to
IMPORT_MAP = {
    "imports": {
        "chart.js": "/static/vendor/chart.js/dist/chart.js",
        "@kurkle/color": "/static/vendor/@kurkle/color/dist/color.esm.js",
        "@duckdb/duckdb-wasm": f"/static/vendor/{DUCKDB}/duckdb-browser.mjs",
        "apache-arrow": "/static/vendor/apache-arrow/Arrow.dom.mjs",
        "flatbuffers": "/static/vendor/flatbuffers/mjs/flatbuffers.js",
        "tslib": "/static/vendor/tslib/tslib.es6.mjs",
        "hyparquet": "/static/vendor/hyparquet/src/index.js",
        "@mlc-ai/web-llm": "/static/vendor/@mlc-ai/web-llm/lib/index.js",
    }
}


def allowed(path: str) -> bool:
    """Whether `path` (relative to node_modules) is one of the served files."""
    if path in VENDOR_FILES:
        return True
    parts = PurePosixPath(path).parts
    if not parts or any(p in ("", ".", "..") or p.startswith(".") for p in parts) or "\\" in path:
        return False
    for directory, (ext, excluded) in VENDOR_DIRS.items():
        prefix = directory + "/"
        if path.startswith(prefix) and path.endswith(ext):
            inner = path[len(prefix) :]
            return not any(inner == x or (x.endswith("/") and inner.startswith(x)) for x in excluded)
    return False


@router.get("/{path:path}")
def vendor_file(path: str) -> FileResponse:
    if not allowed(path):
        raise HTTPException(404, f"no vendor asset '{path}'")
    file = NODE_MODULES / path
    if not file.is_file():
        # the client asked for nothing wrong, and the server is not down: the file is just not there
        raise HTTPException(404, f"vendor asset '{path}' is not installed: run `make setup` (npm ci in src/gata/web)")
    suffix = PurePosixPath(path).suffix
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if path.endswith(".worker.js"):
        headers["Content-Security-Policy"] = WORKER_CSP
    return FileResponse(file, media_type=MEDIA_TYPES[suffix], headers=headers)
