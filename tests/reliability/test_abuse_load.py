"""Abuse under load: while 8 clients flood one tenant with the costliest queries the limits allow (each one new,
so no cache helps) and 4 clients without a key send oversized bodies, another tenant's latency stays within 3x
of its idle latency and the server's memory stays under a bound.

What holds it: bodies over the limit are refused from their Content-Length before a byte is read; a tenant
runs one query at a time and the rest of its flood waits at its own door (or gets 429); the query limits
bound what one query costs to compile and run, and the statement timeout what it may cost at most; the server's
short GIL switch interval hands the GIL to the other tenant's requests quickly.

The abusive clients are their own processes, niced (`tests/abuse_clients.py`): their CPU would be the
attackers' own, and sharing the measuring client's Python or the two cores at equal priority would measure
them, not the server. The victim's idle latency is measured before and after the flood (together), and the
flood from the moment every abusive client is set up (their imports are the attackers' CPU, not the
server's). Idle machine, 20 s: victim p95 4.1-4.5 ms idle, 5.7-7.8 ms flooded (1.4-1.7x); server RSS at most
418 MB. It runs in `make reliability` (GATA_RELIABILITY=long, 60 s of flood), not in `make test`: inside the
full suite, the other worker's tests on the other core, it measured 10.4 ms idle and 98.0 ms flooded (9.4x)
on 2026-12-04.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from conftest import LONG, Served

HELPER = str(Path(__file__).parents[1] / "abuse_clients.py")
pytestmark = pytest.mark.skipif(not LONG, reason="the abuse load test runs in `make reliability`")
FLOOD_SECONDS = 60 if LONG else 20
IDLE_SECONDS = 4  # before the flood, and again after it
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


def run_abuse(base: str, pid: int, flood_key: str, victim_key: str, flood_seconds: float = FLOOD_SECONDS) -> Figures:
    """Idle latency of the victim, the abusers (own processes) and the victim's latency under them, then its idle
    latency again."""
    figures = Figures()
    _victim(base, victim_key, IDLE_SECONDS, figures.idle, figures.victim_errors)
    seconds = str(flood_seconds + 1)
    abusers = [[HELPER, "flood", base, flood_key, seconds, str(n)] for n in range(FLOODERS)]
    abusers += [[HELPER, "oversized", base, "", seconds, "0"] for _ in range(OVERSIZED)]
    procs = [subprocess.Popen([sys.executable, *a], stdout=subprocess.PIPE, text=True) for a in abusers]
    for proc in procs:  # the abuse starts once every client is set up (their start-up is not the server's)
        assert proc.stdout.readline().strip() == "ready"
    stop = threading.Event()

    def memory() -> None:
        while not stop.is_set():
            figures.rss_mb.append(_rss_mb(pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=memory)
    sampler.start()
    time.sleep(1)  # the flood under way
    _victim(base, victim_key, flood_seconds - 1, figures.flooded, figures.victim_errors)
    for proc, args in zip(procs, abusers, strict=True):
        out, _ = proc.communicate(timeout=300)
        answers = json.loads(out.strip().splitlines()[-1])
        if args[1] == "flood":
            figures.statuses.update(answers)
        else:
            figures.oversized_ms.append(answers.pop("slowest_ms"))
            figures.oversized.update(answers)
    stop.set()
    sampler.join()
    _victim(base, victim_key, IDLE_SECONDS, figures.idle, figures.victim_errors)
    return figures


def test_a_flooded_tenant_and_oversized_bodies_leave_another_tenant_its_latency(served: Served):
    figures = run_abuse(served.base, served.process.pid, served.keys[FLOODED], served.keys[VICTIM])
    idle, flooded = p95(figures.idle), p95(figures.flooded)
    ratio = flooded / idle
    print(
        f"\nabuse load: victim p95 idle {idle:.1f} ms, flooded {flooded:.1f} ms, ratio {ratio:.2f} "
        f"({len(figures.idle)} / {len(figures.flooded)} requests); flood answers {dict(figures.statuses)}; "
        f"oversized answers {dict(figures.oversized)} (slowest {max(figures.oversized_ms)} ms); "
        f"server RSS max {max(figures.rss_mb):.0f} MB (bound {RSS_BOUND_MB} MB)"
    )
    assert not figures.victim_errors, figures.victim_errors[:5]
    assert figures.statuses["200"] > 0, "the flood's queries are answered, a few at a time"
    assert set(figures.statuses) <= {"200", "429", "503"}, figures.statuses
    assert set(figures.oversized) <= {"413", "RemoteProtocolError", "WriteError"}, figures.oversized
    assert figures.oversized["413"] > 0
    assert ratio <= MAX_RATIO, f"victim p95 {flooded:.1f} ms is {ratio:.2f}x its idle {idle:.1f} ms"
    assert max(figures.rss_mb) < RSS_BOUND_MB
