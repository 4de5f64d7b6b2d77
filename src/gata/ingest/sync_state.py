"""How far each source of a tenant has been read: dlt's incremental state of its resources.

Landing saves {first_day, as_of} in the state of every resource (object) with the load that brought it,
so the state only moves when the data did. A sync continues from the oldest as-of day of a source's
objects; onboarding starts a new history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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
    data_through: datetime | None = None  # where the last pull stopped, when it cut the as-of day short


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
    moments = [datetime.fromisoformat(t) for o in objects if (t := states[o].get("data_through"))]
    return SourceState(
        first_day=min(date.fromisoformat(states[o]["first_day"]) for o in objects),
        as_of=min(date.fromisoformat(states[o]["as_of"]) for o in objects),
        data_through=min(moments) if moments else None,
    )


def up_to_date(start: SourceState, through: date) -> bool:
    """Nothing to read through `through`: its day was read already, and read whole (a day the last pull cut
    short, today, is read again: a sync later that day brings the hours since)."""
    return through < start.as_of or (through == start.as_of and start.data_through is None)


def state_for(first_day: date, as_of: date, data_through: datetime | None = None) -> dict[str, str | None]:
    """The state a load saves; `data_through` (the pull's moment, when it cut the as-of day short) is the
    source's freshness horizon, which the published snapshot carries to the semantic layer. It is always
    written (None for whole days): a load updates the saved state, so a stale horizon must be overwritten."""
    partial = data_through is not None and data_through.date() == as_of
    return {
        "first_day": first_day.isoformat(),
        "as_of": as_of.isoformat(),
        "data_through": data_through.isoformat() if partial else None,
    }


def freshness(workspace: Workspace, tenant_slug: str, connectors: list[str]) -> dict[str, str | None]:
    """Per source, the moment its data stops when its last pull cut the as-of day short (ISO, UTC), None
    when it holds whole days: the freshness horizon the published snapshot carries to the semantic layer."""
    out: dict[str, str | None] = {}
    for connector in connectors:
        states = resource_states(workspace, tenant_slug, connector).values()
        moments = [datetime.fromisoformat(t) for st in states if (t := st.get("data_through"))]
        out[connector] = min(moments).isoformat() if moments else None
    return out


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
