"""The checked-in dbt project (warehouse/) is a normal dbt project: a clean checkout parses with plain dbt,
plain `dbt build --vars` against a tenant's database gives the same six star tables as `gata onboard`, the
model files name no tenant, every connector object of the catalog has its staging, master and intermediate
model, and the marts' YAML contracts are the ones the Python side serves by."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import yaml

from conftest import table_digest
from gata.config import load_config
from gata.config.tenants import Domain
from gata.ingest.run import ingest_tenant
from gata.ingest.sync_state import reported_from
from gata.star.contracts import CONTRACTS
from gata.warehouse.dbt_vars import PROJECT_DIR, tenant_vars
from gata.warehouse.library import register_library
from gata.warehouse.onboard import onboard
from gata.workspace import Workspace

DBT = str(Path(sys.executable).parent / "dbt")
GATA = str(Path(sys.executable).parent / "gata")
SLUG = "plain_co"
END = date(2026, 9, 30)
TENANT = {
    "slug": SLUG,
    "name": "Plain Co",
    "seed": 3,
    "sources": {
        "facebook_ads": {"generation": {"campaigns": 1}},
        "bing_ads": {"generation": {"campaigns": 1}},
        "woocommerce": {"generation": {"products": 5}},
        "amplitude": {"generation": {"daily_sessions": 30, "users": 200}},
    },
}


def _dbt(*args: str, env: dict | None = None, target: Path) -> subprocess.CompletedProcess:
    command = [DBT, *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    command += ["--target-path", str(target), "--log-path", str(target / "logs")]
    environment = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, timeout=900, env=environment)


def _digests(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            c.table: table_digest(con, f'analytics."{c.model_name(SLUG)}"', exclude=("source_load_ids",))
            for c in CONTRACTS
        }


def test_a_clean_checkout_parses(tmp_path):
    parsed = _dbt("parse", target=tmp_path / "target")
    assert parsed.returncode == 0, parsed.stdout[-3000:] + parsed.stderr[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    # no sources: the connector models are disabled, the star tables are typed empty ones (identity resolution,
    # which dim_users and the facts read, resolves nobody)
    connector_models = [m for m in models if m.startswith(("stg_", "int_")) and not m.startswith("int_identity__")]
    assert {c.table for c in CONTRACTS} <= models and not connector_models


def test_plain_dbt_build_equals_gata_onboard(tmp_path):
    path = tmp_path / "tenants.yaml"
    path.write_text(yaml.safe_dump({"tenants": [TENANT]}, sort_keys=False))
    config = load_config(path)
    tenant = config.tenant(SLUG)
    onboarded = Workspace.resolve(tmp_path / "onboarded")
    onboard(config, [SLUG], onboarded, days=4, end_date=END)
    plain = Workspace.resolve(tmp_path / "plain")
    # landed like onboarding (with the attribution warm-up); the workspace gives dbt the first reported day
    ingest_tenant(config, SLUG, plain, days=4, end_date=END, warmup=True)
    register_library(plain, config.catalog, SLUG)
    printed = subprocess.run(
        [GATA, "dbt-vars", SLUG, "--config", str(path), "--workspace", str(plain.root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert printed.returncode == 0, printed.stderr
    first_days = reported_from(plain, tenant, config.catalog)
    assert json.loads(printed.stdout) == tenant_vars(tenant, config.catalog, first_days)
    assert json.loads(printed.stdout)["gata_reported_from"] == {
        s.connector: (END - timedelta(days=3)).isoformat() for s in tenant.sources_in(Domain.analytics)
    }
    built = _dbt(
        "build",
        "--vars",
        printed.stdout,
        env={"GATA_WAREHOUSE_PATH": str(plain.warehouse_path(SLUG))},
        target=tmp_path / "plain-target",
    )
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-3000:]
    assert _digests(plain.warehouse_path(SLUG)) == _digests(onboarded.warehouse_path(SLUG))
    docs = _dbt(
        "docs",
        "generate",
        "--vars",
        printed.stdout,
        env={"GATA_WAREHOUSE_PATH": str(plain.warehouse_path(SLUG))},
        target=tmp_path / "plain-target",
    )
    assert docs.returncode == 0, docs.stdout[-3000:]
    assert (tmp_path / "plain-target" / "catalog.json").exists()


def test_model_files_name_no_tenant_and_cover_the_catalog():
    catalog = load_config().catalog
    slugs = [t.slug for t in load_config().tenants]
    files = {p.stem: p for p in (PROJECT_DIR / "models").rglob("*.sql")}
    for path in [*files.values(), *(PROJECT_DIR / "models").rglob("*.yml")]:
        assert not any(slug in path.read_text() or slug in path.name for slug in slugs), path
    for cid, connector in catalog.connectors.items():
        for obj in connector.objects:
            stg, intermediate = files[f"stg_{cid}__{obj}"], files[f"int_{cid}__{obj}"]
            master = files[connector.master_model_name(obj)]
            assert f"source('{cid}', '{obj}')" in stg.read_text()
            # the connector's extraction is named in the model file (or in the parsed model it reads, where logic
            # applies after parsing): a reader follows the call to its SQL
            parsed = files.get(f"int_{cid}__{obj}_parsed")
            if parsed is not None:
                assert f"ref('int_{cid}__{obj}_parsed')" in intermediate.read_text()
            assert f"gata_extract__{connector.master_model_id}__{obj}(" in (parsed or intermediate).read_text()
            assert f"ref('stg_{cid}__{obj}')" in master.read_text()
            macro = f"macro gata_extract__{connector.master_model_id}__{obj}("
            assert any(macro in m.read_text() for m in (PROJECT_DIR / "macros").rglob("*.sql")), macro
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    for layer in ("staging", "intermediate"):
        assert set(catalog.connectors) <= set(project["models"]["gata"][layer])


def test_the_marts_yaml_is_the_contract_python_serves_by():
    doc = yaml.safe_load((PROJECT_DIR / "models" / "marts" / "_marts__models.yml").read_text())
    declared = {m["name"]: m for m in doc["models"]}
    for contract in CONTRACTS:
        model = declared[contract.table]
        assert model["config"]["contract"]["enforced"] is True
        columns = [(c["name"], c["data_type"], c["description"]) for c in model["columns"]]
        assert columns == [(c.name, c.data_type, c.description) for c in contract.columns], contract.table
        key = next(c for c in model["columns"] if c["name"] == contract.key)
        assert {"unique", "not_null"} <= {t for t in key["tests"] if isinstance(t, str)}
