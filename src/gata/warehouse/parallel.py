"""Run one pipeline task per tenant, several tenants at once, each in its own process.

Every tenant has its own database, so tenants' runs share nothing they write: they run side by side, one
process each (one per core by default, `GATA_PARALLEL_TENANTS`), with DuckDB's and dbt's threads divided
between them. Progress reported in a child reaches the caller's callback through a queue, prefixed with
the tenant. A single tenant, or one run at a time, runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from gata.settings import Settings, parallel_runs, threads_per_run

T = TypeVar("T")
ProgressCallback = Callable[[str, str], None]
TenantTask = Callable[[str, ProgressCallback | None], Any]

_queue: Any = None  # the child's end of the progress queue (set by the pool's initializer)
_PRELOAD = ["gata.warehouse.onboard", "gata.warehouse.sync"]


def _init_child(queue: Any, threads: int) -> None:
    global _queue
    _queue = queue
    os.environ["GATA_DUCKDB_THREADS"] = str(threads)


def _child_progress(slug: str) -> ProgressCallback:
    def report(step: str, state: str) -> None:
        _queue.put((slug, step, state))

    return report


def _run_child(task: TenantTask, slug: str) -> Any:
    return task(slug, _child_progress(slug))


def run_per_tenant(
    task: TenantTask,
    slugs: list[str],
    progress: Callable[[str], ProgressCallback | None] | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """`task(slug, progress)` for every tenant; returns slug -> its result, or the exception it raised."""
    settings = settings or Settings()
    runs = parallel_runs(settings, len(slugs))
    outcomes: dict[str, Any] = {}
    if runs == 1:
        for slug in slugs:
            try:
                outcomes[slug] = task(slug, progress(slug) if progress else None)
            except Exception as exc:  # the caller decides what a tenant's failure means
                outcomes[slug] = exc
        return outcomes
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    queue = context.Queue()
    relay = threading.Thread(target=_relay, args=(queue, progress), daemon=True)
    relay.start()
    try:
        with ProcessPoolExecutor(
            max_workers=runs,
            mp_context=context,
            initializer=_init_child,
            initargs=(queue, threads_per_run(settings, runs)),
        ) as pool:
            futures = {slug: pool.submit(_run_child, task, slug) for slug in slugs}
            for slug, future in futures.items():
                try:
                    outcomes[slug] = future.result()
                except Exception as exc:
                    outcomes[slug] = exc
    finally:
        queue.put(None)
        relay.join(timeout=5)
    return outcomes


def _relay(queue: Any, progress: Callable[[str], ProgressCallback | None] | None) -> None:
    callbacks: dict[str, ProgressCallback | None] = {}
    while (item := queue.get()) is not None:
        slug, step, state = item
        if progress is None:
            continue
        if slug not in callbacks:
            callbacks[slug] = progress(slug)
        callback = callbacks[slug]
        if callback is not None:
            callback(step, state)
