"""The `gata` command line: one entry point for every stage of the platform."""

from __future__ import annotations

import typer

from gata.cli import (
    ingest_cmds,
    lifecycle_cmds,
    live_cmds,
    nl_cmds,
    observe_cmds,
    serve_cmds,
    users_cmds,
    warehouse_cmds,
)
from gata.workspace import private_files

private_files()  # whatever the command writes under the workspace is 0600/0700

app = typer.Typer(
    name="gata",
    help="GATA: multi-tenant marketing analytics from configuration alone.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ingest_cmds.register(app)
warehouse_cmds.register(app)
serve_cmds.register(app)
observe_cmds.register(app)
nl_cmds.register(app)
users_cmds.register(app)
live_cmds.register(app)
lifecycle_cmds.register(app)


if __name__ == "__main__":
    app()
