"""Request limits enforced before any routing, parsing or authentication: a pure ASGI middleware.

A body whose Content-Length is over the limit is refused (413) without reading a byte of it; a body without
one is read only up to the limit. Headers over their limit get 431, JSON nested deeper than allowed 400. So
a client without a key cannot make the server read, buffer or parse more than `max_body_bytes`.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")  # every byte but the four brackets
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (strings left out); linear, no parsing."""
    structure = _STRING.sub(b"", body).translate(None, _BRACKETS)
    return max(accumulate(_STEP[b] for b in structure), default=0)


def refusal(detail: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """A refusal's headers and JSON body; the connection closes after it (the rest of the request is not read)."""
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        (b"connection", b"close"),
    ]
    return headers, body


async def refuse(send: Send, status: int, detail: str) -> None:
    headers, body = refusal(detail)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    def __init__(self, app: ASGIApp, max_body: int, max_headers: int, max_json_depth: int):
        self.app, self.max_body, self.max_headers, self.max_depth = app, max_body, max_headers, max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        size += sum(len(k) + len(v) + 4 for k, v in scope["headers"])
        if size > self.max_headers:
            return await refuse(send, 431, f"request line and headers over {self.max_headers} bytes")
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return await refuse(send, 400, "Content-Length is not a number")
            if int(declared) > self.max_body:
                return await refuse(send, 413, f"request body over {self.max_body} bytes")
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and declared is None:
            return await self.app(scope, receive, send)
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body:
                return await refuse(send, 413, f"request body over {self.max_body} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b"") and json_depth(body) > self.max_depth:
            return await refuse(send, 400, f"JSON body nested deeper than {self.max_depth} levels")
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
