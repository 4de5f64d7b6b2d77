"""Response hygiene for every route, as a pure ASGI middleware.

- HEAD is answered wherever GET is (FastAPI routes declare GET only): run as GET, body dropped.
- API JSON is never cached or sniffed (`Cache-Control: no-store`, `X-Content-Type-Options: nosniff`).
- HSTS when the request came over https (directly, or from a configured proxy).
- A redirect's Location is always a path on this site: Starlette builds trailing-slash redirects from the
  Host header, which a client chooses, so an absolute Location would point wherever the client said.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=31536000"


def _relative(location: bytes) -> bytes:
    parts = urlsplit(location.decode("latin-1"))
    path = (
        parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/" + parts.path.lstrip("/")
    )
    return urlunsplit(("", "", path, parts.query, parts.fragment)).encode("latin-1")


class ResponseHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        head = scope["method"] == "HEAD"
        https = scope.get("scheme") == "https"

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if kind.startswith(b"application/json") and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", HSTS))
                if 300 <= message["status"] < 400:
                    headers = [(k, _relative(v) if k.lower() == b"location" else v) for k, v in headers]
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"} if head else scope, receive, send_wrapper)
