"""Per-tenant admission for the costly requests (queries, questions, exports): how many run at once, how many
start per second, how much CPU they may use, and how many may wait for their turn.

A request beyond the running cap waits in its tenant's queue (a short wait, bounded in time and in places);
beyond the queue, the wait, the rate or the CPU share it is refused at once with 429 and `Retry-After`. The CPU
share is a token bucket in CPU-seconds: each request's own CPU time (compiling a query is Python holding the
GIL) is debited when it ends, and a tenant in debt waits until its share has paid it back. So one tenant's
flood of costly queries uses at most its share of the process, and every other tenant keeps the rest; a burst
of ordinary dashboard queries fits in the burst and is merely serialised, not refused. A tenant that has spent
most of its burst runs in the background: its compiles go to the lowest-priority worker (compile_pool).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from gata.semantic.compile_pool import background, offloaded_cpu


class TenantBusy(Exception):
    def __init__(self, tenant: str, reason: str, retry_after: int):
        super().__init__(f"too many requests for tenant '{tenant}': {reason}; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Tenant:
    tokens: float
    cpu: float  # CPU-seconds it may still use; negative: in debt
    stamp: float
    running: int = 0
    waiting: int = 0
    cond: threading.Condition = field(default_factory=threading.Condition)


class TenantQuota:
    def __init__(
        self,
        concurrency: int,
        rate: float,
        burst: int,
        queue: int = 16,
        wait: float = 10.0,
        cpu_share: float = 0.25,
        cpu_burst: float = 3.0,
    ):
        self.concurrency, self.rate, self.burst, self.queue, self.wait = concurrency, rate, burst, queue, wait
        self.cpu_share, self.cpu_burst = cpu_share, cpu_burst
        self._tenants: dict[str, _Tenant] = {}
        self._lock = threading.Lock()

    def _state(self, tenant: str) -> _Tenant:
        with self._lock:
            state = self._tenants.get(tenant)
            if state is None:
                state = self._tenants[tenant] = _Tenant(float(self.burst), self.cpu_burst, time.monotonic())
            return state

    def _refill(self, state: _Tenant) -> float:
        now = time.monotonic()
        elapsed = now - state.stamp
        state.tokens = min(self.burst, state.tokens + elapsed * self.rate)
        state.cpu = min(self.cpu_burst, state.cpu + elapsed * self.cpu_share)
        state.stamp = now
        return now

    def _until_allowed(self, state: _Tenant) -> float:
        """Seconds until the rate and the CPU share let one more start (0: now)."""
        rate_wait = (1 - state.tokens) / self.rate if state.tokens < 1 else 0.0
        cpu_wait = -state.cpu / self.cpu_share if state.cpu < 0 else 0.0
        return max(rate_wait, cpu_wait)

    def acquire(self, tenant: str) -> bool:
        """Take a running slot, waiting up to `wait` seconds in the tenant's queue; else TenantBusy. True when the
        tenant has spent most of its CPU burst: its work should yield to other tenants'."""
        state = self._state(tenant)
        with state.cond:
            now = self._refill(state)
            blocked = state.running >= self.concurrency or self._until_allowed(state) > 0
            if state.waiting >= self.queue and blocked:
                raise TenantBusy(tenant, f"{self.concurrency} running and {self.queue} waiting (the most)", 1)
            if (due := self._until_allowed(state)) > self.wait:
                reason = (
                    f"over its CPU share ({self.cpu_share:g} s a second)"
                    if state.cpu < 0
                    else f"over {self.rate:g} per second"
                )
                raise TenantBusy(tenant, reason, math.ceil(due))
            deadline = now + self.wait
            state.waiting += 1
            try:
                while state.running >= self.concurrency or (due := self._until_allowed(state)) > 0:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TenantBusy(tenant, f"{self.concurrency} running at once (the most)", 1)
                    state.cond.wait(min(left, max(due if state.running < self.concurrency else left, 0.001)))
                    self._refill(state)
            finally:
                state.waiting -= 1
            state.tokens -= 1
            state.running += 1
            return state.cpu < self.cpu_burst / 2

    def release(self, tenant: str, cpu_seconds: float = 0.0) -> None:
        """End a running request, debiting the CPU time it used."""
        state = self._state(tenant)
        with state.cond:
            self._refill(state)
            state.running -= 1
            state.cpu -= cpu_seconds
            state.cond.notify()

    @contextmanager
    def slot(self, tenant: str) -> Iterator[None]:
        """Run the block as one of the tenant's requests; its CPU time (this thread's, and its compiles' in
        worker processes) is debited."""
        heavy = self.acquire(tenant)
        started = time.thread_time()
        offloaded = offloaded_cpu.set([])  # compiles in worker processes add their CPU here
        lane = background.set(heavy)
        try:
            yield
        finally:
            background.reset(lane)
            elsewhere = sum(offloaded_cpu.get() or [])
            offloaded_cpu.reset(offloaded)
            self.release(tenant, time.thread_time() - started + elsewhere)
