"""Compiling in worker processes (what `gata serve` does): the same SQL as compiling in the process, the same
errors, the compile's CPU charged to the request, a tenant past most of its CPU burst compiling at the lowest
priority, a compile past its time stopped without breaking the next one, and no worker outliving its server."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import Served, descendants, proc_stat, start_server
from gata.api.quota import TenantQuota
from gata.semantic.compile_pool import CompilePool, offloaded_cpu
from gata.semantic.compiler import QueryValidationError
from gata.semantic.query import SemanticQuery
from gata.semantic.service import QueryTimeout, SemanticService
from gata.semantic.store import SnapshotStore
from gata.workspace import Workspace

TENANT = "tyrell_corp"
TODAY = date(2026, 1, 15)
QUERIES = [
    {"model": "ad_performance", "dimensions": ["source_platform"], "measures": ["spend", "clicks"]},
    {
        "model": "orders",
        "dimensions": ["order_date"],
        "measures": ["revenue"],
        "date_range": {"relative": "last_30_days"},
        "filters": [
            {"or": [{"field": "revenue", "op": "gt", "value": 10}, {"field": "revenue", "op": "lt", "value": 1}]}
        ],
    },
    {
        "model": "sessions",
        "measures": ["sessions"],
        "date_range": {"relative": "last_7_days"},
        "compare": "previous_period",
    },
]


@pytest.fixture(scope="module")
def pool():
    pool = CompilePool(workers=1, timeout=60)
    yield pool
    pool.close()


_stores: list[SnapshotStore] = []


@pytest.fixture(autouse=True)
def _close_stores():
    """Each test's snapshot stores closed after it: a snapshot left open with the store's DuckDB settings makes
    another test's plain read-only connection to the same file fail in this process."""
    yield
    while _stores:
        _stores.pop().close()


def _service(served: Served, pool: CompilePool | None) -> SemanticService:
    _stores.append(SnapshotStore(served.ws))
    return SemanticService(_stores[-1], compile_pool=pool)


@pytest.mark.parametrize("body", QUERIES, ids=["ads", "orders", "sessions"])
def test_a_worker_compiles_the_same_sql(served: Served, pool: CompilePool, body: dict):
    query = SemanticQuery.model_validate(body)
    _, here = _service(served, None).compile(TENANT, query, TODAY)
    charged: list[float] = []
    token = offloaded_cpu.set(charged)
    try:
        _, there = _service(served, pool).compile(TENANT, query, TODAY)
    finally:
        offloaded_cpu.reset(token)
    assert there == here
    assert len(charged) == 1 and charged[0] > 0  # the worker's CPU comes back to be charged to the tenant


def test_a_worker_refuses_what_the_process_refuses(served: Served, pool: CompilePool):
    query = SemanticQuery.model_validate({"model": "orders", "measures": ["revenue"], "dimensions": ["revenue"]})
    with pytest.raises(QueryValidationError) as here:
        _service(served, None).compile(TENANT, query, TODAY)
    with pytest.raises(QueryValidationError) as there:
        _service(served, pool).compile(TENANT, query, TODAY)
    assert str(there.value) == str(here.value) and "measure" in str(there.value)


def _nice(pids: set[int]) -> dict[int, int]:
    """Each process's nice value, from /proc."""
    return {pid: int(fields[16]) for pid in pids if (fields := proc_stat(pid))}


def test_a_tenant_past_most_of_its_cpu_burst_compiles_at_the_lowest_priority(served: Served):
    """A flood's compiles yield the cores to the other tenants' requests whatever else the machine runs (issue
    18): its tenant, past half its CPU burst, compiles in the background worker at nice 19, started then."""
    quota = TenantQuota(concurrency=1, rate=50, burst=100, cpu_share=0.25, cpu_burst=3.0)
    pool = CompilePool(workers=1, timeout=60)
    query = SemanticQuery.model_validate(QUERIES[1])
    try:
        svc = _service(served, pool)
        with quota.slot("wayne_enterprises"):  # a tenant within its burst: the interactive worker
            svc.compile("wayne_enterprises", query, TODAY)
        before = _nice(descendants(os.getpid()))
        assert before and 19 not in before.values(), before
        quota.acquire(TENANT)
        quota.release(TENANT, cpu_seconds=2.0)  # a costly query's CPU: 1 of its 3 CPU-seconds of burst left
        with quota.slot(TENANT):
            _, compiled = svc.compile(TENANT, query, TODAY)
        assert "revenue" in compiled.sql
        after = _nice(descendants(os.getpid()))
        # the one new process: the background worker (started for this compile), at the lowest priority
        assert [nice for pid, nice in after.items() if pid not in before] == [19], (before, after)
    finally:
        pool.close()


def test_a_compile_past_its_time_is_stopped_and_the_next_one_runs(served: Served):
    pool = CompilePool(workers=1, timeout=0.001)  # a cold worker (imports, the layer) cannot make it
    try:
        svc = _service(served, pool)
        query = SemanticQuery.model_validate(QUERIES[0])
        with pytest.raises(QueryTimeout, match="compiling the query took longer"):
            svc.compile(TENANT, query, TODAY)
        pool.timeout = 60
        _, compiled = svc.compile(TENANT, query, TODAY)
        assert "spend" in compiled.sql
    finally:
        pool.close()


def _alive(pids: set[int]) -> set[int]:
    return {p for p in pids if Path(f"/proc/{p}").exists() and "zombie" not in _state(p)}


def _state(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}/status").read_text().split("State:")[1].splitlines()[0]).lower()
    except (OSError, IndexError):
        return "zombie"


@pytest.mark.parametrize("stop", ["terminate", "kill"])
def test_a_stopped_server_leaves_no_compile_worker_behind(tmp_path, stop):
    """Stopped (SIGTERM) or killed (SIGKILL), `gata serve` takes its compile workers and their forkserver with
    it: before the fix every test server left three processes running for good."""
    ws = Workspace.resolve(tmp_path / "ws")
    ws.root.mkdir()
    proc, _ = start_server(ws)
    deadline = time.monotonic() + 30
    while len(workers := descendants(proc.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)  # the forkserver and its two workers
    assert len(workers) >= 3, workers
    getattr(proc, stop)()
    # not reaped yet (a zombie), as a parent reading the server's output pipes to their end leaves it
    deadline = time.monotonic() + 15
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(workers) == set()
    proc.wait(timeout=30)
