"""Run dbt in-process (dbtRunner): the one checked-in project (warehouse/) against one tenant's database,
the tenant given as vars. No interpreter start-up per call; partial parsing kept in the tenant's own target
folder (its vars never change between its runs). Different tenants build in different processes
(gata.warehouse.parallel); dbt's runner holds global state, so one invocation at a time per process.
"""

from __future__ import annotations

import gc
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dbt.adapters.duckdb.connections import DuckDBConnectionManager

from gata.config.catalog import Catalog
from gata.config.tenants import Tenant
from gata.ingest.sync_state import reported_from
from gata.runs.dbt_results import DbtResult, NodeResult
from gata.runs.record import ensure_tables, record_invocation
from gata.settings import Settings, motherduck_database_for, threads_per_run
from gata.warehouse.dbt_vars import PROJECT_DIR, vars_argument
from gata.workspace import Workspace

PLATFORM_SCHEMA = "gata_platform"
_DBT_LOCK = threading.Lock()  # dbt's in-process runner keeps global state: one invocation at a time

DBT_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_VERSION_CHECK": "false",
    "DBT_USE_COLORS": "false",
    "DBT_PRINTER_WIDTH": "100",
}


class DbtRunner:
    def __init__(
        self,
        workspace: Workspace,
        tenant: Tenant,
        catalog: Catalog,
        settings: Settings | None = None,
        run_id: str | None = None,
        project_dir: Path | None = None,
    ):
        self.workspace = workspace
        self.settings = settings or Settings()
        self.tenant, self.catalog = tenant, catalog
        self._project_dir = project_dir or PROJECT_DIR  # another project only for tests of the macros
        self.project = tenant.slug
        self.run_id = run_id  # the pipeline run this invocation belongs to, for observability

    @property
    def project_dir(self) -> Path:
        return self._project_dir

    @property
    def target_path(self) -> Path:
        """The tenant's own target folder: compiled SQL, manifest, run results and partial-parse state."""
        return dbt_dir(self.workspace, self.project) / "target"

    def environment(self) -> dict[str, str]:
        env = dict(DBT_ENV)
        env["GATA_WAREHOUSE_PATH"] = str(self.workspace.warehouse_path(self.project))
        env["GATA_DUCKDB_MEMORY_LIMIT"] = self.settings.duckdb_memory_limit
        env["GATA_DUCKDB_THREADS"] = str(threads_per_run(self.settings, 1))
        database = motherduck_database_for(self.settings, self.project)
        if database:
            env["GATA_DBT_TARGET"] = "motherduck"
            env["GATA_MOTHERDUCK_DATABASE"] = database
            if self.settings.motherduck_token:
                env["MOTHERDUCK_TOKEN"] = self.settings.motherduck_token.get_secret_value()
        else:
            env["GATA_DBT_TARGET"] = "local"
        return env

    def invoke(self, args: list[str]) -> DbtResult:
        """Run one dbt command (e.g. ["build", "--select", "tag:analytics"]) for the tenant, in this process."""
        from dbt.cli.main import dbtRunner

        started = datetime.now(UTC).replace(tzinfo=None)
        path = self.workspace.warehouse_path(self.project)
        path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(path)) as con:
            ensure_tables(con)  # observability views read them, so they exist before the first build
        command = [
            *args,
            "--project-dir",
            str(self.project_dir),
            "--profiles-dir",
            str(self.project_dir),
            "--target-path",
            str(self.target_path),
            "--log-path",
            str(self.target_path.parent / "logs"),
            "--vars",
            vars_argument(self.tenant, self.catalog, reported_from(self.workspace, self.tenant, self.catalog)),
            "--quiet",
        ]
        with _DBT_LOCK:
            os.environ.update(self.environment())
            try:
                outcome = dbtRunner().invoke(command)
            finally:
                # dbt-duckdb keeps the database open after a run; release it so this process can open the
                # warehouse again (read-only or with other settings)
                DuckDBConnectionManager.close_all_connections()
                gc.collect()
        result = DbtResult(command=command, success=bool(outcome.success))
        if outcome.exception is not None:
            result.error = f"{type(outcome.exception).__name__}: {outcome.exception}"
        for r in getattr(outcome.result, "results", None) or []:
            adapter = getattr(r, "adapter_response", None) or {}
            result.nodes.append(
                NodeResult(
                    unique_id=r.node.unique_id,
                    resource_type=r.node.resource_type.value
                    if hasattr(r.node.resource_type, "value")
                    else str(r.node.resource_type),
                    status=str(r.status.value if hasattr(r.status, "value") else r.status),
                    execution_time=float(r.execution_time or 0.0),
                    message=r.message,
                    failures=r.failures,
                    rows_affected=adapter.get("rows_affected") if isinstance(adapter, dict) else None,
                )
            )
        record_invocation(self.workspace, result, self.target_path, self.project, started, self.run_id)
        return result


def dbt_dir(workspace: Workspace, slug: str) -> Path:
    """The tenant's dbt folder: its target (compiled SQL, manifest, partial-parse state) and logs."""
    return workspace.tenant_dir(slug) / "dbt"
