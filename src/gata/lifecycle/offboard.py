"""Offboarding and purging a tenant.

Offboarding runs in an order that is safe to interrupt and to repeat: the registry's tombstone first (from
then on the slug cannot be onboarded again, and a rerun finishes the job), then access (keys, users,
sessions), the tenants file, serving, and last the data. Purging needs the tombstone, and removes everything
that names the tenant: its data and archive, pipelines state, run and job records, key records, lock file
and registry rows, the platform database rewritten so no deleted value lingers in its free blocks.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import yaml

from gata.api.keys import KeyStore
from gata.api.offboarding import revoke_tenant_access
from gata.config.tenants import SLUG_PATTERN
from gata.config.writer import remove_tenant
from gata.jobs.store import JobStore
from gata.star.snapshot import tenant_serving_dir
from gata.warehouse import platform_db
from gata.warehouse.locks import TenantBusyError, tenant_lock
from gata.workspace import Workspace

DataChoice = Literal["archive", "delete"]


class LifecycleError(ValueError):
    """The tenant cannot be offboarded or purged as asked; the message says why and what to do."""


@dataclass
class Offboarded:
    tenant: str
    data: DataChoice
    keys_revoked: list[str]
    users_deleted: list[str]
    sessions_ended: int
    removed_from_file: bool
    archive: Path | None  # where the data went, when archived
    moved: list[str] = field(default_factory=list)  # what was archived or deleted, relative to the workspace


@dataclass
class Purged:
    tenant: str
    removed: list[str]  # files and folders deleted, relative to the workspace
    key_records: int
    job_records: int


def _check_slug(slug: str) -> None:
    if not re.match(SLUG_PATTERN, slug or ""):
        raise LifecycleError(f"'{slug}' is not a tenant slug (lowercase letters, digits and _, 3-63 characters)")


def tenant_paths(workspace: Workspace, slug: str) -> list[Path]:
    """Every file or folder of the workspace that holds the tenant's data or pipeline state."""
    root = workspace.root
    candidates = [
        tenant_serving_dir(workspace, slug),  # first: serving stops before the data goes
        workspace.tenant_dir(slug),
        workspace.staging_dir / slug,
        workspace.generated_dir / slug,
        *sorted(workspace.pipelines_dir.glob(f"gata__{slug}__*")),
    ]
    return [p for p in candidates if p.exists() and p.resolve().is_relative_to(root)]


def _known(workspace: Workspace, tenants_file: Path | None, slug: str) -> bool:
    in_file = False
    if tenants_file is not None and tenants_file.exists():
        tenants = (yaml.safe_load(tenants_file.read_text(encoding="utf-8")) or {}).get("tenants") or []
        in_file = any(isinstance(t, dict) and t.get("slug") == slug for t in tenants)
    return in_file or slug in platform_db.registered_tenants(workspace) or bool(tenant_paths(workspace, slug))


def offboard(workspace: Workspace, tenants_file: Path | None, slug: str, data: DataChoice = "archive") -> Offboarded:
    """Offboard `slug`: revoke its keys, users and sessions, take it out of the tenants file and out of
    serving, and archive (under `<workspace>/archive/<slug>/`) or delete its data. The slug stays taken."""
    _check_slug(slug)
    if data not in ("archive", "delete"):
        raise LifecycleError(f"data must be 'archive' or 'delete', not {data!r}")
    tomb = platform_db.offboarded(workspace, slug)
    if tomb is None and not _known(workspace, tenants_file, slug):
        raise LifecycleError(f"no tenant '{slug}' in this workspace or its tenants file")
    try:
        with tenant_lock(workspace, slug, f"offboarding of {slug}"):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            archive = workspace.root / "archive" / slug / stamp if data == "archive" else None
            where = f"archived to archive/{slug}/{stamp}" if archive else "deleted"
            platform_db.mark_offboarded(workspace, slug, f"offboarded at {stamp}; data {where}")
            revoked = revoke_tenant_access(workspace, slug)
            removed = remove_tenant(tenants_file, slug) if tenants_file is not None and tenants_file.exists() else False
            moved = []
            for path in tenant_paths(workspace, slug):
                rel = path.relative_to(workspace.root)
                if archive is not None:
                    (archive / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(path, archive / rel)
                elif path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                moved.append(str(rel))
    except TenantBusyError as exc:
        raise LifecycleError(f"{exc}; offboard it after the run ends") from None
    return Offboarded(
        slug, data, revoked.keys, revoked.users, revoked.sessions, removed, archive if moved else None, moved
    )


def purge(workspace: Workspace, slug: str) -> Purged:
    """Remove everything of an offboarded tenant, and free its slug for a new tenant."""
    _check_slug(slug)
    if platform_db.offboarded(workspace, slug) is None:
        if slug in platform_db.registered_tenants(workspace) or tenant_paths(workspace, slug):
            raise LifecycleError(f"'{slug}' is an active tenant: offboard it first (`gata offboard {slug}`)")
        raise LifecycleError(f"no offboarded tenant '{slug}' in this workspace")
    removed: list[str] = []
    try:
        with tenant_lock(workspace, slug, f"purge of {slug}"):
            for path in [
                *tenant_paths(workspace, slug),
                workspace.root / "archive" / slug,
                *_run_records(workspace, slug),
            ]:
                if path.exists():
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
                    removed.append(str(path.relative_to(workspace.root)))
            revoke_tenant_access(workspace, slug)  # users or keys created since the offboarding
            keys = KeyStore(workspace).forget_tenant(slug)
            jobs = JobStore(workspace).forget_tenant(slug)
            platform_db.forget_tenant(workspace, slug)
    except TenantBusyError as exc:
        raise LifecycleError(f"{exc}; purge it after the run ends") from None
    lock = workspace.root / "locks" / f"tenant-{slug}.lock"
    if lock.exists():
        lock.unlink()
        removed.append(str(lock.relative_to(workspace.root)))
    return Purged(slug, removed, keys, jobs)


def _run_records(workspace: Workspace, slug: str) -> list[Path]:
    """The run record files of the workspace's runs folder that belong to the tenant."""
    if not workspace.runs_dir.exists():
        return []
    found = []
    for path in workspace.runs_dir.glob("*.json"):
        try:
            owner = json.loads(path.read_text()).get("tenant")
        except (OSError, ValueError):
            continue
        if owner == slug:
            found.append(path)
    return found
