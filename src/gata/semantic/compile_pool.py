"""Compiling semantic queries in worker processes.

ibis compiles in pure Python and holds the GIL while it does: the costliest query the limits allow takes
seconds, and in the server's process every other tenant's request waited for it (issue 18's flood: another
tenant's p95 at 14x its idle p95). In a worker the server's thread only waits on a future, without the GIL.
Workers run at a lower CPU priority than the server, keep each snapshot's layer (built from the snapshot's
schemas and metadata, as the server builds its own), report the CPU they spent so the tenant's CPU share is
charged for it, and a compile that runs past its time is stopped by replacing the pool.

Two lanes: a tenant that has spent most of its CPU burst (a flood, a heavy batch) compiles in the background
lane, one worker at the lowest priority, started at its first use; everyone else keeps the interactive workers.
When the cores are short, the kernel then gives them to the other tenants' requests first: a priority, unlike
the CPU share, that holds whatever else the machine runs.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextvars import ContextVar
from datetime import date
from pathlib import Path

from gata.semantic.compiler import CompiledQuery, compile_query
from gata.semantic.layer import TenantLayer
from gata.semantic.query import SemanticQuery
from gata.semantic.store import open_snapshot_file

# CPU-seconds spent for the current request outside its own thread (compiles in workers); a request's quota
# slot sets a list here and debits its sum with the thread's own CPU time
offloaded_cpu: ContextVar[list[float] | None] = ContextVar("offloaded_cpu", default=None)
# set by a request's quota slot when its tenant has spent most of its CPU burst: its compiles go to the background
background: ContextVar[bool] = ContextVar("background_compile", default=False)
INTERACTIVE, BACKGROUND = "interactive", "background"
BACKGROUND_NICE = 19

_LAYERS: dict[tuple[str, str], TenantLayer] = {}  # in a worker: (snapshot path, version) -> layer
_MAX_LAYERS = 64


class CompileTimeout(RuntimeError):
    pass


def _start_worker(nice: int, server_pid: int) -> None:
    os.nice(nice)
    threading.Thread(target=_exit_with, args=(server_pid,), daemon=True).start()


def _exit_with(server_pid: int) -> None:
    """End this worker when the server is gone: a server killed without shutting the pool down leaves its
    workers waiting on their queue for ever (and, with them, the forkserver that started them)."""
    while True:
        time.sleep(1.0)
        if not _running(server_pid):
            os._exit(0)


def _running(pid: int) -> bool:
    """Whether `pid` still runs; an exited process its parent has not reaped yet (a zombie) does not: the
    parent may be waiting for our end of its output pipes before it reaps."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel whether the pid exists
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    return state not in ("Z", "X")


def _layer(path: str, slug: str, version: str) -> TenantLayer:
    layer = _LAYERS.get((path, version))
    if layer is None:
        snap = open_snapshot_file(Path(path), slug, version, memory_limit="128MB")
        snap.connection.close()
        if snap.layer is None:
            raise LookupError(f"snapshot {version} of {slug} has no star tables")
        if len(_LAYERS) >= _MAX_LAYERS:
            _LAYERS.clear()
        layer = _LAYERS[(path, version)] = snap.layer
    return layer


def _ready() -> int:
    """Nothing: submitting it makes a worker start and import this module (ibis with it) before any query."""
    return os.getpid()


def _compile(path: str, slug: str, version: str, query: SemanticQuery, today: date) -> tuple[CompiledQuery, float]:
    started = time.process_time()
    compiled = compile_query(query, _layer(path, slug, version), today)
    return compiled, time.process_time() - started


class CompilePool:
    """`workers` processes at `nice` below the server, and one more at the lowest priority for the tenants in
    the background lane; `timeout` seconds at most per compile."""

    def __init__(self, workers: int, timeout: float, nice: int = 5):
        self.workers, self.timeout, self.nice = workers, timeout, nice
        self._lock = threading.Lock()
        # started at the first compile of their lane (or `warm`)
        self._pools: dict[str, ProcessPoolExecutor | None] = {INTERACTIVE: None, BACKGROUND: None}

    def _current(self, lane: str) -> ProcessPoolExecutor:
        with self._lock:
            pool = self._pools[lane]
            if pool is None:
                pool = self._pools[lane] = self._new_pool(lane)
            return pool

    def _new_pool(self, lane: str) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers if lane == INTERACTIVE else 1,
            mp_context=multiprocessing.get_context("forkserver"),  # the server has threads: never fork it
            initializer=_start_worker,
            initargs=(self.nice if lane == INTERACTIVE else BACKGROUND_NICE, os.getpid()),
        )

    def warm(self) -> None:
        """Start the interactive workers now (importing ibis takes a second or two), not at the first question."""
        pool = self._current(INTERACTIVE)
        for _ in range(self.workers):
            pool.submit(_ready)

    def compile(self, path: Path, slug: str, version: str, query: SemanticQuery, today: date) -> CompiledQuery:
        pool = self._current(BACKGROUND if background.get() else INTERACTIVE)
        try:
            future = pool.submit(_compile, str(path), slug, version, query, today)
            compiled, cpu = future.result(timeout=self.timeout)
        except FutureTimeout:
            self._replace(pool)
            raise CompileTimeout(
                f"compiling the query took longer than {self.timeout:g} s and was stopped: ask for fewer "
                "dimensions, measures or filters"
            ) from None
        except BrokenProcessPool:  # a worker died (e.g. killed): the next request gets a fresh pool
            self._replace(pool)
            raise
        charged = offloaded_cpu.get()
        if charged is not None:
            charged.append(cpu)
        return compiled

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            for lane, pool in self._pools.items():
                if pool is broken:
                    self._pools[lane] = None
        for proc in list(getattr(broken, "_processes", {}).values()):
            proc.kill()  # a compile stuck past its time is stopped here
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pools = [p for p in self._pools.values() if p is not None]
            self._pools = dict.fromkeys(self._pools)
        for pool in pools:
            processes = list(getattr(pool, "_processes", {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in processes:  # the server is exiting: do not leave a compile running behind it
                proc.terminate()
