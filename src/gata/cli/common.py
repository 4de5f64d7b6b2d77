"""Options and error handling shared by every `gata` command."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gata.config import ConfigError, GataConfig, load_config
from gata.connectors.live.errors import LiveSourceError
from gata.workspace import Workspace

console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="GATA_TENANTS_FILE", help="Tenants file (default: tenants.yaml at the repo root)."),
]
CatalogOption = Annotated[
    Path | None, typer.Option("--catalog", help="Connector catalog (default: supported_connectors.yaml).")
]
WorkspaceOption = Annotated[
    Path | None,
    typer.Option("--workspace", envvar="GATA_WORKSPACE", help="Workspace folder (default: ./workspace)."),
]
DaysOption = Annotated[int, typer.Option("--days", min=1, max=3660, help="Days of history to generate.")]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Override the tenant's simulation seed.")]
EndDateOption = Annotated[
    str | None, typer.Option("--end-date", help="Last day generated, YYYY-MM-DD (default: today, UTC).")
]


def parse_day(value: str | None, name: str = "--end-date") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form", param_hint=name) from None


@contextmanager
def cli_errors():
    """Turn expected failures into a clear message and a non-zero exit, never a traceback."""
    try:
        yield
    except ConfigError as exc:
        err_console.print(f"[red]Invalid configuration ({len(exc.issues)} issue(s)):[/red]")
        for issue in exc.issues:
            err_console.print(f"  - {issue}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except KeyError as exc:
        err_console.print(f"[red]{exc.args[0]}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except LiveSourceError as exc:  # names tenant, source and what to do; never a credential
        err_console.print(f"[red]{escape(str(exc))}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def config_for(config: Path | None, catalog: Path | None = None, strict: bool = True) -> GataConfig:
    """The configuration. Lenient loading (strict=False) leaves out broken tenants with a warning, so one
    tenant's bad configuration cannot stop work on the others."""
    cfg = load_config(config, catalog, strict=strict)
    for issue in cfg.issues:
        # the issue is plain text: `[a-z]` in a slug pattern is not markup
        message = f"[yellow]warning, tenant skipped:[/yellow] {escape(str(issue))}"
        err_console.print(message, highlight=False, soft_wrap=True)
    return cfg


def workspace_for(path: Path | None) -> Workspace:
    return Workspace.resolve(path)


def print_rows(columns, rows: list[dict], title: str) -> None:
    """Rows of a query result as a table, labelled columns, numbers with separators."""
    table = Table(*[c.label for c in columns], title=title)
    for row in rows:
        table.add_row(
            *[
                ""
                if row[c.name] is None
                else f"{row[c.name]:,.2f}"
                if isinstance(row[c.name], float)
                else escape(str(row[c.name]))  # a campaign named "[brand] Sale" is text, not markup
                for c in columns
            ]
        )
    console.print(table)


def check_history(cfg: GataConfig, slugs: list[str], days: int) -> None:
    """Refuse (exit 2) a history whose resource estimate is over the bound, naming the tenant and the levers."""
    from gata.config.budget import history_problem

    problems = [(slug, history_problem(cfg.tenant(slug), days)) for slug in slugs]
    for slug, problem in problems:
        if problem:
            err_console.print(f"[red]tenant '{slug}': {escape(problem)}[/red]", highlight=False)
    if any(problem for _, problem in problems):
        raise typer.Exit(2)
