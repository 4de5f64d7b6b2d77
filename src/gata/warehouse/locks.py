"""Who may write now: one pipeline run per tenant.

DuckDB lets one process write a database file, and each tenant has its own: runs of different tenants (the
scheduler, a wizard job, a CLI command) go on side by side, while a second run of the same tenant is
refused at once: it would redo or undo the first one's work (and could not open the tenant's database).

The lock is an `flock` on a file under `<workspace>/locks/`: the kernel releases them when the holder's
process ends, however it ends (kill -9 included), so a crashed run never leaves a stale lock behind. The
holder writes who it is into the file, for the message the next one sees.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from gata.workspace import Workspace


class TenantBusyError(RuntimeError):
    """Another pipeline run of this tenant is in progress."""

    def __init__(self, tenant: str, holder: str):
        self.tenant, self.holder = tenant, holder
        super().__init__(f"tenant '{tenant}' is busy: {holder or 'another run'} is in progress; try again when it ends")


def _lock_path(workspace: Workspace, name: str) -> Path:
    folder = workspace.root / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.lock"


def _holder(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _describe(what: str) -> str:
    return f"{what} (pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC)"


def _acquire(path: Path, what: str, block: bool, on_wait: Callable[[str], None] | None = None) -> tuple[int, float]:
    """The locked descriptor and the seconds waited; BlockingIOError when not blocking and held elsewhere."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    waited = 0.0
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not block:
                raise
            if on_wait:
                on_wait(_holder(path))
            started = time.perf_counter()
            fcntl.flock(fd, fcntl.LOCK_EX)
            waited = time.perf_counter() - started
        os.ftruncate(fd, 0)
        os.pwrite(fd, _describe(what).encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return fd, waited


@contextmanager
def tenant_lock(workspace: Workspace, tenant: str, what: str) -> Iterator[None]:
    """Hold the tenant's run lock, or raise TenantBusyError naming the run that holds it."""
    path = _lock_path(workspace, f"tenant-{tenant}")
    try:
        fd, _ = _acquire(path, what, block=False)
    except BlockingIOError:
        raise TenantBusyError(tenant, _holder(path)) from None
    try:
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def tenant_busy(workspace: Workspace, tenant: str) -> str | None:
    """Who holds the tenant's run lock right now (None: nobody). Only a snapshot: a run may start next."""
    path = workspace.root / "locks" / f"tenant-{tenant}.lock"
    try:  # asking writes nothing: no lock file, no run has ever held it
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder(path) or "another run"
    finally:
        os.close(fd)
    return None
