"""Publishing a tenant's read snapshot: the only thing the API and MCP ever open.

DuckDB allows one writing process per file, and the tenant's pipeline is the writer of its database. So
after a tenant's build passes, the writer copies the tenant's six star tables (sorted by their day, for
range pruning) into a new DuckDB file of its own, `serving/<slug>/<version>.duckdb`, and then swaps
`serving/<slug>/CURRENT` to name it (an atomic rename). Readers open snapshots read-only and follow
CURRENT, so they never wait for the pipeline, never see a half-built table, and can only ever reach that
one tenant's tables.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from gata.config.catalog import AdRole, Catalog
from gata.config.loader import load_catalog
from gata.config.tenants import Domain, Tenant
from gata.ingest.sync_state import freshness
from gata.semantic.overlay import Overlay, load_overlay
from gata.semantic.store import open_snapshot_file
from gata.settings import Settings, bound_pipeline_connection
from gata.star.contracts import BY_TABLE, CONTRACTS
from gata.star.snapshot import (
    METADATA_TABLE,
    current_version,
    make_current,
    new_version,
    snapshot_path,
    tenant_serving_dir,
)
from gata.workspace import Workspace

ANALYTICS_SCHEMA = "analytics"
OBSERVABILITY_SCHEMA = "observability"
PLATFORM_SCHEMA = "gata_platform"
SORT_COLUMN = {
    "fct_ad_performance": "report_date",
    "fct_orders": "order_date",
    "fct_sessions": "session_date",
    "fct_events": "event_date",
}


# the observability views of warehouse/models/observability, copied into the snapshot as obs_<view>
OBSERVABILITY_VIEWS = (
    "pipeline_runs",
    "node_results",
    "test_results",
    "lineage_edges",
    "source_freshness",
    "schema_drift",
    "semantic_readiness",
)


def observability_model(slug: str, view: str) -> str:
    return f"obs_{slug}__{view}"


def match_rates_model(slug: str) -> str:
    return f"rpt_{slug}__identity_match_rates"


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class PublishedSnapshot:
    tenant: str
    version: str
    path: Path
    row_counts: dict[str, int]


def _settling(tenant: Tenant, catalog: Catalog, con: duckdb.DuckDBPyConnection | None, star: str | None) -> dict:
    """Per domain, the longest restatement window of the tenant's daily report objects (the catalog's
    `restated_days`) and the last day landed: the semantic layer flags the days still settling."""
    out: dict[str, dict] = {}
    days = {
        d: max(
            (
                o.restated_days
                for s in tenant.sources_in(d)
                for o in catalog[s.connector].objects.values()
                if o.grain == "daily" and (d != Domain.paid_ads or o.role == AdRole.report)
            ),
            default=0,
        )
        for d in (Domain.paid_ads,)
    }
    for domain, restated in days.items():
        through = None
        if con is not None and star is not None:
            name = BY_TABLE["fct_ad_performance"].model_name(tenant.slug)
            through = con.execute(f'select max(report_date) from {star}."{name}"').fetchone()[0]
        out[domain.value] = {"restated_days": restated, "through": through.isoformat() if through else None}
    return out


def _history(tenant: Tenant, con: duckdb.DuckDBPyConnection | None, star: str | None) -> dict:
    """How far back the landed order history reaches: "new customer" can see no further."""
    if con is None or star is None:
        return {}
    name = BY_TABLE["fct_orders"].model_name(tenant.slug)
    first = con.execute(f'select min(order_date) from {star}."{name}"').fetchone()[0]
    return {"orders_from": first.isoformat() if first else None}


def tenant_profile(
    tenant: Tenant,
    catalog: Catalog | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    star: str | None = None,
) -> dict:
    """What the semantic layer needs of the configuration, frozen with the data it describes; given the
    published star tables (`star`: their schema on `con`), also the data's horizons (last reported day,
    first landed order)."""
    catalog = catalog if catalog is not None else load_catalog()
    funnels = {}
    for source in tenant.sources_in(Domain.analytics):
        logic = source.logic.resolved(source.connector)
        funnels[source.connector] = {"funnel_steps": logic.funnel_steps, "conversion_events": logic.conversion_events}
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "reporting_currency": tenant.reporting_currency,
        "analytics": funnels,
        "sources": [s.connector for s in tenant.enabled_sources()],
        "settling": _settling(tenant, catalog, con, star),
        "history": _history(tenant, con, star),
    }


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")  # ATTACH takes no parameters; the paths are ours


def _existing(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    catalog = con.execute("select current_database()").fetchone()[0]
    return {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ? "
            "union all select view_name from duckdb_views() where database_name = ? and schema_name = ?",
            [catalog, schema, catalog, schema],
        ).fetchall()
    }


def publish_snapshot(
    workspace: Workspace,
    tenant: Tenant,
    overlay: Overlay | None = None,
    config_dir: Path | None = None,
    health_only: bool = False,
) -> PublishedSnapshot:
    """Copy the tenant's star tables and observability views into a new snapshot and make it current.
    Call from the writer process. `health_only` (after a failed run) keeps serving the star tables of the
    current snapshot, unchanged, next to fresh observability; a tenant never served gets health alone."""
    if overlay is None:
        overlay = load_overlay(config_dir, tenant.slug) if config_dir is not None else Overlay()
    folder = tenant_serving_dir(workspace, tenant.slug)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.partial*"):  # left by a publish killed midway (one publisher per tenant: its lock)
        stale.unlink(missing_ok=True)
    previous = current_version(workspace, tenant.slug)
    version = new_version(folder)
    final = snapshot_path(workspace, tenant.slug, version)
    partial = final.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        warehouse = workspace.warehouse_path(tenant.slug)
        if not warehouse.exists():
            raise PublishError(
                f"tenant '{tenant.slug}' has no database in {workspace.root}; run `gata onboard {tenant.slug}` first"
            )
        with duckdb.connect(str(warehouse)) as con:
            bound_pipeline_connection(con, Settings())  # the sorted copy of a year of events spills
            con.execute(f"attach '{_quote(partial)}' as gata_snap")
            star_source: str | None = ANALYTICS_SCHEMA
            if health_only:
                star_source = None
                if previous is not None:
                    con.execute(
                        f"attach '{_quote(snapshot_path(workspace, tenant.slug, previous))}' as gata_prev (read_only)"
                    )
                    star_source = "gata_prev.main"
            else:
                built = _existing(con, ANALYTICS_SCHEMA)
                missing = [c.model_name(tenant.slug) for c in CONTRACTS if c.model_name(tenant.slug) not in built]
                if missing:
                    raise PublishError(
                        f"tenant '{tenant.slug}' has no built star tables ({', '.join(missing)}); "
                        f"run `gata onboard {tenant.slug}` first"
                    )
            if star_source is not None:
                for contract in CONTRACTS:
                    name = contract.model_name(tenant.slug)
                    order = f' order by "{SORT_COLUMN[contract.table]}"' if contract.table in SORT_COLUMN else ""
                    con.execute(f'create table gata_snap.main."{name}" as select * from {star_source}."{name}"{order}')
                    counts[contract.table] = con.execute(f'select count(*) from gata_snap.main."{name}"').fetchone()[0]
            observability = _copy_observability(con, tenant.slug)
            if health_only and previous is not None:
                con.execute("detach gata_prev")
            metadata = {
                "tenant": tenant.slug,
                "version": version,
                "published_at": datetime.now(UTC).isoformat(),
                "row_counts": counts,
                "has_star_tables": bool(counts),
                "health_only": health_only,
                "observability": observability,
                "profile": tenant_profile(tenant, con=con, star="gata_snap.main" if counts else None),
                "overlay": overlay.model_dump(mode="json", exclude_none=True),
                "data_through": freshness(workspace, tenant.slug, [s.connector for s in tenant.enabled_sources()]),
            }
            con.execute(f"create table gata_snap.main.{METADATA_TABLE} (key varchar primary key, value json)")
            con.executemany(
                f"insert into gata_snap.main.{METADATA_TABLE} values (?, ?)",
                [(k, json.dumps(v)) for k, v in metadata.items()],
            )
            con.execute("detach gata_snap")
        _check_servable(partial, tenant.slug, version)
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        partial.with_suffix(".partial.wal").unlink(missing_ok=True)
        raise
    make_current(workspace, tenant.slug, version)
    return PublishedSnapshot(tenant.slug, version, final, counts)


def _copy_observability(con: duckdb.DuckDBPyConnection, slug: str) -> list[str]:
    """The tenant's observability views (and identity match rates) as tables `obs_<view>` of the snapshot."""
    views = _existing(con, OBSERVABILITY_SCHEMA)
    copied = []
    for view in OBSERVABILITY_VIEWS:
        name = observability_model(slug, view)
        if name in views:
            con.execute(f'create table gata_snap.main."obs_{view}" as select * from {OBSERVABILITY_SCHEMA}."{name}"')
            copied.append(view)
    platform = _existing(con, PLATFORM_SCHEMA)
    if "pipeline_runs" not in copied and "pipeline_runs" in platform:
        _copy_runs_unbuilt(con, slug)
        copied.append("pipeline_runs")
    if "ingest_loads" in platform:
        con.execute(
            "create table gata_snap.main.obs_loads as select * exclude (tenant_slug) "
            f"from {PLATFORM_SCHEMA}.ingest_loads where tenant_slug = ? order by started_at, load_id, table_name",
            [slug],
        )
        copied.append("loads")
    if "lineage_edges" in copied:
        _copy_relation_counts(con, slug)
        copied.append("relation_counts")
    rates = match_rates_model(slug)
    if rates in _existing(con, ANALYTICS_SCHEMA):
        con.execute(
            f'create table gata_snap.main.obs_identity_resolution as select * from {ANALYTICS_SCHEMA}."{rates}"'
        )
        copied.append("identity_resolution")
    return copied


