"""The job's process: run the pipeline for one job record, writing each step's progress into it.

python -m gata.jobs.worker --workspace W --job ID
"""

from __future__ import annotations

import argparse
import os
import time

from gata.config.loader import load_config
from gata.jobs.store import Job, JobError, JobStep, JobStore, utc_now
from gata.warehouse.onboard import OnboardingError, onboard
from gata.workspace import Workspace, private_files


class Recorder:
    """The onboarding progress callback, turned into the job's record."""

    def __init__(self, store: JobStore, job: Job):
        self.store, self.job = store, job
        self._started: dict[str, float] = {}

    def begin(self) -> None:
        self._save(status="running", started_at=utc_now(), pid=os.getpid())

    def progress(self, step: str, state: str) -> None:
        steps = [s for s in self.job.steps if s.step != step or s.state != "running"]
        if state == "start":
            self._started[step] = time.perf_counter()
            steps.append(JobStep(step=step, state="running", started_at=utc_now()))
        else:
            began = next((s.started_at for s in self.job.steps if s.step == step), utc_now())
            steps.append(
                JobStep(
                    step=step,
                    state="done",
                    started_at=began,
                    seconds=round(time.perf_counter() - self._started.get(step, time.perf_counter()), 3),
                    detail=state.removeprefix("done: "),
                )
            )
        self._save(steps=steps)

    def fail(self, step: str, message: str) -> None:
        steps = [
            s.model_copy(
                update={"state": "failed", "seconds": round(time.perf_counter() - self._started.get(s.step, 0), 3)}
            )
            if s.state == "running"
            else s
            for s in self.job.steps
        ]
        if not any(s.step == step for s in steps):
            steps.append(JobStep(step=step, state="failed", started_at=utc_now(), seconds=0.0))
        self._save(status="failed", finished_at=utc_now(), steps=steps, error=JobError(step=step, message=message))

    def succeed(self) -> None:
        self._save(status="succeeded", finished_at=utc_now())

    def _save(self, **changes) -> None:
        self.job = self.job.model_copy(update=changes)
        self.store.save(self.job)


def run(workspace: Workspace, job_id: str) -> Job:
    store = JobStore(workspace)
    recorder = Recorder(store, store.get(job_id))
    recorder.begin()
    job = recorder.job
    try:
        config = load_config(job.config_file, strict=False)
        onboard(config, [job.tenant], workspace, days=job.days, progress=recorder.progress)
    except OnboardingError as exc:
        recorder.fail(exc.step, exc.message)
    except Exception as exc:  # anything else still ends the job with its message, never a silent hang
        running = next((s.step for s in reversed(recorder.job.steps) if s.state == "running"), "validate")
        recorder.fail(running, f"{type(exc).__name__}: {exc}")
    else:
        recorder.succeed()
    return recorder.job


def main() -> None:
    parser = argparse.ArgumentParser(description="Run one GATA pipeline job.")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--job", required=True)
    args = parser.parse_args()
    private_files()
    job = run(Workspace.resolve(args.workspace), args.job)
    raise SystemExit(0 if job.status == "succeeded" else 1)


if __name__ == "__main__":
    main()
