"""Destination selection: the tenant's own DuckDB file by default, its MotherDuck database when configured. MotherDuck
itself is outside this machine's reach, so only the rendered configuration is checked."""

from __future__ import annotations

import pytest

from gata.ingest.land import destination
from gata.settings import Settings
from gata.workspace import Workspace


def test_default_is_the_tenants_own_duckdb_file(tmp_path, monkeypatch):
    monkeypatch.delenv("GATA_DUCKDB_MEMORY_LIMIT", raising=False)
    dest = destination(Workspace.resolve(tmp_path), "acme_co", Settings(_env_file=None))
    assert dest.destination_type.endswith("duckdb")
    creds = dest.config_params["credentials"]
    assert creds.database == str(tmp_path / "tenants" / "acme_co" / "warehouse.duckdb")
    assert creds.global_config["memory_limit"] == "2GB"


def test_motherduck_when_database_and_token_set(tmp_path, monkeypatch):
    monkeypatch.setenv("GATA_MOTHERDUCK_DATABASE", "gata_{slug}")
    monkeypatch.setenv("MOTHERDUCK_TOKEN", "secret-token")
    dest = destination(Workspace.resolve(tmp_path), "acme_co", Settings())
    assert dest.destination_type.endswith("motherduck")
    creds = dest.config_params["credentials"]
    assert creds["database"] == "gata_acme_co" and creds["password"] == "secret-token"
    # a name without the placeholder still gives every tenant its own database
    monkeypatch.setenv("GATA_MOTHERDUCK_DATABASE", "gata_prod")
    other = destination(Workspace.resolve(tmp_path), "other_co", Settings()).config_params["credentials"]
    assert other["database"] == "gata_prod_other_co"


def test_motherduck_without_token_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GATA_MOTHERDUCK_DATABASE", "gata_prod")
    monkeypatch.delenv("MOTHERDUCK_TOKEN", raising=False)
    monkeypatch.delenv("GATA_MOTHERDUCK_TOKEN", raising=False)
    with pytest.raises(ValueError, match="MOTHERDUCK_TOKEN"):
        destination(Workspace.resolve(tmp_path), "acme_co", Settings())
