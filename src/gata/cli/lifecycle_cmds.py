"""`gata offboard` and `gata purge`: a tenant's end of life from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from gata.cli.common import ConfigOption, WorkspaceOption, console, err_console, workspace_for
from gata.config.loader import DEFAULT_TENANTS
from gata.lifecycle import LifecycleError, offboard, purge

YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def _confirm(question: str, yes: bool) -> None:
    if not yes and not typer.confirm(question, default=False):
        err_console.print("nothing changed")
        raise typer.Exit(1)


def _refused(exc: LifecycleError) -> None:
    err_console.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def offboard_cmd(
    tenant: Annotated[str, typer.Argument(help="The tenant's slug.")],
    delete: Annotated[
        bool, typer.Option("--delete", help="Delete the tenant's data (default: archive it under the workspace).")
    ] = False,
    yes: YesOption = False,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Offboard a tenant: revoke its keys, users and sessions, take it out of the tenants file and out of
    serving, archive (or --delete) its data. Its slug stays taken until `gata purge`."""
    data = "delete" if delete else "archive"
    _confirm(f"Offboard {tenant} and {data} its data?", yes)
    try:
        done = offboard(workspace_for(workspace), Path(config) if config else DEFAULT_TENANTS, tenant, data)
    except LifecycleError as exc:
        _refused(exc)
    console.print(f"[green]offboarded[/green] {escape(tenant)}")
    console.print(f"  API keys revoked: {len(done.keys_revoked)}; users deleted: {len(done.users_deleted)}")
    console.print(f"  sessions ended: {done.sessions_ended}; removed from the tenants file: {done.removed_from_file}")
    if done.archive:
        console.print(f"  data archived in {escape(str(done.archive))}")
    elif done.moved:
        console.print(f"  data deleted: {escape(', '.join(done.moved))}")
    console.print(f"  the slug stays taken; `gata purge {escape(tenant)}` removes everything and frees it")


def purge_cmd(
    tenant: Annotated[str, typer.Argument(help="The offboarded tenant's slug.")],
    yes: YesOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Remove everything of an offboarded tenant (archive, records, registry rows) and free its slug."""
    _confirm(f"Purge {tenant}: delete its archive and every record of it, for good?", yes)
    try:
        done = purge(workspace_for(workspace), tenant)
    except LifecycleError as exc:
        _refused(exc)
    console.print(f"[green]purged[/green] {escape(tenant)}: {len(done.removed)} file(s) or folder(s) removed")
    console.print(f"  key records: {done.key_records}; job records: {done.job_records}; the slug is free")


def register(app: typer.Typer) -> None:
    app.command("offboard")(offboard_cmd)
    app.command("purge")(purge_cmd)
