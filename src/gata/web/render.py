"""Rendering pages: Jinja2 templates with a strict Content-Security-Policy.

Only our own scripts run: the one inline script, the import map that resolves `chart.js`, is allowed by its
SHA-256 hash, so an injected inline script or a script from elsewhere is refused by the browser.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from gata.web import WEB_DIR
from gata.web.routers.assets import IMPORT_MAP

templates = Jinja2Templates(directory=WEB_DIR / "templates")
_IMPORT_MAP = json.dumps(IMPORT_MAP, indent=2)
_IMPORT_MAP_HASH = base64.b64encode(hashlib.sha256(_IMPORT_MAP.encode()).digest()).decode()
CSP = (
    "default-src 'self'; "
    f"script-src 'self' 'sha256-{_IMPORT_MAP_HASH}'; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {"import_map": _IMPORT_MAP, **context},
        status_code=status_code,
        headers=HEADERS,
    )
