"""Onboarding and replay: from a tenant's configuration to its six star tables, step by step.

onboard = validate -> generate and land -> register schemas -> scaffold -> build -> test -> activate.
Only the tenants being onboarded are built (their own models, the shared master models they feed, and
governance); other tenants' tables are untouched. Replay rebuilds intermediate and analytics from the
master models' payloads after a logic change, without ingesting anything.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from gata.config.catalog import Catalog
from gata.config.tenants import GataConfig, Tenant
from gata.ingest.run import PendingIngest, generate_tenant, land_pending
from gata.observability.capture import capture_run, ensure_tables
from gata.warehouse.contracts import CONTRACTS
from gata.warehouse.dbt_runner import PLATFORM_SCHEMA, DbtResult, DbtRunner
from gata.warehouse.library import library_registered, register_library
from gata.warehouse.locks import tenant_lock, warehouse_lock
from gata.warehouse.publish import publish_snapshot
from gata.warehouse.scaffold import (
    ScaffoldResult,
    dbt_dir,
    project_tenants,
    scaffold_platform,
    scaffold_tenant,
    tenant_tag,
)
from gata.workspace import Workspace


class OnboardingError(RuntimeError):
    def __init__(self, step: str, message: str):
        self.step, self.message = step, message
        super().__init__(f"{step} failed: {message}")


@dataclass
class StepTiming:
    step: str
    seconds: float
    detail: str = ""


@dataclass
class OnboardResult:
    tenants: list[str]
    steps: list[StepTiming] = field(default_factory=list)
    build: DbtResult | None = None

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)


ProgressCallback = Callable[[str, str], None]  # (step, "start" | "done: <detail>")


class _Steps:
    def __init__(self, result: OnboardResult, progress: ProgressCallback | None):
        self.result, self.progress = result, progress

    def run(self, step: str, fn: Callable[[], str]) -> None:
        if self.progress:
            self.progress(step, "start")
        started = time.perf_counter()
        try:
            detail = fn() or ""
        except OnboardingError:
            raise
        except Exception as exc:  # a failing step is reported by name, with its message
            raise OnboardingError(step, f"{type(exc).__name__}: {exc}") from exc
        self.result.steps.append(StepTiming(step, time.perf_counter() - started, detail))
        if self.progress:
            self.progress(step, f"done: {detail}")


# --- registry of scaffolded tenants ---------------------------------------------------------------------


def _registry_path(workspace: Workspace):
    return dbt_dir(workspace) / "registry.json"


def scaffolded_tenants(workspace: Workspace) -> dict[str, dict]:
    """Tenants scaffolded in this workspace, with the configuration they were scaffolded from."""
    path = _registry_path(workspace)
    return json.loads(path.read_text()) if path.exists() else {}


def _save_registry(workspace: Workspace, registry: dict[str, dict]) -> None:
    path = _registry_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(registry, sort_keys=True, indent=1))


def landed_objects(workspace: Workspace, tenant_slug: str) -> set[tuple[str, str]]:
    if not workspace.warehouse_path.exists():
        return set()
    prefix = f"raw_{tenant_slug}__"
    with duckdb.connect(str(workspace.warehouse_path), read_only=True) as con:
        rows = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where starts_with(table_schema, ?) and table_name not like '\\_dlt%' escape '\\'",
            [prefix],
        ).fetchall()
    return {(schema[len(prefix) :], table) for schema, table in rows if not schema.endswith("_staging")}


def scaffold(
    workspace: Workspace, catalog: Catalog, tenants: list[Tenant], project: str | None = None
) -> ScaffoldResult:
    """Scaffold the given tenants into a project and refresh its platform files (registry, master models).

    The workspace registry (registry.json) records every tenant scaffolded anywhere; a project's own
    registry macro lists the tenants whose files it holds.
    """
    registry = scaffolded_tenants(workspace)
    result = ScaffoldResult()
    for tenant in tenants:
        r = scaffold_tenant(workspace, catalog, tenant, landed_objects(workspace, tenant.slug), project=project)
        result.written += r.written
        result.removed += r.removed
        result.unchanged += r.unchanged
        registry[tenant.slug] = tenant.model_dump(mode="json")
    _save_registry(workspace, registry)
    members = project_tenants(workspace, project)
    platform = scaffold_platform(
        workspace, catalog, [Tenant.model_validate(v) for k, v in registry.items() if k in members], project=project
    )
    result.written += platform.written
    result.removed += platform.removed
    result.unchanged += platform.unchanged
    return result


def project_for(tenants: list[Tenant]) -> str | None:
    """One tenant builds in its own project (cost independent of the fleet); several in the shared one."""
    return tenants[0].slug if len(tenants) == 1 else None


def selection(catalog: Catalog, tenants: list[Tenant], previous: set[str] | None = None) -> list[str]:
    """dbt selectors for building these tenants: their models, the master models they feed (and those fed
    by sources they had before, so removed sources' rows are cleared), governance, seeds."""
    connectors = {s.connector for t in tenants for s in t.enabled_sources()} | (previous or set())
    masters = sorted({catalog[c].master_model_name(obj) for c in connectors for obj in catalog[c].objects})
    return [*(f"tag:{tenant_tag(t.slug)}" for t in tenants), *masters, "tag:governance", "resource_type:seed"]


def previous_connectors(workspace: Workspace, slugs: list[str]) -> set[str]:
    """Connectors the tenants had when last scaffolded in this workspace."""
    registry = scaffolded_tenants(workspace)
    return {
        c
        for slug in slugs
        if slug in registry
        for c, src in registry[slug]["sources"].items()
        if src.get("enabled", True)
    }


def _set_status(workspace: Workspace, tenants: list[Tenant], status: str, message: str | None = None) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    with duckdb.connect(str(workspace.warehouse_path)) as con:
        ensure_tables(con)
        for t in tenants:
            con.execute(
                f"insert or replace into {PLATFORM_SCHEMA}.tenant_status values (?, ?, ?, ?, ?)",
                [t.slug, status, t.config_hash(), now, message],
            )


def build(
    workspace: Workspace,
    catalog: Catalog,
    tenants: list[Tenant],
    select: list[str] | None = None,
    runner: DbtRunner | None = None,
    previous: set[str] | None = None,
    project: str | None = None,
    run_id: str | None = None,
    full: bool = True,
) -> DbtResult:
    """Build the tenants: in full (onboarding, replay: tenant models rebuilt, their master slices replaced)
    or incrementally (`full=False`, a sync: every model takes only what is newer than what it holds)."""
    runner = runner or DbtRunner(workspace, project=project, run_id=run_id)
    args = [
        "build",
        *(["--full-refresh"] if full else []),
        "--select",
        *(select or selection(catalog, tenants, previous)),
    ]
    return runner.invoke(args, scope=[t.slug for t in tenants])


def _check_build(result: DbtResult) -> str:
    models_bad = [n for n in result.failed() if n.resource_type in ("model", "seed", "snapshot")]
    if result.error or models_bad:
        raise OnboardingError("build", result.summary())
    return f"{result.count('model', 'success')} models, {result.count('seed', 'success')} seeds"


def _check_tests(result: DbtResult) -> str:
    tests_bad = [n for n in result.failed() if n.resource_type == "test"]
    if tests_bad:
        raise OnboardingError(
            "test", "; ".join(f"{n.unique_id}: {n.status} ({n.failures} failing rows)" for n in tests_bad[:10])
        )
    return f"{result.count('test', 'pass')} tests passed"


def onboard(
    config: GataConfig,
    slugs: list[str],
    workspace: Workspace,
    days: int = 30,
    end_date: date | None = None,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
    ingest: bool = True,
) -> OnboardResult:
    result = OnboardResult(tenants=list(slugs))
    steps = _Steps(result, progress)
    tenants: list[Tenant] = []
    with ExitStack() as held:

        def validate() -> str:
            for slug in slugs:
                t = config.tenant(slug)
                tenants.append(t.model_copy(update={"seed": seed}) if seed is not None else t)
            for t in tenants:  # a second run of the same tenant is refused here, before anything is written
                held.enter_context(tenant_lock(workspace, t.slug, f"onboarding of {t.slug}"))
            return f"{len(tenants)} tenant(s) valid"

        steps.run("validate", validate)
        hold_warehouse(held, workspace, "onboarding of " + ", ".join(slugs), progress)
        workspace.ensure()
        with _captured(workspace, config, "onboard", tenants, steps) as run_id:
            _onboard_steps(config, tenants, workspace, steps, result, days, end_date, ingest, run_id)
    return result


def hold_warehouse(held: ExitStack, workspace: Workspace, what: str, progress: ProgressCallback | None) -> None:
    """Queue for the warehouse behind any other tenant's run; the wait is reported as a "wait" step."""
    waiting: list[str] = []

    def on_wait(holder: str) -> None:
        waiting.append(holder)
        if progress:
            progress("wait", "start")

    waited = held.enter_context(warehouse_lock(workspace, what, on_wait))
    if waiting and progress:
        progress("wait", f"done: waited {waited:.1f} s for {waiting[0] or 'another run'}")


def _onboard_steps(config, tenants, workspace, steps, result, days, end_date, ingest, run_id) -> None:
    if ingest:
        pending: list[PendingIngest] = []

        def generate() -> str:
            for t in tenants:
                pending.append(generate_tenant(config, t, workspace, days=days, end_date=end_date))
            return ", ".join(
                f"{p.tenant.slug}: {sum(o.rows for o in p.staged.objects.values()):,} records" for p in pending
            )

        def land() -> str:
            runs = [land_pending(p, workspace) for p in pending]
            return ", ".join(f"{r.tenant}: {r.rows:,} rows" for r in runs)

        steps.run("generate", generate)
        steps.run("land", land)
    steps.run(
        "register",
        lambda: (
            (f"connector library registered: {register_library(workspace, config.catalog)} objects")
            if not library_registered(workspace)
            else "connector library already registered"
        ),
    )
    previous = previous_connectors(workspace, [t.slug for t in tenants])
    project = project_for(tenants)
    steps.run("scaffold", lambda: _scaffold_detail(scaffold(workspace, config.catalog, tenants, project=project)))
    _build_and_test(
        steps,
        result,
        lambda: build(workspace, config.catalog, tenants, previous=previous, project=project, run_id=run_id),
    )
    steps.run("activate", lambda: (_set_status(workspace, tenants, "active"), "active")[1])


def _build_and_test(steps: _Steps, result: OnboardResult, run_dbt: Callable[[], DbtResult]) -> None:
    """The build step (models must succeed), then the test step (every test must pass)."""

    def run_build() -> str:
        result.build = run_dbt()
        return _check_build(result.build)

    steps.run("build", run_build)
    steps.run("test", lambda: _check_tests(result.build))  # type: ignore[arg-type]


@contextmanager
def _captured(workspace: Workspace, config: GataConfig, kind: str, tenants: list[Tenant], steps: _Steps):
    """The run is recorded for observability; afterwards its tenants are published: their new data after a
    success, or their last good data with fresh health after a failure (the failure is what users must see)."""
    try:
        with capture_run(workspace, kind, [t.slug for t in tenants]) as run:
            try:
                yield run.run_id
            finally:
                run.steps = [asdict(s) for s in steps.result.steps]
    except OnboardingError as exc:
        _set_status(workspace, tenants, "failed", str(exc))
        for t in tenants:
            publish_snapshot(workspace, t, config_dir=Path(config.tenants_file).parent, health_only=True)
        raise
    steps.run("publish", lambda: publish(workspace, config, tenants))


def publish(workspace: Workspace, config: GataConfig, tenants: list[Tenant]) -> str:
    """New read snapshots for the API; its readers switch to them atomically."""
    config_dir = Path(config.tenants_file).parent
    done = [publish_snapshot(workspace, t, config_dir=config_dir) for t in tenants]
    return ", ".join(f"{p.tenant}: {p.version}" for p in done)


def star_table_counts(workspace: Workspace, slugs: list[str]) -> dict[tuple[str, str], int]:
    """Row counts of each tenant's six star tables (0 when a table is missing)."""
    counts: dict[tuple[str, str], int] = {}
    with duckdb.connect(str(workspace.warehouse_path), read_only=True) as con:
        existing = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'analytics'"
            ).fetchall()
        }
        for slug in slugs:
            for contract in CONTRACTS:
                name = contract.model_name(slug)
                counts[(slug, contract.table)] = (
                    con.execute(f'select count(*) from analytics."{name}"').fetchone()[0] if name in existing else 0
                )
    return counts


