"""Front-end files: our own (`/static/app`, from src/gata/web/static) and the libraries from npm (`/static/vendor`).

The vendor side is an allow-list instead of a static mount of node_modules, so nothing else installed there
(package metadata, source maps, other packages' files) is reachable over HTTP. Libraries whose npm build is
many modules or unminified are served as the one minified module `make setup` bundles each into
build/vendor (src/gata/web/build.mjs); the others as npm ships them. Both sides are answered by
`gata.web.static_assets`: compressed, under content-hashed URLs that pages get from `app_url`/`vendor_url`
and the import map.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from fastapi import APIRouter, HTTPException, Request, Response

from gata.web import STATIC_DIR, WEB_DIR
from gata.web.static_assets import Assets

router = APIRouter(include_in_schema=False)
NODE_MODULES = WEB_DIR / "node_modules"
BUILD_DIR = WEB_DIR / "build" / "vendor"
DUCKDB = "@duckdb/duckdb-wasm/dist"
# URL path under /static/vendor -> the file: ("build", name) is made by `make setup`, ("npm", path) is npm's own
VENDOR_FILES = {
    # Chart.js with @kurkle/color; apache-arrow's browser build with flatbuffers and tslib; hyparquet
    "bundle/chart.js": ("build", "chart.js"),
    "bundle/apache-arrow.js": ("build", "apache-arrow.js"),
    "bundle/hyparquet.js": ("build", "hyparquet.js"),
    # DuckDB-WASM: the ESM entry, and the `eh` (wasm exceptions) worker and module, which Chromium runs
    **{
        f"{DUCKDB}/{name}": ("npm", f"{DUCKDB}/{name}")
        for name in ("duckdb-browser.mjs", "duckdb-browser-eh.worker.js", "duckdb-eh.wasm")
    },
    # WebLLM: one self-contained ESM bundle (its runtime, tokenizer and grammar wasm inlined), imported lazily
    "@mlc-ai/web-llm/lib/index.js": ("npm", "@mlc-ai/web-llm/lib/index.js"),
    # /docs (gata.web.routers.docs)
    **{
        f"swagger-ui-dist/{name}": ("npm", f"swagger-ui-dist/{name}")
        for name in ("swagger-ui-bundle.js", "swagger-ui.css", "oauth2-redirect.js")
    },
}
# a worker's policy comes with its script: DuckDB's worker may compile wasm but reach nothing but this origin
WORKER_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
# what the pages' import map resolves bare specifiers to (vendor URL paths); our own modules are added by URL
IMPORTS = {
    "chart.js": "bundle/chart.js",
    "@duckdb/duckdb-wasm": f"{DUCKDB}/duckdb-browser.mjs",
    # the worker and the wasm are no imports: localdb.js finds their URLs with import.meta.resolve
    "@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js": f"{DUCKDB}/duckdb-browser-eh.worker.js",
    "@duckdb/duckdb-wasm/dist/duckdb-eh.wasm": f"{DUCKDB}/duckdb-eh.wasm",
    "apache-arrow": "bundle/apache-arrow.js",
    "hyparquet": "bundle/hyparquet.js",
    "@mlc-ai/web-llm": "@mlc-ai/web-llm/lib/index.js",
}
APP = Assets("/static/app")
VENDOR = Assets("/static/vendor")


def allowed(path: str) -> bool:
    """Whether `path` (under /static/vendor) is one of the served files."""
    return path in VENDOR_FILES


def vendor_path(path: str) -> Path:
    where, name = VENDOR_FILES[path]
    return (BUILD_DIR if where == "build" else NODE_MODULES) / name


def app_path(path: str) -> Path | None:
    """The file under STATIC_DIR that `path` names, or None (nothing outside it, no hidden files)."""
    parts = PurePosixPath(path).parts
    if not parts or any(p in ("", ".", "..") or p.startswith(".") for p in parts) or "\\" in path:
        return None
    file = STATIC_DIR.joinpath(*parts)
    return file if file.is_file() else None


def vendor_url(path: str) -> str:
    return VENDOR.url(path, vendor_path(path))


def app_url(path: str) -> str:
    return APP.url(path, STATIC_DIR / path)


def versioned(url: str) -> str:
    """`url` (a plain /static/app URL) with its file's digest."""
    return app_url(url.removeprefix(f"{APP.prefix}/"))


def import_map() -> dict:
    """The import map every page carries: bare specifiers to vendor URLs, and each of our modules' plain URL
    (what a relative import resolves to) to its hashed one, all with their current digests."""
    imports = {name: vendor_url(path) for name, path in IMPORTS.items()}
    for module in sorted((STATIC_DIR / "js").glob("*.js")):
        name = f"js/{module.name}"
        imports[f"{APP.prefix}/{name}"] = app_url(name)
    return {"imports": imports}


def wasm_size() -> int:
    """DuckDB's wasm as the page receives it decoded (its progress bar's total; 0 if not installed)."""
    try:
        return vendor_path(f"{DUCKDB}/duckdb-eh.wasm").stat().st_size
    except OSError:
        return 0


def served_files() -> list[Path]:
    """Every file these routes serve (for the setup step's compression)."""
    return [vendor_path(p) for p in VENDOR_FILES] + sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())


@router.get("/static/vendor/{path:path}")
def vendor_file(request: Request, path: str) -> Response:
    if not allowed(path):
        raise HTTPException(404, f"no vendor asset '{path}'")
    file = vendor_path(path)
    if not file.is_file():
        # the client asked for nothing wrong, and the server is not down: the file is just not there
        raise HTTPException(404, f"vendor asset '{path}' is not installed: run `make setup` (npm ci in src/gata/web)")
    headers = {"Content-Security-Policy": WORKER_CSP} if path.endswith(".worker.js") else None
    return VENDOR.response(request, file, headers)


@router.get("/static/app/{path:path}")
def app_file(request: Request, path: str) -> Response:
    file = app_path(path)
    if file is None:
        raise HTTPException(404, f"no file '{path}'")
    return APP.response(request, file)


if __name__ == "__main__":
    # `make setup`: every file the service serves, compressed at the best settings once
    from gata.web.static_assets import CACHE_DIR, precompress

    print(f"compressed {precompress(served_files())} files into {CACHE_DIR}")
