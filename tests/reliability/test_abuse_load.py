"""Abuse under load: while 8 clients flood one tenant with the costliest queries the limits allow (each one new,
so no cache helps) and 4 clients without a key send oversized bodies, another tenant's latency stays within 3x
of its idle latency and the server's memory stays under a bound.

What holds it: bodies over the limit are refused by the HTTP protocol from their Content-Length before a byte
is read or any of the app runs, and the refused connection is held a second before it closes; a tenant
runs one query at a time and the rest of its flood waits at its own door (or gets 429); the query limits
bound what one query costs to compile and run, and the statement timeout what it may cost at most; a tenant
past most of its CPU burst compiles in the lowest-priority worker; the server's short GIL switch interval
hands the GIL to the other tenant's requests quickly.

The abusive clients are their own processes, niced (`tests/abuse_clients.py`): their CPU would be the
attackers' own, and sharing the measuring client's Python or the two cores at equal priority would measure
them, not the server. The victim's idle and flooded latencies are taken in turns (3 s held, 8 s of abuse, six
times), the abuse held until the server has answered all of it, so whatever else the machine runs weighs on both
alike. Before the refusals were paced (several hundred a second from the 4 clients, each through the whole
ASGI stack): idle machine 1.76-1.80x; beside the full suite flood alone 1.14x, oversized bodies alone 3.03x,
both 2.05x and 3.29x.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from conftest import LONG, Served, descendants, proc_stat, start_server

HELPER = str(Path(__file__).parents[1] / "abuse_clients.py")
# the idle and the flooded latency are taken in turns, several times: whatever else the machine runs meanwhile
# (the other test worker's dbt builds and browsers) weighs on both alike
CYCLES = 6 if LONG else 3
IDLE_SECONDS, FLOOD_SECONDS = 3, 8  # of each cycle; the flood's first second is not measured (it gets going)
FLOODERS, OVERSIZED = 8, 4
FLOODED, VICTIM = "tyrell_corp", "wayne_enterprises"
MAX_RATIO = 3.0
# the server's resident memory: snapshots of three 21-day tenants, caches and the flood's running queries;
# before the limits, two 4 MB queries took it from 646 MB to 2 GB
RSS_BOUND_MB = 1024
VICTIM_QUERY = {
    "model": "ad_performance",
    "dimensions": ["source_platform"],
    "measures": ["spend", "clicks"],
    "date_range": {"relative": "last_30_days"},
}


@dataclass
class Figures:
    idle: list[float] = field(default_factory=list)
    flooded: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    oversized: Counter = field(default_factory=Counter)
    oversized_ms: list[int] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    victim_errors: list[str] = field(default_factory=list)
    cpu: Counter = field(default_factory=Counter)  # the server's CPU-seconds (its threads, its compile workers)


def _cpu(pid: int) -> dict[str, float]:
    """CPU-seconds of the server's own process and of its descendants (the compile workers and their forkserver)."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(p: int) -> float:
        fields = proc_stat(p)
        return (int(fields[11]) + int(fields[12])) / tick if fields else 0.0

    return {"server": used(pid), "workers": sum(used(p) for p in descendants(pid))}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:"))


def _victim(base: str, key: str, seconds: float, out: list[float], errors: list[str]) -> None:
    """The other tenant's dashboard: its models and a chart's query, one after another."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for request in (
                lambda: c.get(f"/semantic-layer/{VICTIM}/models"),
                lambda: c.post(f"/semantic-layer/{VICTIM}/query", json=VICTIM_QUERY),
            ):
                started = time.perf_counter()
                r = request()
                out.append((time.perf_counter() - started) * 1000)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.text[:200]}")
            time.sleep(0.05)


class Abusers:
    """The abusive clients (`tests/abuse_clients.py`), each its own process, paused and let go together."""

    def __init__(self, base: str, flood_key: str):
        self.kinds = ["flood"] * FLOODERS + ["oversized"] * OVERSIZED
        self.procs = [
            subprocess.Popen(
                [sys.executable, HELPER, kind, base, flood_key if kind == "flood" else "", str(n)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n, kind in enumerate(self.kinds)
        ]
        self._held()  # set up: imported, documents read (their start-up is the attackers' CPU, not the server's)

    def _tell(self, command: str) -> None:
        for proc in self.procs:
            proc.stdin.write(command + "\n")
            proc.stdin.flush()

    def _held(self) -> None:
        for proc in self.procs:
            assert proc.stdout.readline().strip() == "paused"

    def go(self) -> None:
        self._tell("go")

    def pause(self) -> None:
        """Returns once every client's request in flight is answered: the server has none of the abuse left."""
        self._tell("pause")
        self._held()

    def stop(self, figures: Figures) -> None:
        for proc, kind in zip(self.procs, self.kinds, strict=True):
            out, _ = proc.communicate("stop\n", timeout=300)
            answers = json.loads(out.strip().splitlines()[-1])
            if kind == "flood":
                figures.statuses.update(answers)
            else:
                figures.oversized_ms.append(answers.pop("slowest_ms"))
                figures.oversized.update(answers)


