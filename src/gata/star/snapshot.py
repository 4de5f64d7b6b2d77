"""The snapshot format: what a published tenant snapshot is on disk, for the writer and the readers alike.

`<workspace>/serving/<slug>/<version>.duckdb` holds the tenant's six star tables (named as users see them,
`fct_<slug>__orders` ...), its observability tables (`obs_*`) and a `gata_snapshot` table of metadata (key,
JSON value). `serving/<slug>/CURRENT` names the current version; it is replaced atomically, so a reader
following it sees the old snapshot or the new one, never a mix. The writer keeps the newest few versions
for readers still finishing queries on an older one.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from gata.workspace import Workspace

METADATA_TABLE = "gata_snapshot"
KEEP_SNAPSHOTS = 2  # the current one and the one readers may still be finishing queries on
_VERSION = re.compile(r"^\d{8}T\d{12}$")


def tenant_serving_dir(workspace: Workspace, slug: str) -> Path:
    return workspace.serving_dir / slug


def current_version(workspace: Workspace, slug: str) -> str | None:
    pointer = tenant_serving_dir(workspace, slug) / "CURRENT"
    try:
        version = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    return version if _VERSION.match(version) else None


def snapshot_path(workspace: Workspace, slug: str, version: str) -> Path:
    return tenant_serving_dir(workspace, slug) / f"{version}.duckdb"


def current_metadata(workspace: Workspace, slug: str) -> dict | None:
    """The metadata of the tenant's current snapshot (None when nothing is published)."""
    version = current_version(workspace, slug)
    if version is None or not snapshot_path(workspace, slug, version).exists():
        return None
    with duckdb.connect(str(snapshot_path(workspace, slug, version)), read_only=True) as con:
        return {k: json.loads(v) for k, v in con.execute(f"select key, value from {METADATA_TABLE}").fetchall()}


def new_version(folder: Path) -> str:
    """A version name for the next snapshot: its UTC time, to the microsecond, never one already used."""
    version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    while (folder / f"{version}.duckdb").exists():  # two publishes within a microsecond
        version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return version


def make_current(workspace: Workspace, slug: str, version: str) -> None:
    """Point CURRENT at a complete snapshot (atomic rename), then delete all but the newest versions."""
    folder = tenant_serving_dir(workspace, slug)
    pointer_tmp = folder / "CURRENT.tmp"
    pointer_tmp.write_text(version + "\n")
    os.replace(pointer_tmp, folder / "CURRENT")
    versions = sorted(p.stem for p in folder.glob("*.duckdb") if _VERSION.match(p.stem))
    keep = set(versions[-KEEP_SNAPSHOTS:]) | {version}
    for v in versions:
        if v not in keep:
            (folder / f"{v}.duckdb").unlink(missing_ok=True)  # a reader still holding it keeps its open handle
