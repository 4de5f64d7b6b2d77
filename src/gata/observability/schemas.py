"""Response bodies of the observability endpoints (also what `gata status` prints)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field


class RunRecord(BaseModel):
    run_id: str
    kind: str
    status: str
    started_at: str
    finished_at: str | None
    duration_seconds: float | None
    message: str | None
    steps: list[dict[str, Any]]
    models_succeeded: int
    models_failed: int
    tests_passed: int
    tests_failed: int
    tests_warned: int
    tests_errored: int


class TestResult(BaseModel):
    run_id: str | None
    unique_id: str
    name: str
    owner: str
    tested_node: str | None
    status: str
    failures: int | None
    message: str | None
    execution_time: float
    completed_at: str


class IdentityRate(BaseModel):
    key_type: str = Field(
        description="analytics_id, login_ids_that_bought (login ids of the events that ever bought: how many "
        "logged-in people are customers, not how many sessions reach a user), email, transaction_id or order_id"
    )
    users: int
    resolved: int
    match_rate: float | None = Field(description="resolved / users")


class IdentityResolution(BaseModel):
    people: int
    identified: int
    customers: int
    resolution: dict[str, int]
    by_key: list[IdentityRate]


class DriftFinding(BaseModel):
    connector: str
    object_name: str
    field: str
    change: str
    expected_type: str | None
    observed_type: str | None
    first_seen_load_id: str
    first_seen_at: str
    last_seen_load_id: str


class Freshness(BaseModel):
    last_loaded_at: str | None
    data_through: str | None
    oldest_table_hours_since_load: float | None
    tables: int


class ObjectFreshness(BaseModel):
    table_name: str
    last_load_id: str | None
    last_loaded_at: str | None
    last_load_rows: int | None
    data_through: str | None
    loads: int


class SourceFreshness(BaseModel):
    """One source (connector) of the tenant, from the loads recorded in its published snapshot."""

    connector: str
    dataset: str
    last_loaded_at: str | None = Field(description="The source's newest load (UTC).")
    data_through: str | None = Field(description="The last day every one of its objects holds data for.")
    hours_since_load: float | None = Field(description="Hours from last_loaded_at to the time of the request.")
    last_load_rows: int = Field(description="Rows of every object's last load, together.")
    mode: str = Field("simulated", description="simulated or live (its records from the platform's API).")
    last_error: str | None = Field(
        None, description="The error of the tenant's latest run when it names this source (a refused credential)."
    )
    objects: list[ObjectFreshness]


class ModelRun(BaseModel):
    unique_id: str
    name: str
    resource_type: str
    owner: str = Field(description="The tenant, or '(shared)' for platform models its run built.")
    relation_name: str | None
    status: str
    execution_time: float = Field(description="Seconds.")
    rows_affected: int | None
    message: str | None
    completed_at: str


class RunModels(BaseModel):
    """The models a run built: failures first, then the slowest."""

    run_id: str | None
    kind: str | None
    status: str | None
    started_at: str | None
    models: list[ModelRun]


class Readiness(BaseModel):
    ready: bool
    tables: dict[str, bool]


class Summary(BaseModel):
    tenant: str
    data_version: str
    published_at: str | None
    serving_last_good_data: bool
    status: str
    last_run: RunRecord | None
    latest_run_counts: dict[str, int]
    freshness: Freshness
    readiness: Readiness
    drift_findings: int


class LineageLoad(BaseModel):
    load_id: str
    rows: int
    loaded_at: str


class LineageRelation(BaseModel):
    node: str
    relation: str | None
    rows: int | None
    loads: list[LineageLoad] | None = None


class LineageStep(BaseModel):
    layer: str
    relations: list[LineageRelation]


class LineageEdge(BaseModel):
    parent: str
    child: str


class Lineage(BaseModel):
    table: str
    contract: str | None = None
    description: str | None = None
    steps: list[LineageStep]
    edges: list[LineageEdge]


class RowLoadTable(BaseModel):
    dataset: str
    table: str
    rows: int


class RowLoad(BaseModel):
    load_id: str
    loaded_at: str | None
    landed: list[RowLoadTable]


class RowLineage(BaseModel):
    """One star-table row traced to the dlt loads of the landed records it was built from."""

    table: str
    key_column: str
    key: str
    load_ids: list[str]
    loads: list[RowLoad]


class OverviewRun(BaseModel):
    run_id: str
    kind: str
    status: str
    started_at: str
    finished_at: str | None


class TenantOverview(BaseModel):
    """One tenant as the admin's overview shows it."""

    slug: str
    status: Literal["ok", "failing", "never run", "offboarded"]
    served: bool = Field(description="It has a published snapshot (its dashboard and health page open).")
    message: str | None = Field(description="The registry's note on its last change of state.")
    last_run: OverviewRun | None
    failing_tests: int | None = Field(description="Data tests failed or errored in the last run.")
    last_loaded_at: str | None
    data_through: str | None
    hours_since_load: float | None = Field(description="Hours from its newest load to the time of the request.")
    currency: str | None
    spend: float | None = Field(description="Ad spend over the period (ad_performance.spend).")
    revenue: float | None = Field(description="Revenue over the period (orders.revenue).")
    error: str | None = Field(description="Why its figures could not be read, when they could not.")


class TenantsOverview(BaseModel):
    start: date
    end: date
    tenants: list[TenantOverview]
