"""How far each source of a tenant has been read: dlt's incremental state of its resources.

Landing saves {first_day, as_of} in the state of every resource (object) with the load that brought it,
so the state only moves when the data did. A sync continues from the oldest as-of day of a source's
objects; onboarding starts a new history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import dlt
from dlt.pipeline.exceptions import CannotRestorePipelineException

from gata.config.catalog import Catalog
from gata.config.tenants import Domain, Tenant
from gata.ingest.dlt_setup import configure_dlt
from gata.ingest.land import pipeline_name
from gata.workspace import Workspace


@dataclass(frozen=True)
class SourceState:
    first_day: date
    as_of: date


def resource_states(workspace: Workspace, tenant_slug: str, connector: str) -> dict[str, dict]:
    """The saved state of each resource of one source's pipeline ({} before its first load)."""
    configure_dlt()
    name = pipeline_name(tenant_slug, connector)
    try:
        pipeline = dlt.attach(pipeline_name=name, pipelines_dir=str(workspace.pipelines_dir))
    except CannotRestorePipelineException:
        return {}
    # one source per pipeline (its name is the pipeline's, normalized by dlt)
    resources: dict[str, dict] = {}
    for source in pipeline.state.get("sources", {}).values():
        resources.update(source.get("resources", {}))
    return resources


def source_state(workspace: Workspace, tenant_slug: str, connector: str, objects: list[str]) -> SourceState | None:
    """Where a source stands: None unless every object has been read (then the oldest as-of day wins)."""
    states = resource_states(workspace, tenant_slug, connector)
    if any("as_of" not in states.get(obj, {}) for obj in objects):
        return None
    return SourceState(
        first_day=min(date.fromisoformat(states[o]["first_day"]) for o in objects),
        as_of=min(date.fromisoformat(states[o]["as_of"]) for o in objects),
    )


def state_for(first_day: date, as_of: date) -> dict[str, str]:
    return {"first_day": first_day.isoformat(), "as_of": as_of.isoformat()}


def reported_from(workspace: Workspace, tenant: Tenant, catalog: Catalog) -> dict[str, str]:
    """Per analytics tool, its first reported day (ISO): its `first_day` state. dbt reports the tool's sessions
    and events from there on; what landed before is attribution warm-up (gata.ingest.warmup). Empty for a
    tool never landed with a state."""
    out: dict[str, str] = {}
    for source in tenant.sources_in(Domain.analytics):
        state = source_state(workspace, tenant.slug, source.connector, sorted(catalog[source.connector].objects))
        if state is not None:
            out[source.connector] = state.first_day.isoformat()
    return out
