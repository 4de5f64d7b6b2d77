"""A workspace is one independent GATA instance on disk: a database per tenant, the platform database,
generated files and run records.

Tests and users keep several side by side by pointing `--workspace` / GATA_WORKSPACE at different folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gata.settings import Settings

PRIVATE_UMASK = 0o077


def private_files() -> None:
    """Files this process creates are the owner's only (0600, folders 0700): a workspace holds tenants' data,
    key and password digests. Set once at every entry point (the `gata` command, the job worker)."""
    os.umask(PRIVATE_UMASK)


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def resolve(cls, path: Path | str | None = None) -> Workspace:
        root = Path(path) if path is not None else Settings().workspace
        return cls(root.expanduser().resolve())

    def tenant_dir(self, slug: str) -> Path:
        """Everything one tenant's pipeline owns: its database, its dbt project and target."""
        return self.root / "tenants" / slug

    def warehouse_path(self, slug: str) -> Path:
        """The tenant's own database: landed raw data, master, intermediate, star tables, its run records."""
        return self.tenant_dir(slug) / "warehouse.duckdb"

    @property
    def platform_path(self) -> Path:
        """Platform-wide records: the tenant registry and its history, the connector library."""
        return self.root / "platform.duckdb"

    @property
    def legacy_warehouse_path(self) -> Path:
        """The one shared warehouse file of workspaces built before per-tenant databases."""
        return self.root / "warehouse.duckdb"

    def tenant_slugs(self) -> list[str]:
        """Tenants that have a database in this workspace."""
        folder = self.root / "tenants"
        return sorted(p.parent.name for p in folder.glob("*/warehouse.duckdb")) if folder.exists() else []

    @property
    def generated_dir(self) -> Path:
        return self.root / "generated"

    @property
    def staging_dir(self) -> Path:
        """Pulled batches wait here as Parquet between generation and landing."""
        return self.root / "staging"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def pipelines_dir(self) -> Path:
        return self.root / "pipelines"

    @property
    def serving_dir(self) -> Path:
        """Published read snapshots, one folder per tenant: what the API and MCP read."""
        return self.root / "serving"

    @property
    def auth_dir(self) -> Path:
        return self.root / "auth"

    def ensure(self) -> Workspace:
        for d in (self.root, self.runs_dir, self.pipelines_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self
