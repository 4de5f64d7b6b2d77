"""Onboarding from the web app (admins only): the catalog as a form, and onboarding jobs with live progress.

`POST /onboarding/jobs` validates the new tenant with the configuration loader, appends it to the tenants
file and starts `gata onboard` for it in its own process; `GET /onboarding/jobs/{id}` is its progress.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gata.api.deps import admin_only
from gata.api.schemas import ERRORS, ErrorBody
from gata.config.errors import ConfigError
from gata.config.levers import wizard_catalog
from gata.config.loader import load_catalog, load_config, schedule_problem
from gata.config.tenants import SLUG_PATTERN
from gata.config.writer import TenantExistsError, add_tenant
from gata.jobs.launch import JobLauncher, TenantJobRunning
from gata.jobs.store import Job, UnknownJobError
from gata.warehouse.platform_db import OFFBOARDED, SlugRetiredError, refuse_offboarded, registered_tenants
from gata.warehouse.schedule import next_fire
from gata.web.routers.assets import versioned

router = APIRouter(
    prefix="/onboarding",
    tags=["onboarding"],
    responses={
        **ERRORS,
        403: {"model": ErrorBody, "description": "Not an admin."},
        409: {"model": ErrorBody, "description": "The tenant exists already, or has a run in progress."},
    },
)


def launcher(request: Request) -> JobLauncher:
    return request.app.state.jobs


def tenants_file(request: Request) -> Path:
    return request.app.state.tenants_file


Admin = admin_only("onboard tenants")
Launcher = Annotated[JobLauncher, Depends(launcher)]
TenantsFile = Annotated[Path, Depends(tenants_file)]


class OnboardRequest(BaseModel):
    tenant: dict[str, Any] = Field(
        description="The tenant as tenants.yaml spells it: slug, name, reporting_currency, seed, schedule, sources."
    )
    days: int = Field(30, ge=1, le=365, description="Days of history to generate.")


class Issue(BaseModel):
    path: str
    message: str


class InvalidTenant(BaseModel):
    detail: str
    issues: list[Issue]


@router.get("/catalog")
def catalog(who: Admin, file: TenantsFile, jobs: Launcher) -> dict[str, Any]:
    """Connectors grouped by domain with their generation levers and business logic, and the tenants that
    exist already (their slugs are taken)."""
    existing = load_config(file, strict=False)
    retired = [s for s, row in registered_tenants(jobs.workspace).items() if row["status"] == OFFBOARDED]
    taken = sorted({*existing.slugs(), *retired})
    described = wizard_catalog(existing.catalog)
    for domain in described["domains"]:
        for connector in domain["connectors"]:
            connector["icon"] = versioned(connector["icon"])  # the icon's URL with its digest, cached for a year
    return {**described, "tenants_file": str(file), "taken_slugs": taken}


class ScheduleCheck(BaseModel):
    cron: str
    problem: str | None = Field(description="Why the tenants file would refuse it; None when it is a schedule.")
    next_runs: list[datetime] = Field(description="Its next fire times (UTC) from now; empty when refused.")


@router.get("/schedule", response_model=ScheduleCheck)
def check_schedule(who: Admin, cron: Annotated[str, Query(max_length=200)]) -> ScheduleCheck:
    """The check the tenants file applies to a schedule, and when it would fire next: the wizard shows both."""
    problem = schedule_problem(cron)
    runs: list[datetime] = []
    at = datetime.now(UTC).replace(tzinfo=None)
    while problem is None and len(runs) < 3 and (at := next_fire(cron, at)) is not None:
        runs.append(at.replace(tzinfo=UTC))
    return ScheduleCheck(cron=cron, problem=problem, next_runs=runs)


@router.post(
    "/jobs",
    response_model=Job,
    status_code=status.HTTP_202_ACCEPTED,
    responses={422: {"model": InvalidTenant, "description": "The tenant's configuration has issues."}},
)
def start_onboarding(body: OnboardRequest, who: Admin, jobs: Launcher, file: TenantsFile) -> Any:
    slug = body.tenant.get("slug")
    if not isinstance(slug, str) or not slug:
        message = "required: the tenant's slug" if slug in (None, "") else f"must be a string (got {slug!r})"
        return _invalid([Issue(path="slug", message=message)])
    if not re.fullmatch(SLUG_PATTERN, slug):  # before anything is looked up or locked under its name
        message = (
            f"invalid slug {slug!r}: must match {SLUG_PATTERN} "
            "(lower-case letter first, then 2-62 lower-case letters, digits or underscores)"
        )
        return _invalid([Issue(path="slug", message=message)])

    def prepare() -> None:
        refuse_offboarded(jobs.workspace, slug)  # an offboarded tenant's slug stays taken until purged
        add_tenant(file, body.tenant, load_catalog(), body.days)

    try:
        job = jobs.start(slug, body.days, str(file), who.name, prepare=prepare)
    except ConfigError as exc:
        return _invalid([Issue(path=i.path, message=i.message) for i in exc.issues])
    except (TenantExistsError, TenantJobRunning, SlugRetiredError) as exc:
        raise HTTPException(409, str(exc)) from None
    return job


def _invalid(issues: list[Issue]) -> JSONResponse:
    body = InvalidTenant(detail=f"{len(issues)} issue(s) in the tenant's configuration", issues=issues)
    return JSONResponse(body.model_dump(), status_code=422)


@router.get("/jobs", response_model=list[Job])
def list_jobs(who: Admin, jobs: Launcher) -> list[Job]:
    jobs.reap()
    return jobs.store.all()


@router.get("/jobs/{job_id}", response_model=Job)
def get_job(job_id: str, who: Admin, jobs: Launcher) -> Job:
    jobs.reap()
    try:
        return jobs.store.get(job_id)
    except UnknownJobError as exc:
        raise HTTPException(404, exc.args[0]) from None


@router.post("/jobs/{job_id}/retry", response_model=Job, status_code=status.HTTP_202_ACCEPTED)
def retry_job(job_id: str, who: Admin, jobs: Launcher, file: TenantsFile) -> Job:
    """Onboard the failed job's tenant again, from its configuration as it is now in the tenants file."""
    try:
        failed = jobs.store.get(job_id)
    except UnknownJobError as exc:
        raise HTTPException(404, exc.args[0]) from None
    if failed.status != "failed":
        raise HTTPException(409, f"job {job_id} is {failed.status}; only a failed job can be retried")
    try:
        return jobs.start(failed.tenant, failed.days, str(file), who.name)
    except TenantJobRunning as exc:
        raise HTTPException(409, str(exc)) from None
