"""Rendering pages: Jinja2 templates with a strict Content-Security-Policy.

Only our own scripts run: the one inline script, the import map that resolves `chart.js` and our modules'
hashed URLs, is allowed by its SHA-256 hash, so an injected inline script or a script from elsewhere is refused
by the browser. Only the in-browser tier's page may also compile WebAssembly (policy "wasm"), and only its
opted-in model variant may reach the origins WebLLM downloads the model from ("webllm").
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from gata.web import WEB_DIR
from gata.web.routers.assets import app_url, import_map, vendor_url

templates = Jinja2Templates(directory=WEB_DIR / "templates")
# templates name our files by path; the URL they get carries the file's digest (gata.web.static_assets)
templates.env.globals["asset"] = app_url
templates.env.globals["vendor"] = vendor_url
_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'sha256-{hash}'{extra}; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self'{connect}; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
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


@functools.lru_cache(maxsize=4)
def _policies(import_map_json: str) -> dict[str, str]:
    """The page policies for one import map (its hash changes with every asset digest it names)."""
    digest = base64.b64encode(hashlib.sha256(import_map_json.encode()).digest()).decode()
    return {
        "strict": _POLICY.format(hash=digest, extra="", connect=""),
        # the in-browser tier compiles DuckDB's WebAssembly and runs its worker (both from 'self'); no other page may
        "wasm": _POLICY.format(hash=digest, extra=" 'wasm-unsafe-eval'", connect="") + "; worker-src 'self'",
        # only `?model=webllm`, which the user opens by opting in; the default page keeps every request on this origin
        "webllm": _POLICY.format(hash=digest, extra=" 'wasm-unsafe-eval'", connect=" " + " ".join(WEBLLM_ORIGINS))
        + "; worker-src 'self'",
    }


HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page(request: Request, template: str, status_code: int = 200, csp: str = "strict", **context: Any) -> HTMLResponse:
    """`template` rendered under the policy named `csp` ("strict", "wasm" for the in-browser tier, "webllm")."""
    imports = json.dumps(import_map(), indent=2)
    return templates.TemplateResponse(
        request,
        template,
        {"import_map": imports, **context},
        status_code=status_code,
        headers={**HEADERS, "Content-Security-Policy": _policies(imports)[csp]},
    )
