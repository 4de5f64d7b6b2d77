"""Record what each landing did (load ids, rows per table, new columns) in the warehouse and on disk.

The warehouse table `gata_platform.ingest_loads` is what observability and lineage read; the JSON file
under the workspace's runs/ folder is the same record for people and tools outside the warehouse.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime

import duckdb

from gata.ingest.land import ConnectorLoad
from gata.runs.record import PLATFORM_SCHEMA, ensure_tables  # noqa: E402
from gata.workspace import Workspace


@dataclass
class IngestRun:
    run_id: str
    tenant: str
    window_start: date
    window_end: date
    as_of: date
    started_at: datetime
    finished_at: datetime
    loads: list[ConnectorLoad]

    @property
    def rows(self) -> int:
        return sum(load.rows for load in self.loads)


def record_run(workspace: Workspace, run: IngestRun, connection: duckdb.DuckDBPyConnection | None = None) -> None:
    rows = [
        (
            run.run_id,
            run.tenant,
            load.connector,
            load.dataset,
            load_id,
            obj.table,
            obj.rows,
            json.dumps(obj.new_columns),
            run.window_start,
            run.window_end,
            run.as_of,
            run.started_at,
            run.finished_at,
        )
        for load in run.loads
        for load_id in load.load_ids
        for obj in load.objects
    ]
    con = connection or duckdb.connect(str(workspace.warehouse_path(run.tenant)))
    try:
        ensure_tables(con)
        if rows:
            con.executemany(
                f"insert into {PLATFORM_SCHEMA}.ingest_loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
    finally:
        if connection is None:
            con.close()
    workspace.runs_dir.mkdir(parents=True, exist_ok=True)
    path = workspace.runs_dir / f"ingest-{run.run_id}.json"
    path.write_text(json.dumps(asdict(run), default=str, indent=2))
