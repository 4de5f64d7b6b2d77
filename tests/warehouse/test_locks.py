"""Run locks across real processes: a second run of a tenant is refused by name, other tenants are not
affected, and a killed holder never leaves a stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GATA
from gata.warehouse.locks import TenantBusyError, tenant_busy, tenant_lock
from gata.workspace import Workspace

HOLD = """
import sys, time
from gata.warehouse.locks import tenant_lock
from gata.workspace import Workspace
ws = Workspace.resolve(sys.argv[1])
with tenant_lock(ws, sys.argv[2], "a test holder"):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def _holder(ws: Workspace, tenant: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(ws.root), tenant, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_run_of_a_tenant_is_refused_naming_the_holder_and_kill_9_frees_it(tmp_path: Path):
    ws = Workspace.resolve(tmp_path)
    proc = _holder(ws, "acme_co", 60)
    try:
        assert "a test holder" in tenant_busy(ws, "acme_co")
        busy = rf"tenant 'acme_co' is busy: a test holder \(pid {proc.pid}"
        with pytest.raises(TenantBusyError, match=busy), tenant_lock(ws, "acme_co", "second run"):
            pass
        with tenant_lock(ws, "other_co", "another tenant"):  # other tenants are not affected
            assert tenant_busy(ws, "other_co") is not None
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert tenant_busy(ws, "acme_co") is None
    with tenant_lock(ws, "acme_co", "after the crash"):
        assert "after the crash" in tenant_busy(ws, "acme_co")


def test_cli_onboard_of_a_busy_tenant_fails_at_validate_and_writes_nothing(tmp_path: Path):
    ws = Workspace.resolve(tmp_path)
    proc = _holder(ws, "tyrell_corp", 120)
    try:
        out = subprocess.run(
            [GATA, "onboard", "tyrell_corp", "--days", "2", "--workspace", str(ws.root)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert out.returncode == 1, out.stdout + out.stderr
    assert "validate failed" in out.stderr and "tenant 'tyrell_corp' is busy: a test holder" in out.stderr
    assert not ws.warehouse_path("tyrell_corp").exists() and not ws.runs_dir.exists()
