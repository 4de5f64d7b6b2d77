"""Run dbt in-process (dbtRunner) against one tenant's database and project: no interpreter start-up per
call, partial parsing kept in the tenant's target folder. Different tenants build in different processes
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

from gata.runs.dbt_results import DbtResult, NodeResult
from gata.runs.record import ensure_tables, record_invocation
from gata.settings import Settings, motherduck_database_for, threads_per_run
from gata.warehouse.scaffold import dbt_dir, sync_project
from gata.workspace import Workspace

PLATFORM_SCHEMA = "gata_platform"
_DBT_LOCK = threading.Lock()  # dbt's in-process runner keeps global state: one invocation at a time

DBT_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_VERSION_CHECK": "false",
    "DBT_USE_COLORS": "false",
    "DBT_PRINTER_WIDTH": "100",
}


def write_build_scope(workspace: Workspace, slug: str, tenants: list[str]) -> None:
    path = workspace.warehouse_path(slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        ensure_tables(con)  # observability views read them, so they exist before the first build
        con.execute(f"create or replace table {PLATFORM_SCHEMA}.build_scope (tenant_slug varchar primary key)")
        if tenants:
            con.executemany(
                f"insert into {PLATFORM_SCHEMA}.build_scope values (?)", [(t,) for t in sorted(set(tenants))]
            )


class DbtRunner:
    def __init__(
        self,
        workspace: Workspace,
        settings: Settings | None = None,
        project: str = "",
        run_id: str | None = None,
    ):
        self.workspace = workspace
        self.settings = settings or Settings()
        if not project:
            raise ValueError("a dbt project is a tenant's: name the tenant")
        self.project = project  # the tenant's slug
        self.run_id = run_id  # the pipeline run this invocation belongs to, for observability

    @property
    def project_dir(self) -> Path:
        return dbt_dir(self.workspace, self.project)

    @property
    def target_path(self) -> Path:
        return self.project_dir / "target"

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

    def invoke(self, args: list[str], scope: list[str] | None = None) -> DbtResult:
        """Run one dbt command (e.g. ["build", "--select", "tag:tenant_x"]) in this process."""
        from dbt.cli.main import dbtRunner

        started = datetime.now(UTC).replace(tzinfo=None)
        if scope is not None:
            write_build_scope(self.workspace, self.project, scope)
        sync_project(self.workspace, self.project)
        project = self.project_dir
        command = [
            *args,
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(self.target_path),
            "--log-path",
            str(project / "logs"),
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
        record_invocation(self.workspace, result, self.target_path, self.project, scope, started, self.run_id)
        return result
