"""Gzip for the API's answers (JSON, Arrow exports), leaving `/static` to `gata.web.static_assets`.

Starlette's GZipMiddleware compresses a streamed answer chunk by chunk, each flushed, so an Arrow export still
arrives batch by batch. Static files are compressed once ahead of time and carry their own `Vary`, which the
middleware would repeat on answers it leaves alone.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class ApiGZip:
    def __init__(self, app: ASGIApp, minimum_size: int = 1024, compresslevel: int = 6) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
