"""Front-end libraries from npm, served from node_modules: only the files the pages import.

An allow-list instead of a static mount of node_modules, so nothing else installed there (package
metadata, source maps, other packages' files) is reachable over HTTP.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from gata.web import WEB_DIR

router = APIRouter(prefix="/static/vendor", include_in_schema=False)
NODE_MODULES = WEB_DIR / "node_modules"
VENDOR_FILES = frozenset(
    {
        "chart.js/dist/chart.js",
        "chart.js/dist/chunks/index.js",
        "@kurkle/color/dist/color.esm.js",
    }
)
# what the pages' import map resolves bare specifiers to
IMPORT_MAP = {
    "imports": {
        "chart.js": "/static/vendor/chart.js/dist/chart.js",
        "@kurkle/color": "/static/vendor/@kurkle/color/dist/color.esm.js",
    }
}


@router.get("/{path:path}")
def vendor_file(path: str) -> FileResponse:
    if path not in VENDOR_FILES:
        raise HTTPException(404, f"no vendor asset '{path}'")
    file = NODE_MODULES / path
    if not file.is_file():
        raise HTTPException(503, "front-end assets are not installed: run `make setup` (npm ci in src/gata/web)")
    return FileResponse(file, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})