def _scaffold_detail(r: ScaffoldResult) -> str:
    return f"{len(r.written)} files written, {len(r.removed)} removed, {r.unchanged} unchanged"


def replay(
    config: GataConfig, slugs: list[str], workspace: Workspace, progress: ProgressCallback | None = None
) -> OnboardResult:
    """Rebuild from the master payloads, with the current logic, the intermediate models logic applies to (daily
    objects) and every analytics model; nothing is ingested."""
    result = OnboardResult(tenants=list(slugs))
    steps = _Steps(result, progress)
    tenants = [config.tenant(s) for s in slugs]
    with ExitStack() as held:

        def validate() -> str:
            for t in tenants:
                held.enter_context(tenant_lock(workspace, t.slug, f"replay of {t.slug}"))
            return f"{len(tenants)} tenant(s) valid"

        steps.run("validate", validate)
        hold_warehouse(held, workspace, "replay of " + ", ".join(slugs), progress)
        _replay_steps(config, tenants, workspace, steps, result)
    return result


def _replay_steps(config: GataConfig, tenants: list[Tenant], workspace: Workspace, steps: _Steps, result) -> None:
    project = project_for(tenants)
    steps.run("scaffold", lambda: _scaffold_detail(scaffold(workspace, config.catalog, tenants, project=project)))
    # logic applies to the daily objects' intermediate models (conversion action types, sessionization) and
    # to the engines; entity models (campaigns, products, profiles) do not change with logic
    select = [
        sel
        for t in tenants
        for sel in (
            f"tag:{tenant_tag(t.slug)},tag:intermediate,tag:logic",
            f"tag:{tenant_tag(t.slug)},tag:analytics",
            f"tag:{tenant_tag(t.slug)},tag:observability",  # views: cheap, and current with their macros
        )
    ]
    select.append("platform_sat__tenant_config_history")  # records the configuration change
    with _captured(workspace, config, "replay", tenants, steps) as run_id:
        _build_and_test(
            steps,
            result,
            lambda: build(workspace, config.catalog, tenants, select=select, project=project, run_id=run_id),
        )
        _set_status(workspace, tenants, "active")
