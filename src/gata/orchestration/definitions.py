"""The code location: `dagster dev -m gata.orchestration.definitions` (or `make dagster`).

Read at load time from GATA settings: the tenants file (GATA_TENANTS_FILE, default tenants.yaml) for the
schedules, the workspace (GATA_WORKSPACE) the runs build in."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from gata.config import load_config
from gata.orchestration.assets import tenant_assets
from gata.orchestration.jobs import tenant_job
from gata.orchestration.resource import GataResource, tenants_file_from
from gata.orchestration.schedules import tenant_schedules
from gata.orchestration.sensors import job_failure_sensor, tenants_sensor
from gata.settings import Settings


def build_definitions(
    tenants_file: Path | None = None,
    workspace: Path | None = None,
    settings: Settings | None = None,
    gata: GataResource | None = None,
) -> dg.Definitions:
    settings = settings or Settings()
    if gata is None:
        tenants_file = (tenants_file or tenants_file_from(settings)).resolve()
        gata = GataResource(tenants_file=str(tenants_file), workspace=str(workspace.resolve()) if workspace else None)
    config = load_config(gata.config_path(), strict=False)
    return dg.Definitions(
        assets=[tenant_assets(config.catalog)],
        jobs=[tenant_job()],
        schedules=tenant_schedules(config),
        sensors=[tenants_sensor(settings.dagster_sensor_seconds), job_failure_sensor()],
        resources={"gata": gata},
    )


defs = build_definitions()
