"""`/docs` (Swagger UI from the npm package `swagger-ui-dist`, served by this site) under a Content-Security-Policy.

FastAPI's own pages load unpinned JavaScript from a CDN with an inline script, on the app's origin (where the
session cookie lives). Here every script comes from `/static/...` (pinned in package-lock.json, allow-listed in
`assets.py`), no inline script runs, and the page may reach nothing but this origin. `/redoc` leads to `/docs`:
ReDoc's bundle always loads its vendor's logo from a CDN, which a page under this policy must not do.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from gata.web.routers.assets import app_url, vendor_url

router = APIRouter(include_in_schema=False)
# Swagger UI sets inline styles on its elements; nothing else is loosened
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {"Content-Security-Policy": DOCS_CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def _html(title: str, head: str, body: str) -> HTMLResponse:
    doc = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,">{head}</head><body>{body}</body></html>'
    )
    return HTMLResponse(doc, headers=HEADERS)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return _html(
        "GATA API",
        f'<link rel="stylesheet" href="{vendor_url("swagger-ui-dist/swagger-ui.css")}">'
        f'<link rel="stylesheet" href="{app_url("css/docs.css")}">',
        f'<div id="swagger-ui"></div><script src="{vendor_url("swagger-ui-dist/swagger-ui-bundle.js")}"></script>'
        f'<script src="{app_url("js/api-docs.js")}"></script>',
    )


@router.get("/docs/oauth2-redirect")
def swagger_oauth2_redirect() -> HTMLResponse:
    return _html("GATA API", "", f'<script src="{vendor_url("swagger-ui-dist/oauth2-redirect.js")}"></script>')


@router.get("/redoc")
def redoc() -> RedirectResponse:
    return RedirectResponse("/docs", status_code=307)
