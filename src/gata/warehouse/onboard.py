"""Onboarding and replay: from a tenant's configuration to its six star tables, step by step.

onboard = validate -> generate and land -> register schemas -> configure -> build -> test -> activate.
Each tenant has its own database and dbt project, so a tenant's run touches nothing of another's; several
tenants run at once, one process each (gata.warehouse.parallel). Replay rebuilds intermediate and analytics
from the master models' payloads after a logic change, without ingesting anything.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import duckdb

from gata.config.catalog import Catalog, Domain
from gata.config.tenants import GataConfig, Tenant
from gata.ingest.run import generate_tenant, land_pending
from gata.runs.record import capture_run, ensure_tables
from gata.star.contracts import CONTRACTS
from gata.warehouse import platform_db
from gata.warehouse.dbt_runner import PLATFORM_SCHEMA, DbtResult, DbtRunner, dbt_dir
from gata.warehouse.dbt_vars import tenant_vars
from gata.warehouse.library import library_registered, register_library
from gata.warehouse.locks import tenant_lock
from gata.warehouse.parallel import run_per_tenant
from gata.warehouse.publish import publish_snapshot
from gata.workspace import Workspace


class OnboardingError(RuntimeError):
    def __init__(self, step: str, message: str):
        self.step, self.message = step, message
        super().__init__(f"{step} failed: {message}")

    def __reduce__(self):  # crosses process boundaries (parallel tenant runs)
        return (type(self), (self.step, self.message))


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
    wall_seconds: float | None = None  # several tenants in parallel: elapsed time, not the sum of their steps

    @property
    def seconds(self) -> float:
        return self.wall_seconds if self.wall_seconds is not None else sum(s.seconds for s in self.steps)


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


# --- the configuration a tenant was built from -------------------------------------------------------------


def _built_config_path(workspace: Workspace, slug: str) -> Path:
    return dbt_dir(workspace, slug) / "configuration.json"


def built_config(workspace: Workspace, slug: str) -> dict | None:
    """The configuration the tenant was last built with here (None: never onboarded here)."""
    path = _built_config_path(workspace, slug)
    return json.loads(path.read_text()) if path.exists() else None


def configure(workspace: Workspace, catalog: Catalog, tenant: Tenant) -> str:
    """Record the configuration the tenant is built with; dbt gets it as vars (gata.warehouse.dbt_vars)."""
    path = _built_config_path(workspace, tenant.slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tenant.model_dump(mode="json"), sort_keys=True, indent=1))
    sources = sorted(tenant_vars(tenant, catalog)["gata_sources"])
    return f"{len(sources)} sources: {', '.join(sources)}"


def set_status(workspace: Workspace, tenant: Tenant, status: str, message: str | None = None) -> None:
    """The tenant's status, in its own database (what its runs read) and the platform registry."""
    now = datetime.now(UTC).replace(tzinfo=None)
    path = workspace.warehouse_path(tenant.slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        ensure_tables(con)
        con.execute(
            f"insert or replace into {PLATFORM_SCHEMA}.tenant_status values (?, ?, ?, ?, ?)",
            [tenant.slug, status, tenant.config_hash(), now, message],
        )
    platform_db.record_status(workspace, tenant, status, message)


def build(
    workspace: Workspace,
    catalog: Catalog,
    tenant: Tenant,
    select: list[str] | None = None,
    run_id: str | None = None,
    full: bool = True,
) -> DbtResult:
    """Build the tenant: in full (onboarding, replay: its models rebuilt) or incrementally (`full=False`, a
    sync: every model takes only what is newer than what it holds). Without `select`, every model of the
    tenant's sources, and the relations of models no longer enabled (a source removed) are dropped."""
    runner = DbtRunner(workspace, tenant, catalog, run_id=run_id)
    args = ["build", *(["--full-refresh"] if full else []), *(["--select", *select] if select else [])]
    result = runner.invoke(args)
    if select is None and result.error is None:
        drop_stale_relations(workspace, tenant.slug, runner.target_path / "manifest.json")
    return result


# schemas dbt builds into; relations there that no enabled model names are left from removed sources
BUILT_SCHEMAS = ("staging", "platform", "intermediate", "analytics", "observability")


def drop_stale_relations(workspace: Workspace, slug: str, manifest_path: Path) -> list[str]:
    """Drop the tables and views of models the tenant's project no longer builds (its landed data stays)."""
    if not manifest_path.exists():
        return []
    manifest = json.loads(manifest_path.read_text())
    built = {
        (n["schema"], n.get("alias") or n["name"])
        for n in manifest.get("nodes", {}).values()
        if n.get("resource_type") in ("model", "seed", "snapshot")
    }
    dropped = []
    with duckdb.connect(str(workspace.warehouse_path(slug))) as con:
        rows = con.execute(
            "select schema_name, table_name, 'table' from duckdb_tables() where database_name = current_database() "
            "union all select schema_name, view_name, 'view' from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall()
        for schema, name, kind in rows:
            if schema in BUILT_SCHEMAS and (schema, name) not in built:
                con.execute(f'drop {kind} if exists "{schema}"."{name}"')
                dropped.append(f"{schema}.{name}")
    return dropped


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


def _resolve(config: GataConfig, slugs: list[str], seed: int | None) -> list[Tenant]:
    tenants = [config.tenant(slug) for slug in slugs]  # an unknown slug is refused before anything runs
    return [t.model_copy(update={"seed": seed}) for t in tenants] if seed is not None else tenants


def for_each_tenant(
    task: Callable[[str, ProgressCallback | None], OnboardResult],
    slugs: list[str],
    progress: ProgressCallback | None,
) -> OnboardResult:
    """Run a per-tenant task for every tenant, in parallel processes when there are several; the result holds
    every tenant's steps (named `<tenant>: <step>`); one tenant's failure does not stop the others, and is
    raised once all have finished."""
    if len(slugs) == 1:
        return task(slugs[0], progress)
    started = time.perf_counter()

    def prefixed(slug: str) -> ProgressCallback | None:
        return (lambda step, state: progress(f"{slug}: {step}", state)) if progress else None

    outcomes = run_per_tenant(task, slugs, prefixed)
    result = OnboardResult(tenants=list(slugs))
    failures: list[tuple[str, BaseException]] = []
    for slug in slugs:
        outcome = outcomes[slug]
        if isinstance(outcome, BaseException):
            failures.append((slug, outcome))
            continue
        result.steps += [StepTiming(f"{slug}: {s.step}", s.seconds, s.detail) for s in outcome.steps]
    result.wall_seconds = time.perf_counter() - started
    if failures:
        if not all(isinstance(exc, OnboardingError) for _, exc in failures):
            raise next(exc for _, exc in failures if not isinstance(exc, OnboardingError))
        error = OnboardingError(
            ", ".join(f"{slug}: {exc.step}" for slug, exc in failures),  # type: ignore[attr-defined]
            "; ".join(f"{slug}: {exc.message}" for slug, exc in failures),  # type: ignore[attr-defined]
        )
        error.result = result  # type: ignore[attr-defined]
        raise error
    return result


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
    tenants = {t.slug: t for t in _resolve(config, slugs, seed)}
    check_workspace(workspace)
    task = partial(_onboard_tenant, config, tenants, workspace, days, end_date, ingest)
    return for_each_tenant(task, list(tenants), progress)


def _onboard_tenant(
    config: GataConfig,
    tenants: dict[str, Tenant],
    workspace: Workspace,
    days: int,
    end_date: date | None,
    ingest: bool,
    slug: str,
    progress: ProgressCallback | None,
) -> OnboardResult:
    tenant = tenants[slug]
    result = OnboardResult(tenants=[slug])
    steps = _Steps(result, progress)
    with ExitStack() as held:

        def validate() -> str:  # a second run of the same tenant is refused here, before anything is written
            held.enter_context(tenant_lock(workspace, slug, f"onboarding of {slug}"))
            try:
                platform_db.refuse_offboarded(workspace, slug)
            except platform_db.SlugRetiredError as exc:
                raise OnboardingError("validate", str(exc)) from None
            return "tenant valid"

        steps.run("validate", validate)
        workspace.ensure()
        with _captured(workspace, config, "onboard", tenant, steps) as run_id:
            _onboard_steps(config, tenant, workspace, steps, result, days, end_date, ingest, run_id)
    return result


def check_workspace(workspace: Workspace) -> None:
    """Refuse a workspace laid out before per-tenant databases (one shared warehouse.duckdb): building on it
    would leave its data behind silently."""
    if workspace.legacy_warehouse_path.exists():
        raise OnboardingError(
            "validate",
            f"{workspace.root} was built by an earlier GATA with one shared warehouse.duckdb; this version keeps one "
            f"database per tenant. Run `gata migrate --workspace {workspace.root}` to move its tenants over "
            "(their landed data is kept), then try again.",
        )


def _onboard_steps(config, tenant, workspace, steps, result, days, end_date, ingest, run_id) -> None:
    if ingest:
        pending = []

        def generate() -> str:
            # with the analytics tools' attribution look-back before the first day (gata.ingest.warmup)
            pending.append(generate_tenant(config, tenant, workspace, days=days, end_date=end_date, warmup=True))
            return f"{sum(o.rows for o in pending[0].staged.objects.values()):,} records"

        steps.run("generate", generate)
        steps.run("land", lambda: f"{land_pending(pending[0], workspace).rows:,} rows")
    steps.run(
        "register",
        lambda: (
            (f"connector library registered: {register_library(workspace, config.catalog, tenant.slug)} objects")
            if not library_registered(workspace, tenant.slug)
            else "connector library already registered"
        ),
    )
    steps.run("configure", lambda: configure(workspace, config.catalog, tenant))
    _build_and_test(steps, result, lambda: build(workspace, config.catalog, tenant, run_id=run_id))
    steps.run("activate", lambda: (set_status(workspace, tenant, "active"), "active")[1])


def _build_and_test(steps: _Steps, result: OnboardResult, run_dbt: Callable[[], DbtResult]) -> None:
    """The build step (models must succeed), then the test step (every test must pass)."""

    def run_build() -> str:
        result.build = run_dbt()
        return _check_build(result.build)

    steps.run("build", run_build)
    steps.run("test", lambda: _check_tests(result.build))  # type: ignore[arg-type]


@contextmanager
def _captured(workspace: Workspace, config: GataConfig, kind: str, tenant: Tenant, steps: _Steps):
    """The run is recorded for observability; afterwards the tenant is published: its new data after a
    success, or its last good data with fresh health after a failure (the failure is what users must see)."""
    try:
        with capture_run(workspace, kind, tenant.slug) as run:
            try:
                yield run.run_id
            finally:
                run.steps = [asdict(s) for s in steps.result.steps]
    except OnboardingError as exc:
        set_status(workspace, tenant, "failed", str(exc))
        publish_snapshot(workspace, tenant, config_dir=Path(config.tenants_file).parent, health_only=True)
        raise
    steps.run("publish", lambda: publish(workspace, config, tenant))


def publish(workspace: Workspace, config: GataConfig, tenant: Tenant) -> str:
    """A new read snapshot for the API; its readers switch to it atomically."""
    done = publish_snapshot(workspace, tenant, config_dir=Path(config.tenants_file).parent)
    return f"{done.tenant}: {done.version}"


def star_table_counts(workspace: Workspace, slugs: list[str]) -> dict[tuple[str, str], int]:
    """Row counts of each tenant's six star tables (0 when a table or the tenant's database is missing)."""
    counts: dict[tuple[str, str], int] = {(slug, c.table): 0 for slug in slugs for c in CONTRACTS}
    for slug in slugs:
        path = workspace.warehouse_path(slug)
        if not path.exists():
            continue
        with duckdb.connect(str(path), read_only=True) as con:
            existing = {
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'analytics'"
                ).fetchall()
            }
            for contract in CONTRACTS:
                name = contract.model_name(slug)
                if name in existing:
                    counts[(slug, contract.table)] = con.execute(f'select count(*) from analytics."{name}"').fetchone()[
                        0
                    ]
    return counts


def replay(
    config: GataConfig, slugs: list[str], workspace: Workspace, progress: ProgressCallback | None = None
) -> OnboardResult:
    """Rebuild from the master payloads, with the current logic, the intermediate models logic applies to (daily
    objects) and every analytics model; nothing is ingested."""
    tenants = {t.slug: t for t in _resolve(config, slugs, None)}
    check_workspace(workspace)
    return for_each_tenant(partial(_replay_tenant, config, tenants, workspace), list(tenants), progress)


def _replay_tenant(
    config: GataConfig, tenants: dict[str, Tenant], workspace: Workspace, slug: str, progress: ProgressCallback | None
) -> OnboardResult:
    tenant = tenants[slug]
    result = OnboardResult(tenants=[slug])
    steps = _Steps(result, progress)
    with ExitStack() as held:

        def validate() -> str:
            held.enter_context(tenant_lock(workspace, slug, f"replay of {slug}"))
            return "tenant valid"

        steps.run("validate", validate)
        _replay_steps(config, tenant, workspace, steps, result)
    return result


def _unbuilt_parsed_events(workspace: Workspace, tenant: Tenant) -> list[str]:
    """The parsed-events models (no logic: replay reads them) of the tenant's analytics tools that its database
    does not hold yet, e.g. one built before they were split from sessionizing: replay builds them once."""
    wanted = {f"int_{s.connector}__events_parsed" for s in tenant.sources_in(Domain.analytics)}
    if not wanted:
        return []
    with duckdb.connect(str(workspace.warehouse_path(tenant.slug)), read_only=True) as con:
        held = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'intermediate'"
            ).fetchall()
        }
    return sorted(wanted - held)


def _replay_steps(config: GataConfig, tenant: Tenant, workspace: Workspace, steps: _Steps, result) -> None:
    steps.run("configure", lambda: configure(workspace, config.catalog, tenant))
    # logic applies to the daily objects' intermediate models (conversion action types, sessionization) and
    # to the engines; entity models (campaigns, products, profiles) do not change with logic
    select = [
        "tag:intermediate,tag:logic",
        "tag:analytics",
        "tag:observability",  # views: cheap, and current with their macros
        "platform_sat__tenant_config_history",  # records the configuration change
        *_unbuilt_parsed_events(workspace, tenant),
    ]
    with _captured(workspace, config, "replay", tenant, steps) as run_id:
        _build_and_test(steps, result, lambda: build(workspace, config.catalog, tenant, select=select, run_id=run_id))
        set_status(workspace, tenant, "active")
