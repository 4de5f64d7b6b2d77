"""The platform database (`<workspace>/platform.duckdb`): records about tenants, never their data.

Each tenant's data and run records live in its own database; what spans tenants lives here: the registry
of every tenant ever onboarded (its stable key, current status and configuration hash), the history of
its configurations, and the connector library. Pipelines of different tenants run in parallel processes,
and DuckDB admits one process per file at a time, so every access is short and under one lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb

from gata.config.tenants import Tenant
from gata.workspace import Workspace

DDL = """
create table if not exists tenants (
    tenant_slug varchar primary key,
    tenant_skey varchar not null,
    first_registered_at timestamp not null,
    status varchar not null,
    config_hash varchar not null,
    updated_at timestamp not null,
    message varchar
);
create table if not exists tenant_config_history (
    tenant_slug varchar not null,
    config_hash varchar not null,
    config_json json not null,
    first_seen_at timestamp not null,
    primary key (tenant_slug, config_hash)
);
"""


def tenant_skey(slug: str) -> str:
    """The tenant's stable key: the same in every database and every run."""
    return hashlib.md5(f"gata-tenant|{slug}".encode()).hexdigest()


@contextmanager
def platform_connection(workspace: Workspace, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The platform database, held briefly under `locks/platform.lock` (shared with every other process)."""
    locks = workspace.root / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    fd = os.open(locks / "platform.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if read_only and not workspace.platform_path.exists():
            with duckdb.connect(":memory:") as con:
                con.execute(DDL)
                yield con
            return
        workspace.root.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(workspace.platform_path)) as con:
            con.execute(DDL)
            yield con
    finally:
        os.close(fd)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_status(workspace: Workspace, tenant: Tenant, status: str, message: str | None = None) -> None:
    """A tenant's status after a run step, and its configuration when first seen."""
    now = _now()
    config_json = json.dumps(tenant.model_dump(mode="json"), sort_keys=True)
    with platform_connection(workspace) as con:
        con.execute(
            "insert into tenants values (?, ?, ?, ?, ?, ?, ?) on conflict (tenant_slug) do update set "
            "status = excluded.status, config_hash = excluded.config_hash, updated_at = excluded.updated_at, "
            "message = excluded.message",
            [tenant.slug, tenant_skey(tenant.slug), now, status, tenant.config_hash(), now, message],
        )
        con.execute(
            "insert or ignore into tenant_config_history values (?, ?, ?, ?)",
            [tenant.slug, tenant.config_hash(), config_json, now],
        )


def registered_tenants(workspace: Workspace) -> dict[str, dict]:
    """Every tenant ever registered here: slug -> {status, config_hash, updated_at, message}."""
    with platform_connection(workspace, read_only=True) as con:
        rows = con.execute(
            "select tenant_slug, status, config_hash, updated_at, message, first_registered_at from tenants"
        ).fetchall()
    return {
        r[0]: {"status": r[1], "config_hash": r[2], "updated_at": r[3], "message": r[4], "first_registered_at": r[5]}
        for r in rows
    }


OFFBOARDED = "offboarded"


def offboarded(workspace: Workspace, slug: str) -> dict | None:
    """The registry's tombstone of `slug` (None: the slug is not offboarded). A tombstoned slug cannot be
    onboarded again until it is purged: its old keys, users and data must never meet a new tenant."""
    row = registered_tenants(workspace).get(slug)
    return row if row and row["status"] == OFFBOARDED else None


def refuse_offboarded(workspace: Workspace, slug: str) -> None:
    """Raise SlugRetiredError when `slug` belongs to an offboarded tenant: a run must not build on it."""
    tomb = offboarded(workspace, slug)
    if tomb is not None:
        raise SlugRetiredError(slug, tomb.get("message") or "")


class SlugRetiredError(RuntimeError):
    def __init__(self, slug: str, message: str):
        self.slug = slug
        super().__init__(
            f"the slug '{slug}' belonged to a tenant that was offboarded ({message}); it cannot be reused until "
            f"`gata purge {slug}` removes everything of the old tenant, or choose another slug"
        )


def mark_offboarded(workspace: Workspace, slug: str, message: str) -> None:
    now = _now()
    with platform_connection(workspace) as con:
        con.execute(
            "insert into tenants values (?, ?, ?, ?, '', ?, ?) on conflict (tenant_slug) do update set "
            "status = excluded.status, updated_at = excluded.updated_at, message = excluded.message",
            [slug, tenant_skey(slug), now, OFFBOARDED, now, message],
        )


def forget_tenant(workspace: Workspace, slug: str) -> None:
    """Delete every registry row of `slug`, then rewrite the file: DuckDB leaves deleted values in free
    blocks, and a purge must leave no byte of the tenant behind."""
    if not workspace.platform_path.exists():
        return
    with platform_connection(workspace) as con:
        con.execute("delete from tenant_config_history where tenant_slug = ?", [slug])
        con.execute("delete from tenants where tenant_slug = ?", [slug])
        _compact(con, workspace)


def _compact(con: duckdb.DuckDBPyConnection, workspace: Workspace) -> None:
    """Copy the database into a fresh file and put it in place (the caller holds the platform lock)."""
    fresh = workspace.platform_path.with_name(".platform.compacting.duckdb")
    fresh.unlink(missing_ok=True)
    name = con.execute("select current_database()").fetchone()[0]
    quoted = str(fresh).replace("'", "''")
    con.execute(f"attach '{quoted}' as compacted")
    con.execute(f"copy from database {name} to compacted")
    con.execute("detach compacted")
    con.close()
    os.replace(fresh, workspace.platform_path)
    workspace.platform_path.with_name(workspace.platform_path.name + ".wal").unlink(missing_ok=True)
