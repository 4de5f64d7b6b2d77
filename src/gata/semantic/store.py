"""Readers of the published snapshots: per tenant, the current version, a read-only connection and its layer.

A request asks `SnapshotStore.get(slug)`; that stats the tenant's CURRENT pointer and, when the pipeline
has published a newer snapshot, opens it and swaps it in. Requests already running keep the snapshot
object they started with, so a swap never interrupts a query; the old connection closes when the last
one lets go of it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
from ibis.backends.sql.datatypes import DuckDBType

from gata.config.tenants import SLUG_PATTERN
from gata.semantic.layer import TenantLayer
from gata.semantic.overlay import Overlay
from gata.star.snapshot import METADATA_TABLE, current_version, snapshot_path, tenant_serving_dir
from gata.workspace import Workspace

_SLUG = re.compile(SLUG_PATTERN)
log = logging.getLogger(__name__)


class TenantNotServed(LookupError):
    """No snapshot is published for this tenant (or the name is not a tenant slug at all)."""


@dataclass
class TenantSnapshot:
    tenant: str
    version: str
    path: Path
    connection: duckdb.DuckDBPyConnection
    layer: TenantLayer | None  # None: a tenant whose first run failed is served health alone
    metadata: dict

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one query (DuckDB connections are not shared between threads)."""
        return self.connection.cursor()


def open_snapshot(
    workspace: Workspace, slug: str, version: str, memory_limit: str = "1GB", threads: int = 2
) -> TenantSnapshot:
    return open_snapshot_file(snapshot_path(workspace, slug, version), slug, version, memory_limit, threads)


def open_snapshot_file(
    path: Path, slug: str, version: str, memory_limit: str = "1GB", threads: int = 2
) -> TenantSnapshot:
    """Open a snapshot and build its semantic layer; raises if the overlay does not fit the tables."""
    con = duckdb.connect(str(path), read_only=True, config={"memory_limit": memory_limit, "threads": threads})
    try:
        metadata = {k: json.loads(v) for k, v in con.execute(f"select key, value from {METADATA_TABLE}").fetchall()}
        if metadata.get("tenant") != slug:
            raise RuntimeError(f"snapshot {path} belongs to {metadata.get('tenant')!r}, not {slug!r}")
        schemas: dict[str, ibis.Schema] = {}
        for table, column, dtype in con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'main' order by table_name, ordinal_position"
        ).fetchall():
            schemas.setdefault(table, {})[column] = DuckDBType.from_string(dtype)  # type: ignore[index]
        layer = None
        if metadata.get("has_star_tables", True):
            layer = TenantLayer(
                slug,
                version,
                {t: ibis.schema(s) for t, s in schemas.items()},
                metadata.get("profile", {}),
                Overlay.model_validate(metadata.get("overlay", {})),
            )
    except BaseException:
        con.close()
        raise
    return TenantSnapshot(slug, version, path, con, layer, metadata)


class SnapshotStore:
    """Current snapshots of every tenant in a workspace, opened lazily and swapped when republished."""

    def __init__(self, workspace: Workspace, memory_limit: str = "1GB", threads: int = 2):
        self.workspace = workspace
        self.memory_limit, self.threads = memory_limit, threads
        self._current: dict[str, TenantSnapshot] = {}
        self._pointer_stat: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._listeners: list = []

    def on_swap(self, callback) -> None:
        """Called with (slug, old_version) after a tenant's snapshot changed; caches drop that tenant."""
        self._listeners.append(callback)

    def tenants(self) -> list[str]:
        root = self.workspace.serving_dir
        if not root.exists():
            return []
        return sorted(p.name for p in root.iterdir() if _SLUG.match(p.name) and (p / "CURRENT").exists())

    def get(self, slug: str) -> TenantSnapshot:
        if not _SLUG.match(slug):
            raise TenantNotServed(slug)
        pointer = tenant_serving_dir(self.workspace, slug) / "CURRENT"
        try:
            st = os.stat(pointer)
        except FileNotFoundError:
            self._forget(slug)  # unpublished (offboarded): let go of its file and cached answers
            raise TenantNotServed(slug) from None
        stamp = (st.st_mtime_ns, st.st_ino)
        snap = self._current.get(slug)
        if snap is not None and self._pointer_stat.get(slug) == stamp:
            return snap
        with self._lock:
            snap = self._current.get(slug)
            if snap is not None and self._pointer_stat.get(slug) == stamp:
                return snap
            version = current_version(self.workspace, slug)
            if version is None:
                raise TenantNotServed(slug)
            if snap is None or snap.version != version:
                try:
                    new = open_snapshot(self.workspace, slug, version, self.memory_limit, self.threads)
                except Exception:
                    # publishing validates snapshots, so this is a damaged file: keep serving the last good one
                    log.exception("snapshot %s of %s cannot be opened", version, slug)
                    if snap is None:
                        raise TenantNotServed(slug) from None
                    self._pointer_stat[slug] = stamp
                    return snap
                old_version = snap.version if snap else None
                self._current[slug] = new
                for cb in self._listeners:
                    cb(slug, old_version)
                snap = new
            self._pointer_stat[slug] = stamp
            return snap

    def _forget(self, slug: str) -> None:
        if slug not in self._current:
            return
        with self._lock:
            gone = self._current.pop(slug, None)
            self._pointer_stat.pop(slug, None)
        if gone is not None:  # requests still running keep the object; the file closes when they let go
            for cb in self._listeners:
                cb(slug, gone.version)

    def close(self) -> None:
        with self._lock:
            for snap in self._current.values():
                snap.connection.close()
            self._current.clear()
            self._pointer_stat.clear()
