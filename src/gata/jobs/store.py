"""Pipeline jobs started from the web app: one JSON record per job under `<workspace>/jobs/`.

The job's own process is the only writer of its record after creation (atomic replace per step), so the
API reads progress without locks, and a job outlives a restart of the server that started it. A record
still "queued" or "running" whose process is gone (killed, crashed) is reported failed when read.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from gata.jsonfile import write_private_json
from gata.workspace import Workspace

JobStatus = Literal["queued", "running", "succeeded", "failed"]
JOB_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$")
ACTIVE = ("queued", "running")
START_GRACE_SECONDS = 60


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class JobStep(BaseModel):
    step: str
    state: Literal["running", "done", "failed"]
    started_at: str
    seconds: float | None = None
    detail: str = ""


class JobError(BaseModel):
    step: str
    message: str


class Job(BaseModel):
    id: str
    kind: Literal["onboard"] = "onboard"
    tenant: str
    days: int
    config_file: str
    created_by: str
    status: JobStatus = "queued"
    created_at: str = Field(default_factory=utc_now)
    started_at: str | None = None
    finished_at: str | None = None
    pid: int | None = None
    runner: Literal["worker", "dagster"] = "worker"  # dagster: the tenants sensor starts it, its run writes this
    steps: list[JobStep] = []
    error: JobError | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class UnknownJobError(KeyError):
    pass


class JobStore:
    def __init__(self, workspace: Workspace):
        self.folder = workspace.root / "jobs"

    def path(self, job_id: str) -> Path:
        if not JOB_ID.fullmatch(job_id):
            raise UnknownJobError(f"no job '{job_id}'")
        return self.folder / f"{job_id}.json"

    def log_path(self, job_id: str) -> Path:
        return self.path(job_id).with_suffix(".log")

    def new_id(self) -> str:
        return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"

    def save(self, job: Job) -> None:
        write_private_json(self.path(job.id), job.model_dump(mode="json"))

    def get(self, job_id: str) -> Job:
        path = self.path(job_id)
        try:
            job = Job.model_validate(json.loads(path.read_text()))
        except FileNotFoundError:
            raise UnknownJobError(f"no job '{job_id}'") from None
        return _settled(job)

    def all(self, limit: int = 50) -> list[Job]:
        """The newest jobs first."""
        if not self.folder.exists():
            return []
        ids = sorted((p.stem for p in self.folder.glob("*.json") if JOB_ID.fullmatch(p.stem)), reverse=True)
        jobs = []
        for job_id in ids[:limit]:
            try:
                jobs.append(self.get(job_id))
            except (UnknownJobError, ValueError):  # removed or being replaced meanwhile
                continue
        return jobs

    def forget_tenant(self, tenant: str) -> int:
        """Delete the records and logs of every job of `tenant` (a purge); the number of jobs deleted."""
        if not self.folder.exists():
            return 0
        gone = 0
        for path in self.folder.glob("*.json"):
            try:
                owner = json.loads(path.read_text()).get("tenant")
            except (OSError, ValueError):
                continue
            if owner == tenant:
                path.with_suffix(".log").unlink(missing_ok=True)
                path.unlink(missing_ok=True)
                gone += 1
        return gone

    def active_for(self, tenant: str) -> Job | None:
        return next((j for j in self.all(limit=1000) if j.tenant == tenant and j.active), None)


def _settled(job: Job) -> Job:
    """A job whose process ended without saying so has failed; say where."""
    if not job.active or _alive(job):
        return job
    running = next((s.step for s in reversed(job.steps) if s.state == "running"), None)
    message = (
        "the job's process ended unexpectedly (killed or crashed); start the job again"
        if job.pid
        else "the job's process did not start; see the server's log"
    )
    return job.model_copy(update={"status": "failed", "error": JobError(step=running or "start", message=message)})


def _alive(job: Job) -> bool:
    if job.runner == "dagster":  # queued in Dagster, or its run (on any machine) says how it ended; Dagster's
        return True  # run monitoring fails a run whose worker died, and its UI shows that run
    if job.pid is None:  # the launcher has started the process, which has not written its record yet
        started = datetime.strptime(job.created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return (datetime.now(UTC) - started).total_seconds() < START_GRACE_SECONDS
    try:
        stat = Path(f"/proc/{job.pid}/stat").read_text()
        cmdline = Path(f"/proc/{job.pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(job.pid, 0)
        except ProcessLookupError:
            return False
        return True
    zombie = stat.rsplit(")", 1)[1].split()[0] == "Z"  # ended; its parent has not reaped it yet
    return not zombie and job.id.encode() in cmdline  # a reused pid is another process
