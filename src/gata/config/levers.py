"""The connector catalog and every tenant setting, described for forms (the onboarding wizard).

Derived from the same pydantic models that validate tenants.yaml, so the wizard offers exactly the levers,
bounds and defaults the loader accepts, and a new lever appears in the form without front-end changes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gata.config.catalog import Catalog, Domain
from gata.config.tenants import (
    CURRENCIES,
    DEFAULT_ANALYTICS_EVENTS,
    GENERATION_BY_DOMAIN,
    LOGIC_BY_DOMAIN,
    META_CONNECTORS,
    META_DEFAULT_ACTION_TYPES,
    SLUG_PATTERN,
    Tenant,
)

DOMAIN_LABELS = {
    Domain.paid_ads: "Ad platforms",
    Domain.ecommerce: "Shops",
    Domain.analytics: "Analytics tools",
}


ACRONYMS = {"ctr": "CTR", "cpm": "CPM"}


def _label(name: str) -> str:
    words = [ACRONYMS.get(w, w) for w in name.split("_")]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _field(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "label": _label(name), "description": spec.get("description", "")}
    out["default"] = spec.get("default")
    kinds = [s.get("type") for s in spec.get("anyOf", [spec])]
    if "enum" in spec:
        out.update(kind="choice", options=spec["enum"])
    elif spec.get("type") == "array" and "enum" in spec.get("items", {}):
        out.update(kind="multichoice", options=spec["items"]["enum"])
    elif "array" in kinds:
        out.update(kind="list")
    else:
        # an optional number (`float | None`) is a number field left empty for its default
        typed = next((s for s in spec.get("anyOf", [spec]) if s.get("type") not in (None, "null")), spec)
        out["kind"] = typed.get("type", "string")  # integer | number | string | boolean
        for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if bound in typed:
                out[bound] = typed[bound]
    return out


def describe(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    fields = [_field(name, spec) for name, spec in schema["properties"].items()]
    for f in fields:  # defaults built by factories are not in the JSON schema
        if f["default"] is None and model.model_fields[f["name"]].default_factory is not None:
            f["default"] = model.model_fields[f["name"]].default_factory()
    return fields


def _logic_defaults(connector_id: str, domain: Domain) -> dict[str, Any]:
    if domain == Domain.analytics:
        return dict(DEFAULT_ANALYTICS_EVENTS[connector_id])
    if connector_id in META_CONNECTORS:
        return {"conversion_action_types": list(META_DEFAULT_ACTION_TYPES)}
    return {}


def wizard_catalog(catalog: Catalog) -> dict[str, Any]:
    """Connectors grouped by domain, each with its levers and logic (and their defaults for that connector)."""
    tenant_fields = Tenant.model_json_schema()["properties"]
    domains = []
    for domain in Domain:
        connectors = []
        for c in catalog.connectors.values():
            if c.domain != domain:
                continue
            logic = [
                {**f, "default": _logic_defaults(c.id, domain).get(f["name"], f["default"])}
                for f in describe(LOGIC_BY_DOMAIN[domain])
                if f["name"] != "conversion_action_types" or c.id in META_CONNECTORS
            ]
            connectors.append(
                {
                    "id": c.id,
                    "name": c.name,
                    "api_version": c.api_version,
                    "icon": f"/static/app/img/connectors/{c.id}.svg",
                    "objects": sorted(c.objects),
                    "generation": describe(GENERATION_BY_DOMAIN[domain]),
                    "logic": logic,
                }
            )
        domains.append({"id": domain.value, "label": DOMAIN_LABELS[domain], "connectors": connectors})
    return {
        "domains": domains,
        "slug_pattern": SLUG_PATTERN,
        "currencies": list(CURRENCIES),
        "defaults": {
            "reporting_currency": tenant_fields["reporting_currency"]["default"],
            "seed": tenant_fields["seed"]["default"],
            "schedule": tenant_fields["schedule"]["default"],
            "days": 30,
        },
    }
