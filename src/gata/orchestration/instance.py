"""A local Dagster instance for one machine, configured from GATA settings: `make dagster` starts from it.

The deployment files in deploy/dagster/ are the same configuration for a cluster (Postgres storage, a run
launcher per platform); here storage is SQLite under the home folder. Either way the run queue allows
GATA_DAGSTER_MAX_RUNS runs at once and one per tenant (the `gata/tenant` tag)."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from gata.orchestration.assets import TENANT_TAG
from gata.settings import Settings

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy" / "dagster"
# our runs carry the tenant tag; a partition launched by hand in the UI carries only Dagster's partition tag
# (every partition of this code location is a tenant)
ONE_RUN_PER = (TENANT_TAG, "dagster/partition")


def run_queue(max_runs: int) -> dict:
    """The run coordinator: a global limit and one run per tenant at a time."""
    return {
        "module": "dagster.core.run_coordinator",
        "class": "QueuedRunCoordinator",
        "config": {
            "max_concurrent_runs": max_runs,
            "tag_concurrency_limits": [
                {"key": key, "value": {"applyLimitPerUniqueValue": True}, "limit": 1} for key in ONE_RUN_PER
            ],
            "dequeue_interval_seconds": 1,
        },
    }


def local_instance(home: Path, settings: Settings | None = None) -> dict:
    """dagster.yaml of a local instance: SQLite storage in `home`, the deployment file's run queue and retries,
    the global limit from the settings."""
    settings = settings or Settings()
    deployed = yaml.safe_load((DEPLOY / "dagster.yaml").read_text())
    return {
        "storage": {"sqlite": {"base_dir": str(home)}},
        "run_coordinator": run_queue(settings.dagster_max_runs),
        "run_monitoring": deployed["run_monitoring"],
        "run_retries": deployed["run_retries"],
        "telemetry": {"enabled": False},
    }


def write_home(home: Path, settings: Settings | None = None) -> Path:
    """Create DAGSTER_HOME with its dagster.yaml; returns the file."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "dagster.yaml"
    path.write_text(yaml.safe_dump(local_instance(home.resolve(), settings), sort_keys=False))
    initialize_storage(home)
    return path


def initialize_storage(home: Path) -> None:
    """Create the SQLite storage, and stamp its schema version, once and here: processes started together on a
    fresh home (`dagster dev`'s webserver, daemon and code server, or a daemon and its code server) each create
    it otherwise, and two can stamp it twice, after which no Dagster process opens it ("alembic_version has more
    than one head present", dagster-io/dagster#27390)."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)):
        pass  # opening it creates the run, event-log index and schedule databases


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write a local DAGSTER_HOME configured from GATA settings.")
    parser.add_argument("home", type=Path)
    print(write_home(parser.parse_args().home))
