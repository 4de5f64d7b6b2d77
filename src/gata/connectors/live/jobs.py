"""Waiting for asynchronous report jobs (Meta report runs, Microsoft's GenerateReport, Amazon reporting v3):
poll every poll_interval_seconds, fail after report_timeout_seconds with a ReportTimeoutError."""

from __future__ import annotations

import time
from collections.abc import Callable

from gata.connectors.live.errors import ReportTimeoutError
from gata.connectors.live.http import ApiClient


def wait_for(api: ApiClient, job: str, poll: Callable[[], tuple[str | None, bool]]) -> None:
    """Call `poll` (-> its status, and whether the job is done; it raises if the job failed) until done."""
    options = api.ctx.options
    deadline = time.monotonic() + options.report_timeout_seconds
    while True:
        state, done = poll()
        if done:
            return
        if time.monotonic() + options.poll_interval_seconds > deadline:
            raise api.ctx.error(
                ReportTimeoutError,
                f"{job} did not finish within {options.report_timeout_seconds:g} s (last status '{state}')",
                "rerun later, or raise options.report_timeout_seconds",
            )
        time.sleep(options.poll_interval_seconds)
