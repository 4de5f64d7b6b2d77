"""`gata status` and `gata drift`: a tenant's health as the API serves it, from its published snapshot."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from gata.cli.common import WorkspaceOption, console, err_console, workspace_for


def _service(workspace):
    from gata.observability.service import ObservabilityService
    from gata.semantic.store import SnapshotStore

    return ObservabilityService(SnapshotStore(workspace_for(workspace)))


def _served(fn, tenant: str):
    from gata.semantic.store import TenantNotServed

    try:
        return fn()
    except TenantNotServed:
        err_console.print(f"[red]tenant '{tenant}' has nothing published yet (run gata onboard {tenant})[/red]")
        raise typer.Exit(2) from None


def status(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    output: Annotated[str, typer.Option("--output", help="table or json.")] = "table",
    workspace: WorkspaceOption = None,
) -> None:
    """The tenant's health: last run, its model and test counts, freshness, readiness, drift."""
    s = _served(lambda: _service(workspace).summary(tenant), tenant)
    if output == "json":
        print(json.dumps(s, indent=2, default=str))
        return
    colour = {"success": "green", "failed": "red"}.get(s["status"], "yellow")
    console.print(
        f"[bold]{tenant}[/bold]: last run [{colour}]{s['status']}[/{colour}]"
        + (" (serving the last good data)" if s["serving_last_good_data"] else "")
    )
    if s["last_run"]:
        r = s["last_run"]
        console.print(
            f"  {r['kind']} {r['run_id']} at {r['started_at']} ({r['duration_seconds'] or 0:.1f} s)"
            + (f": {r['message']}" if r["message"] else ""),
            highlight=False,
        )
    c = s["latest_run_counts"]
    console.print(
        f"  models {c['models_succeeded']} ok / {c['models_failed']} failed; tests {c['tests_passed']} "
        f"passed / {c['tests_failed']} failed / {c['tests_errored']} errored / {c['tests_warned']} warned"
    )
    f = s["freshness"]
    console.print(
        f"  freshness: {f['tables']} landed tables, last load {f['last_loaded_at']}, data through {f['data_through']}",
        highlight=False,
    )
    table = Table("star table", "ready")
    for name, ok in s["readiness"]["tables"].items():
        table.add_row(name, "[green]yes[/green]" if ok else "[red]no[/red]")
    console.print(table)
    console.print(f"  schema drift findings: {s['drift_findings']} (gata drift {tenant})")


def drift(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Fields added, removed or retyped in the tenant's landed objects, with the load that first showed them."""
    rows = _served(lambda: _service(workspace).drift(tenant), tenant)
    if not rows:
        console.print(f"{tenant}: no schema drift")
        return
    console.print(f"schema drift of {tenant} ({len(rows)} findings):")
    for r in rows:  # one line each: load ids and types must never be cut to fit a terminal
        types = f"{r['expected_type'] or '-'} -> {r['observed_type'] or '-'}"
        print(
            f"  {r['connector']}.{r['object_name']}.{r['field']}: {r['change']} ({types}), first in load "
            f"{r['first_seen_load_id']} at {r['first_seen_at']}, last in {r['last_seen_load_id']}"
        )


def register(app: typer.Typer) -> None:
    app.command()(status)
    app.command()(drift)
