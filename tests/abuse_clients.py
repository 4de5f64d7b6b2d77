"""The abusive clients of reliability/test_abuse_load.py, run as their own processes (so their work does not slow the
measuring client's own Python): `python abuse_clients.py flood|oversized BASE KEY SEED`.

Driven over stdin, one command a line: `go` starts the abuse, `pause` holds it and `stop` ends it. A client
prints "paused" once set up (imported, the flood's model documents read) and after each `pause` once its
request in flight has been answered, so the server has none of its work left; after `stop` it prints one line
of JSON: the count of each answer."""

from __future__ import annotations

import os

# the clients would run on the attackers' machines: here they share the server's two cores, so they take only
# the CPU nobody else wants (the server's work for them is what is measured, not theirs), their imports included.
# Only when run as a client: a test importing `costliest_query` would otherwise nice its whole test worker (and
# every server it starts), as it did until 2026-12-04, flattening the priorities the abuse test relies on.
if __name__ == "__main__":
    os.nice(19)

import json  # noqa: E402
import random  # noqa: E402
import string  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402

import httpx  # noqa: E402

from gata.semantic.compiler import MAX_RESULT_CELLS  # noqa: E402

FLOODED = "tyrell_corp"
FLOODED_MODELS = ("events", "sessions", "orders")


def costliest_query(doc: dict, rnd: random.Random) -> dict:
    """As much as one query may hold (gata.semantic's limits): 20 dimensions, every measure, 30 conditions with
    500 values, ten years compared with the ten before, as many rows as the result may hold; values random, so
    never cached."""
    dims = [d["name"] for d in doc["dimensions"] if not d["is_time"]]
    dims += [d for j in doc["joins"] for d in j["dimensions"]]
    text = [d["name"] for d in doc["dimensions"] if d["format"] == "text"]

    def word(n: int) -> str:
        return "".join(rnd.choices(string.ascii_letters, k=n))

    filters: list[dict] = [
        {"field": rnd.choice(text), "op": "not_in", "value": [word(12) for _ in range(95)]} for _ in range(5)
    ]
    filters.append({"or": [{"field": rnd.choice(text), "op": "ne", "value": word(20)} for _ in range(25)]})
    measures = [m["name"] for m in doc["measures"]][:30]
    columns = len(dims[:20]) + 4 * len(measures)  # each measure with its previous, delta and change
    return {
        "model": doc["name"],
        "dimensions": dims[:20],
        "measures": measures,
        "filters": filters,
        "date_range": {"relative": "last_3660_days"},
        "compare": "previous_period",
        "limit": min(10_000, MAX_RESULT_CELLS // columns),
    }


class Control:
    """The test's commands, read from stdin by a thread of their own."""

    def __init__(self) -> None:
        self.mode = "pause"
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            self._set(line.strip())
        self._set("stop")

    def _set(self, mode: str) -> None:
        with self.cond:
            self.mode = mode
            self.cond.notify_all()

    def run(self, one_request: Callable[[], None]) -> None:
        """`one_request` again and again while the test says go; "paused" each time it holds."""
        while True:
            with self.cond:
                if self.mode == "pause":
                    print("paused", flush=True)
                    self.cond.wait_for(lambda: self.mode != "pause")
                if self.mode == "stop":
                    return
            one_request()

    def sleep(self, seconds: float) -> None:
        """A wait a `pause` or `stop` cuts short."""
        with self.cond:
            self.cond.wait_for(lambda: self.mode != "go", timeout=seconds)


def flood(base: str, key: str, control: Control, rnd: random.Random) -> Counter:
    answers: Counter = Counter()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as c:
        docs = [c.get(f"/semantic-layer/{FLOODED}/models/{m}").json() for m in FLOODED_MODELS]

        def one_request() -> None:
            r = c.post(f"/semantic-layer/{FLOODED}/query", json=costliest_query(rnd.choice(docs), rnd))
            answers[r.status_code] += 1
            if r.status_code == 400:
                answers[r.text[:200]] += 1
            if r.status_code == 429:
                control.sleep(float(r.headers.get("retry-after", "1")))

        control.run(one_request)
    return answers


def oversized(base: str, control: Control) -> Counter:
    """20 MB bodies without a key, one after another."""
    answers: Counter = Counter()
    body = b'{"model": "' + b"x" * 20_000_000 + b'"}'
    slowest = 0.0
    with httpx.Client(base_url=base, timeout=60) as c:

        def one_request() -> None:
            nonlocal slowest
            started = time.perf_counter()
            try:
                answers[c.post(f"/semantic-layer/{FLOODED}/query", content=body).status_code] += 1
            except httpx.HTTPError as exc:  # the server may close the connection once it has answered
                answers[type(exc).__name__] += 1
            slowest = max(slowest, time.perf_counter() - started)

        control.run(one_request)
    answers["slowest_ms"] = int(slowest * 1000)
    return answers


if __name__ == "__main__":
    kind, base, key, seed = sys.argv[1:5]
    control = Control()
    found = flood(base, key, control, random.Random(int(seed))) if kind == "flood" else oversized(base, control)
    print(json.dumps({str(k): v for k, v in found.items()}), flush=True)
