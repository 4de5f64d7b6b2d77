"""Starting jobs: record first, then the process (or, with GATA_ORCHESTRATOR=dagster, Dagster's tenants
sensor); refusing a tenant that already has a run going."""

from __future__ import annotations

import subprocess
import sys
import threading

from gata.jobs.store import Job, JobStore
from gata.settings import Settings
from gata.warehouse.locks import tenant_busy
from gata.workspace import Workspace


class TenantJobRunning(RuntimeError):
    pass


class JobLauncher:
    def __init__(self, workspace: Workspace, orchestrator: str | None = None):
        self.workspace = workspace
        self.orchestrator = orchestrator or Settings().orchestrator  # embedded: our worker; dagster: its sensor
        self.store = JobStore(workspace)
        self._lock = threading.Lock()  # check-then-start is one step within this server
        self._children: dict[str, subprocess.Popen] = {}

    def check_free(self, tenant: str) -> None:
        """Raise TenantJobRunning naming the job or run of this tenant in progress."""
        job = self.store.active_for(tenant)
        if job is not None:
            raise TenantJobRunning(f"tenant '{tenant}' already has a job running ({job.id}, {job.status})")
        holder = tenant_busy(self.workspace, tenant)
        if holder is not None:
            raise TenantJobRunning(f"tenant '{tenant}' is busy: {holder} is in progress")

    def start(self, tenant: str, days: int, config_file: str, created_by: str, prepare=None) -> Job:
        """Start an onboarding job; `prepare()` (e.g. writing the tenant's configuration) runs first, under
        the same lock, and nothing starts if it raises."""
        with self._lock:
            self.reap()
            self.check_free(tenant)
            job = Job(id=self.store.new_id(), tenant=tenant, days=days, config_file=config_file, created_by=created_by)
            if self.orchestrator == "dagster":
                return self._queue_for_dagster(job, prepare)
            if prepare is not None:
                prepare()
            self.store.save(job)
            self.store.folder.mkdir(parents=True, exist_ok=True)
            command = [sys.executable, "-m", "gata.jobs.worker", "--workspace", str(self.workspace.root)]
            with open(self.store.log_path(job.id), "ab") as log:
                self._children[job.id] = subprocess.Popen(
                    [*command, "--job", job.id],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # not killed with the server; ^C in `gata serve` leaves it running
                )
            return job

    def _queue_for_dagster(self, job: Job, prepare) -> Job:
        """Record the job, then add the tenant: Dagster's tenants sensor sees the new tenant, finds this queued
        job and starts the onboarding run with its days, which writes its progress into the record. The record
        comes first so the sensor never sees the tenant without it."""
        job = job.model_copy(update={"runner": "dagster"})
        self.store.save(job)
        try:
            if prepare is not None:
                prepare()
        except BaseException:
            self.store.path(job.id).unlink(missing_ok=True)
            raise
        return job

    def reap(self) -> None:
        """Collect ended children, so none lingers as a zombie."""
        for job_id, proc in list(self._children.items()):
            if proc.poll() is not None:
                del self._children[job_id]