def run_abuse(base: str, pid: int, flood_key: str, victim_key: str) -> Figures:
    """The victim's latency with the abuse held and under it, in turns, and the server's memory throughout."""
    figures = Figures()
    _victim(base, victim_key, 0.5, [], figures.victim_errors)  # warm: its first answers are not its idle ones
    abusers = Abusers(base, flood_key)
    stop = threading.Event()

    def memory() -> None:
        while not stop.is_set():
            figures.rss_mb.append(_rss_mb(pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=memory)
    sampler.start()
    try:
        for _ in range(CYCLES):
            before = _cpu(pid)
            _victim(base, victim_key, IDLE_SECONDS, figures.idle, figures.victim_errors)
            during = _cpu(pid)
            figures.cpu.update({f"idle {k}": during[k] - before[k] for k in before})
            abusers.go()
            time.sleep(1)  # the flood under way
            _victim(base, victim_key, FLOOD_SECONDS - 1, figures.flooded, figures.victim_errors)
            abusers.pause()
            after = _cpu(pid)
            figures.cpu.update({f"flood {k}": after[k] - during[k] for k in before})
    finally:
        abusers.stop(figures)
        stop.set()
        sampler.join()
    return figures


@pytest.fixture
def abused(served: Served) -> Iterator[tuple[subprocess.Popen, str]]:
    """A server of its own on the demo workspace: the flood leaves its tenant in CPU debt for a while, which the
    next tests of the shared server would pay with 429s."""
    proc, base = start_server(served.ws)
    yield proc, base
    proc.terminate()
    proc.wait(timeout=30)


def test_a_flooded_tenant_and_oversized_bodies_leave_another_tenant_its_latency(served: Served, abused):
    proc, base = abused
    # the server above its abusers' priority, as on any real server: a test importing tests/abuse_clients.py once
    # niced its whole test worker, and every server it started, to theirs
    nice = int(proc_stat(proc.pid)[16])
    assert nice < 19, f"the server runs at nice {nice}, as low as its abusive clients"
    figures = run_abuse(base, proc.pid, served.keys[FLOODED], served.keys[VICTIM])
    idle, flooded = p95(figures.idle), p95(figures.flooded)
    ratio = flooded / idle
    print(
        f"\nabuse load: victim p95 idle {idle:.1f} ms, flooded {flooded:.1f} ms, ratio {ratio:.2f} "
        f"({len(figures.idle)} / {len(figures.flooded)} requests); flood answers {dict(figures.statuses)}; "
        f"oversized answers {dict(figures.oversized)} (slowest {max(figures.oversized_ms, default=0)} ms); "
        f"server RSS max {max(figures.rss_mb):.0f} MB (bound {RSS_BOUND_MB} MB); server CPU-seconds "
        f"{ {k: round(v, 1) for k, v in figures.cpu.items()} }"
    )
    assert not figures.victim_errors, figures.victim_errors[:5]
    assert figures.statuses["200"] > 0, "the flood's queries are answered, a few at a time"
    assert set(figures.statuses) <= {"200", "429", "503"}, figures.statuses
    assert set(figures.oversized) <= {"413", "RemoteProtocolError", "WriteError"}, figures.oversized
    assert figures.oversized["413"] > 0
    assert ratio <= MAX_RATIO, f"victim p95 {flooded:.1f} ms is {ratio:.2f}x its idle {idle:.1f} ms"
    assert max(figures.rss_mb) < RSS_BOUND_MB