def _copy_runs_unbuilt(con: duckdb.DuckDBPyConnection, slug: str) -> None:
    """The runs of a tenant whose observability views were never built (its first onboarding failed before
    dbt ran): the same columns, without dbt's node counts, so its health page shows the failure."""
    counts = ", ".join(
        f"0::bigint as {c}"
        for c in ("models_succeeded", "models_failed", "tests_passed", "tests_failed", "tests_warned", "tests_errored")
    )
    con.execute(
        "create table gata_snap.main.obs_pipeline_runs as select run_id, kind, tenant_slug, status, started_at, "
        "finished_at, date_diff('millisecond', started_at, finished_at) / 1000.0 as duration_seconds, message, "
        f"steps, {counts} from {PLATFORM_SCHEMA}.pipeline_runs where tenant_slug = ?",
        [slug],
    )


def _copy_relation_counts(con: duckdb.DuckDBPyConnection, slug: str) -> None:
    """Rows of every relation on the tenant's lineage, counted for this tenant only (its slice of a shared
    master model), so a lineage path shows where rows appear, multiply or disappear."""
    relations = con.execute(
        "select distinct relation from (select parent_relation as relation from gata_snap.main.obs_lineage_edges "
        "union all select child_relation from gata_snap.main.obs_lineage_edges) where relation is not null"
    ).fetchall()
    rows = []
    for (relation,) in relations:
        try:
            columns = {r[0] for r in con.execute(f"describe select * from {relation}").fetchall()}
        except duckdb.CatalogException:
            continue  # in the graph but never built (e.g. a model added since the last build)
        where = " where tenant_slug = ?" if "tenant_slug" in columns else ""
        count = con.execute(f"select count(*) from {relation}{where}", [slug] if where else []).fetchone()[0]
        rows.append((relation, count))
    con.execute("create table gata_snap.main.obs_relation_counts (relation_name varchar primary key, row_count bigint)")
    con.executemany("insert into gata_snap.main.obs_relation_counts values (?, ?)", rows)


def _check_servable(path: Path, slug: str, version: str) -> None:
    """Build the snapshot's semantic layer once before anyone can see it: an overlay naming a column or
    measure that does not exist fails the publish, and the current snapshot stays current."""
    open_snapshot_file(path, slug, version).connection.close()  # builds the layer when star tables exist
