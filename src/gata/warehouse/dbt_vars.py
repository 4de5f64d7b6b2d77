"""What dbt needs of a tenant, as vars: the one checked-in dbt project (warehouse/) builds any tenant.

`gata` passes these with every dbt call (`--vars`); `gata dbt-vars <slug>` prints them for plain dbt.
Configuration reaches SQL as data (vars read by macros), never as template text written into files.
"""

from __future__ import annotations

import json
from pathlib import Path

from gata.config.catalog import Catalog
from gata.config.loader import REPO_ROOT
from gata.config.tenants import AnalyticsLogic, Tenant

PROJECT_DIR = REPO_ROOT / "warehouse"


def catalog_value(catalog: Catalog) -> dict:
    """The connector catalog as the macros read it (`gata_catalog()`)."""
    return {
        cid: {
            "name": c.name,
            "domain": c.domain.value,
            "master_model_id": c.master_model_id,
            "objects": {
                o: {"primary_key": spec.primary_key, "grain": spec.grain, "role": spec.role and spec.role.value}
                for o, spec in c.objects.items()
            },
        }
        for cid, c in catalog.connectors.items()
    }


def sources_value(tenant: Tenant, catalog: Catalog) -> dict:
    """The tenant's enabled sources with their objects, currency and resolved logic (`gata_tenant().sources`)."""
    sources = {}
    for s in tenant.enabled_sources():
        logic = s.logic.resolved(s.connector) if isinstance(s.logic, AnalyticsLogic) else s.logic
        sources[s.connector] = {
            "domain": s.domain.value,
            "master_model_id": catalog[s.connector].master_model_id,
            "objects": sorted(catalog[s.connector].objects),
            "currency": getattr(s.generation, "currency", None),
            "logic": logic.model_dump(mode="json"),
        }
    return sources


def tenant_vars(tenant: Tenant, catalog: Catalog, reported_from: dict[str, str] | None = None) -> dict:
    """`reported_from`: per analytics tool, the first reported day (gata.ingest.warmup.reported_from); the
    sessions and events landed before it are attribution warm-up, read but not reported."""
    sources = sources_value(tenant, catalog)
    return {
        "tenant": tenant.slug,
        "reporting_currency": tenant.reporting_currency,
        "gata_sources": sources,
        "gata_domains": sorted({s["domain"] for s in sources.values()}),
        "gata_catalog": {c: v for c, v in catalog_value(catalog).items() if c in sources},
        "config_hash": tenant.config_hash(),
        "config_json": json.dumps(tenant.model_dump(mode="json"), sort_keys=True),
        "gata_reported_from": reported_from or {},
    }


def vars_argument(tenant: Tenant, catalog: Catalog, reported_from: dict[str, str] | None = None) -> str:
    return json.dumps(tenant_vars(tenant, catalog, reported_from), sort_keys=True, separators=(",", ":"))


def project_dir() -> Path:
    return PROJECT_DIR
