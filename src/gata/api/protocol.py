"""Bodies declared over the limit refused by the HTTP protocol itself, before any ASGI work, and paced.

`RequestLimits` refuses them too, but only once uvicorn has built the request's scope, started a task for it
and run it through the middleware stack, and then writes an access-log line: about 0.35 ms of the event
loop's time per refusal, against 0.22 ms here. Here the refusal is a canned answer written as soon as the
headers are parsed: no scope, no task, no log line per request (one summary a minute instead, so a flood
cannot fill the log either). The connection is then held, unread, for a second before it closes: a client
sending oversized bodies one after another reconnected several hundred times a second, and each round costs
the loop that answers every tenant (and the kernel the copies of the body's first megabytes); held, it gets
one refusal a second per connection. The middleware stays for bodies sent without a Content-Length and for
any other server the app runs under."""

from __future__ import annotations

import logging
import time

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gata.api.limits import refusal

log = logging.getLogger("uvicorn.error")
SUMMARY_SECONDS = 60.0
# how long a refused connection is held, answered but unread, before it closes: a client that sends oversized
# bodies one after another gets at most one refusal a second per connection instead of hundreds
HOLD_SECONDS = 1.0


class _Refusals:
    """How many bodies were refused since the last summary, and from where the latest came."""

    def __init__(self) -> None:
        self.count, self.last_logged, self.client = 0, -SUMMARY_SECONDS, ""

    def add(self, client: tuple[str, int] | None, max_body: int) -> None:
        self.count += 1
        self.client = client[0] if client else "?"
        now = time.monotonic()
        if now - self.last_logged >= SUMMARY_SECONDS:  # the first at once, then one a minute
            log.warning(
                "refused %d request bodies over %d bytes since the last summary (latest from %s)",
                self.count,
                max_body,
                self.client,
            )
            self.count, self.last_logged = 0, now


class BodyLimitedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol answering 413 from the headers when Content-Length is over `max_body`."""

    max_body: int
    answer: bytes
    refusals: _Refusals

    def on_message_begin(self) -> None:
        self.refused = False
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        declared = next((v for k, v in reversed(self.headers) if k == b"content-length"), None)
        idle = self.cycle is None or self.cycle.response_complete  # nothing of this connection's in flight
        if idle and declared is not None and declared.isdigit() and int(declared) > self.max_body:
            self.refused = True
            self.refusals.add(self.client, self.max_body)
            self.transport.write(self.answer)  # at once: a client reading while it sends sees it now
            self.flow.pause_reading()  # the body is never read
            self.loop.call_later(HOLD_SECONDS, self.transport.close)
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.refused:
            super().on_message_complete()


def body_limited_protocol(max_body: int) -> type[BodyLimitedProtocol]:
    """The protocol class for `uvicorn.run(http=...)`, answering as `RequestLimits` would."""
    headers, body = refusal(f"request body over {max_body} bytes")
    head = b"".join(k + b": " + v + b"\r\n" for k, v in headers)
    answer = b"HTTP/1.1 413 Content Too Large\r\n" + head + b"\r\n" + body
    return type(
        "BodyLimitedProtocol",
        (BodyLimitedProtocol,),
        {"max_body": max_body, "answer": answer, "refusals": _Refusals()},
    )
