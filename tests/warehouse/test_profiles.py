"""dbt targets: the workspace's DuckDB file by default, MotherDuck when configured. MotherDuck cannot be
reached from here, so what is checked is the profile as dbt renders it and the environment gata sets."""

from __future__ import annotations

import os

import pytest
import yaml
from dbt.config.renderer import ProfileRenderer
from dbt_common.context import set_invocation_context

from gata.config import load_config
from gata.settings import Settings
from gata.warehouse.dbt_runner import DbtRunner
from gata.warehouse.dbt_vars import PROJECT_DIR as PROJECT_SOURCE
from gata.workspace import Workspace


def _render(monkeypatch, env: dict[str, str]) -> dict:
    for key in ("GATA_DBT_TARGET", "GATA_MOTHERDUCK_DATABASE", "MOTHERDUCK_TOKEN", "GATA_WAREHOUSE_PATH"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    raw = yaml.safe_load((PROJECT_SOURCE / "profiles.yml").read_text())
    set_invocation_context(os.environ)  # dbt's env_var() reads the invocation's environment
    return ProfileRenderer({}).render_data(raw)["gata"]


def _runner(ws: Workspace) -> DbtRunner:
    cfg = load_config()
    tenant = cfg.tenant("tyrell_corp").model_copy(update={"slug": "acme_co"})
    return DbtRunner(ws, tenant, cfg.catalog, Settings())


@pytest.mark.parametrize("memory", ["4GB", "1GB"])
def test_local_target_is_the_tenants_own_file(tmp_path, monkeypatch, memory):
    ws = Workspace.resolve(tmp_path)
    monkeypatch.setenv("GATA_DUCKDB_MEMORY_LIMIT", memory)
    env = _runner(ws).environment()
    profile = _render(monkeypatch, env)
    assert profile["target"] == "local"
    local = profile["outputs"]["local"]
    assert local["type"] == "duckdb" and local["path"] == str(ws.warehouse_path("acme_co"))
    assert local["settings"]["memory_limit"] == memory and local["settings"]["TimeZone"] == "UTC"


def test_motherduck_target_renders_database_and_token(tmp_path, monkeypatch):
    monkeypatch.setenv("GATA_MOTHERDUCK_DATABASE", "gata_{slug}")
    monkeypatch.setenv("MOTHERDUCK_TOKEN", "md-secret")
    env = _runner(Workspace.resolve(tmp_path)).environment()
    assert env["GATA_DBT_TARGET"] == "motherduck"
    profile = _render(monkeypatch, env)
    assert profile["target"] == "motherduck"
    md = profile["outputs"]["motherduck"]
    assert md["path"] == "md:gata_acme_co"
    assert md["settings"]["motherduck_token"] == "md-secret"
