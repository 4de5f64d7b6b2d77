"""Rendering pages: Jinja2 templates with a strict Content-Security-Policy.

Only our own scripts run: the one inline script, the import map that resolves `chart.js`, is allowed by its
SHA-256 hash, so an injected inline script or a script from elsewhere is refused by the browser. Only the
in-browser tier's page may also compile WebAssembly (`WASM_CSP`), and only its opted-in model variant may reach
the origins WebLLM downloads the model from (`WEBLLM_CSP`).
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
_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'sha256-{hash}'{extra}; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self'{connect}; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
CSP = _POLICY.format(hash=_IMPORT_MAP_HASH, extra="", connect="")
# the in-browser tier compiles DuckDB's WebAssembly and runs its worker (both from 'self'); no other page may
WASM_CSP = _POLICY.format(hash=_IMPORT_MAP_HASH, extra=" 'wasm-unsafe-eval'", connect="") + "; worker-src 'self'"
# WebLLM's prebuilt config: weights from huggingface.co (which redirects file downloads to its CDN hosts, the
# list WebLLM's own extension example allows) and the compiled model library from raw.githubusercontent.com
WEBLLM_ORIGINS = (
    "https://huggingface.co",
    "https://cdn-lfs.huggingface.co",
    "https://cdn-lfs-us-1.huggingface.co",
    "https://cdn-lfs-us-1.hf.co",
    "https://cas-bridge.xethub.hf.co",
    "https://raw.githubusercontent.com",
)
# only `?model=webllm`, which the user opens by opting in; the default page keeps every request on this origin
WEBLLM_CSP = (
    _POLICY.format(hash=_IMPORT_MAP_HASH, extra=" 'wasm-unsafe-eval'", connect=" " + " ".join(WEBLLM_ORIGINS))
    + "; worker-src 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page(request: Request, template: str, status_code: int = 200, csp: str = CSP, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {"import_map": _IMPORT_MAP, **context},
        status_code=status_code,
        headers={**HEADERS, "Content-Security-Policy": csp},
    )
