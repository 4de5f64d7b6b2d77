"""Where a Dagster run finds GATA: the workspace and the tenants file, read from GATA settings by default."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from gata.config import GataConfig, load_config
from gata.settings import Settings
from gata.workspace import Workspace

REPO = Path(__file__).resolve().parents[3]
DEFAULT_TENANTS_FILE = REPO / "tenants.yaml"


def tenants_file_from(settings: Settings) -> Path:
    return (settings.tenants_file or DEFAULT_TENANTS_FILE).expanduser().resolve()


class GataResource(dg.ConfigurableResource):
    """The GATA instance runs and sensors work on. Empty fields fall back to GATA_WORKSPACE / GATA_TENANTS_FILE
    at use time, so one deployment file serves every environment."""

    workspace: str | None = None
    tenants_file: str | None = None
    onboard_days: int | None = None  # days of history a sensor-requested onboarding gets (GATA_DAGSTER_ONBOARD_DAYS)
    onboard_end_date: str | None = None  # its last day, YYYY-MM-DD (default today, UTC): fixed for reproducible data

    def settings(self) -> Settings:
        return Settings()

    def ws(self) -> Workspace:
        return Workspace.resolve(self.workspace or self.settings().workspace)

    def config_path(self) -> Path:
        return Path(self.tenants_file).resolve() if self.tenants_file else tenants_file_from(self.settings())

    def load(self) -> GataConfig:
        """The tenants file, leniently: one tenant's broken configuration does not stop the others' runs."""
        return load_config(self.config_path(), strict=False)

    def days(self) -> int:
        return self.onboard_days or self.settings().dagster_onboard_days
