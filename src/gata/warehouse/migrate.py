"""Moving a workspace built before per-tenant databases (one shared `warehouse.duckdb`) to the new layout.

Each tenant's landed data (its `raw_<slug>__<connector>` datasets, dlt's own tables included, so the
sources' incremental state goes on where it stood) and its run records are copied into its own database;
then every tenant of the tenants file that had data is rebuilt from those payloads (no ingestion) and
published. The old file is kept, renamed `warehouse.duckdb.migrated`, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from gata.config.tenants import GataConfig
from gata.runs.record import PLATFORM_SCHEMA, ensure_tables
from gata.warehouse.onboard import OnboardResult, onboard
from gata.workspace import Workspace

# run records of one tenant, copied with the tenant's rows only
TENANT_RECORDS = ("ingest_loads", "pipeline_runs", "tenant_status", "schema_drift")


@dataclass
class Migration:
    copied: dict[str, list[str]] = field(default_factory=dict)  # tenant -> datasets copied
    rebuilt: OnboardResult | None = None
    not_configured: list[str] = field(default_factory=list)  # data moved, but not in the tenants file
    kept_as: str = ""


def _tenants_in(con: duckdb.DuckDBPyConnection, known: list[str]) -> dict[str, list[str]]:
    """Datasets of each tenant: raw_<slug>__<connector> (dlt's *_staging datasets are left behind)."""
    query = "select schema_name from duckdb_schemas() where database_name = 'legacy'"
    schemas = [r[0] for r in con.execute(query).fetchall()]
    found: dict[str, list[str]] = {}
    for schema in schemas:
        if not schema.startswith("raw_") or "__" not in schema or schema.endswith("_staging"):
            continue
        # a slug may contain "__" itself: the longest configured slug the dataset starts with wins
        matches = [k for k in known if schema.startswith(f"raw_{k}__")]
        slug = max(matches, key=len) if matches else schema.removeprefix("raw_").split("__", 1)[0]
        found.setdefault(slug, []).append(schema)
    return found


def migrate_workspace(config: GataConfig, workspace: Workspace) -> Migration:
    legacy = workspace.legacy_warehouse_path
    if not legacy.exists():
        raise FileNotFoundError(f"{workspace.root} has no shared warehouse.duckdb: nothing to migrate")
    migration = Migration()
    with duckdb.connect(":memory:") as con:
        con.execute(f"attach '{_quote(legacy)}' as legacy (read_only)")
        tenants = _tenants_in(con, [t.slug for t in config.tenants])
        platform_tables = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = 'legacy' and schema_name = ?",
                [PLATFORM_SCHEMA],
            ).fetchall()
        }
        for slug, datasets in sorted(tenants.items()):
            target = workspace.warehouse_path(slug)
            if target.exists():
                raise FileExistsError(f"tenant '{slug}' already has a database at {target}; move it away first")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".migrating")
            partial.unlink(missing_ok=True)
            con.execute(f"attach '{_quote(partial)}' as tenant")
            for schema in sorted(datasets):
                con.execute(f'create schema tenant."{schema}"')
                tables = con.execute(
                    "select table_name from duckdb_tables() where database_name = 'legacy' and schema_name = ?",
                    [schema],
                ).fetchall()
                for (table,) in tables:
                    con.execute(f'create table tenant."{schema}"."{table}" as from legacy."{schema}"."{table}"')
            con.execute("use tenant")
            ensure_tables(con)
            for table in TENANT_RECORDS:
                if table in platform_tables:
                    con.execute(
                        f"insert into tenant.{PLATFORM_SCHEMA}.{table} "
                        f"from legacy.{PLATFORM_SCHEMA}.{table} where tenant_slug = ?",
                        [slug],
                    )
            con.execute("use memory")
            con.execute("detach tenant")
            partial.rename(target)
            migration.copied[slug] = sorted(datasets)
    kept = legacy.with_name("warehouse.duckdb.migrated")
    legacy.rename(kept)
    legacy.with_name("warehouse.duckdb.wal").unlink(missing_ok=True)
    migration.kept_as = str(kept)
    configured = [t.slug for t in config.tenants if t.slug in migration.copied]
    migration.not_configured = sorted(set(migration.copied) - set(configured))
    if configured:
        migration.rebuilt = onboard(config, configured, workspace, ingest=False)
    return migration


def _quote(path) -> str:
    return str(path).replace("'", "''")
