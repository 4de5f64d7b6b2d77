"""`gata init`, `gata onboard`, `gata replay`, `gata sync`, `gata schedule`: from configuration to star tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from gata.cli.common import (
    ConfigOption,
    DaysOption,
    EndDateOption,
    SeedOption,
    WorkspaceOption,
    check_history,
    cli_errors,
    config_for,
    console,
    err_console,
    parse_day,
    workspace_for,
)
from gata.star.contracts import CONTRACTS
from gata.warehouse.library import register_library
from gata.warehouse.onboard import OnboardingError, OnboardResult, onboard, replay, star_table_counts
from gata.warehouse.schedule import run_due, run_forever
from gata.warehouse.sync import SyncOutcome, sync_all


def _reporter():
    def report(step: str, state: str) -> None:
        if state == "start":
            console.print(f"[cyan]→ {step}[/cyan]")
        else:
            console.print(f"  [green]✓[/green] {step}: {state.removeprefix('done: ')}", highlight=False)

    return report


def _print_result(result: OnboardResult, title: str) -> None:
    table = Table("step", "seconds", "detail", title=title)
    for s in result.steps:
        table.add_row(s.step, f"{s.seconds:.2f}", escape(s.detail))
    table.add_row("total", f"{result.seconds:.2f}", "")
    console.print(table)


def _fail(exc: OnboardingError) -> None:
    err_console.print(f"[red]✗ {exc.step} failed[/red]")
    err_console.print(str(exc), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def init(config: ConfigOption = None, workspace: WorkspaceOption = None) -> None:
    """Register the connector library (expected schema fingerprint of every connector object)."""
    with cli_errors():
        cfg = config_for(config)
    ws = workspace_for(workspace)
    n = register_library(ws, cfg.catalog)
    console.print(f"[green]OK[/green]: registered {n} connector objects in {ws.platform_path}")


def onboard_cmd(
    tenant: Annotated[str | None, typer.Argument(help="Tenant slug (or --all).")] = None,
    all_tenants: Annotated[bool, typer.Option("--all", help="Onboard every tenant of the tenants file.")] = False,
    days: DaysOption = 30,
    seed: SeedOption = None,
    end_date: EndDateOption = None,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Onboard: validate, generate and land, register, configure, build and test a tenant's six star tables."""
    with cli_errors():
        cfg = config_for(config, strict=False)
        slugs = cfg.slugs() if all_tenants else [cfg.tenant(tenant).slug] if tenant else []
    if all_tenants and not slugs:
        err_console.print(f"[red]no valid tenant to onboard in {escape(cfg.tenants_file)}[/red]: see the issues above")
        raise typer.Exit(2)
    if not slugs:
        raise typer.BadParameter("name a tenant or pass --all")
    check_history(cfg, slugs, days)
    try:
        result = onboard(
            cfg,
            slugs,
            workspace_for(workspace),
            days=days,
            end_date=parse_day(end_date),
            seed=seed,
            progress=_reporter(),
        )
    except OnboardingError as exc:
        _fail(exc)
    _print_result(result, f"onboarded {', '.join(slugs)}")


def replay_cmd(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Rebuild a tenant's logic-bearing intermediate models and its analytics from stored payloads; no ingestion."""
    with cli_errors():
        cfg = config_for(config, strict=False)
        slug = cfg.tenant(tenant).slug
    try:
        result = replay(cfg, [slug], workspace_for(workspace), progress=_reporter())
    except OnboardingError as exc:
        _fail(exc)
    _print_result(result, f"replayed {slug} (no ingestion)")


def demo(
    days: DaysOption = 30,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API afterwards.")] = True,
    port: Annotated[int | None, typer.Option("--port", help="Port to serve on (default 8000, GATA_PORT).")] = None,
) -> None:
    """The demo: onboard every tenant of the tenants file (three by default), then serve them."""
    with cli_errors():
        cfg = config_for(config, strict=False)
    ws = workspace_for(workspace)
    check_history(cfg, cfg.slugs(), days)
    try:
        result = onboard(cfg, cfg.slugs(), ws, days=days, progress=_reporter())
    except OnboardingError as exc:
        _fail(exc)
    _print_result(result, f"demo: onboarded {', '.join(cfg.slugs())}")
    table = Table("tenant", *(c.table for c in CONTRACTS), title=f"star tables in {ws.root / 'tenants'}")
    counts = star_table_counts(ws, cfg.slugs())
    for slug in cfg.slugs():
        table.add_row(slug, *(f"{counts[(slug, c.table)]:,}" for c in CONTRACTS))
    console.print(table)
    if serve:
        from gata.api.keys import KeyStore
        from gata.cli.serve_cmds import run_server

        keys = KeyStore(ws)
        console.print("demo API keys (new for this run, stored hashed; send as 'Authorization: Bearer <key>'):")
        for who in [*cfg.slugs(), None]:
            print(f"  {who or 'admin'}: {keys.create(who, name='demo')[1]}")  # whole, never wrapped or cut
        console.print("demo web users (sign in at /login; passwords new for this run):")
        for who, password in _demo_users(ws, cfg.slugs()):
            print(f"  {who} / {password}")
        run_server(ws, None, port, Path(cfg.tenants_file))


def _demo_users(ws, slugs: list[str]) -> list[tuple[str, str]]:
    """A web user per demo tenant and an admin, with fresh random passwords (replacing the last run's)."""
    import secrets

    from gata.web.users import UserStore

    users = UserStore(ws)
    created = []
    for slug in [*slugs, None]:
        name = f"{slug or 'admin'}-demo".replace("_", "-")
        if users.get(name) is not None:
            users.delete(name)
        password = secrets.token_urlsafe(12)
        users.create(name, password, slug)
        created.append((name, password))
    return created


def _print_outcomes(outcomes: list[SyncOutcome]) -> None:
    table = Table("tenant", "status", "seconds", "detail", title="sync")
    for o in outcomes:
        detail = o.error or (
            "; ".join(f"{s.step}: {s.detail}" for s in o.result.steps if s.step in ("generate", "land"))
            if o.result
            else ""
        )
        seconds = f"{o.result.seconds:.1f}" if o.result else ""
        color = {"failed": "red", "synced": "green"}.get(o.status, "cyan")
        # an error names where a secret goes ("[sources.<tenant>.<source>]"): text, not markup
        table.add_row(o.tenant, f"[{color}]{o.status}[/{color}]", seconds, escape(detail))
    console.print(table)


def sync_cmd(
    tenant: Annotated[str | None, typer.Argument(help="Tenant slug (or --all).")] = None,
    all_tenants: Annotated[bool, typer.Option("--all", help="Sync every tenant of the tenants file.")] = False,
    through: Annotated[
        str | None, typer.Option("--through", help="Last day to read, YYYY-MM-DD (default: today, UTC).")
    ] = None,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Daily refresh: read each source from its last loaded day through --through (restated days included),
    land what is new or changed, build incrementally, test and publish. Exits 1 if any tenant failed."""
    with cli_errors():
        cfg = config_for(config, strict=False)
        slugs = cfg.slugs() if all_tenants else [cfg.tenant(tenant).slug] if tenant else []
    if not slugs:
        raise typer.BadParameter("name a tenant or pass --all")
    day = parse_day(through, "--through")
    ws = workspace_for(workspace)
    outcomes = sync_all(cfg, slugs, ws, through=day, progress=lambda slug: _reporter())
    _print_outcomes(outcomes)
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


def schedule_cmd(
    once: Annotated[bool, typer.Option("--once", help="Run the due syncs once and exit (for system cron).")] = False,
    max_sleep: Annotated[
        int, typer.Option("--max-sleep", min=1, max=3600, help="Longest pause between checks, seconds.")
    ] = 300,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Run each tenant's sync when its `schedule` (cron, UTC) fires; one tenant's failure does not stop the
    others and shows as its failed run in `gata status`."""
    with cli_errors():
        config_for(config, strict=False)  # a broken tenants file is refused before the loop starts
    ws = workspace_for(workspace)

    def report(outcome: SyncOutcome) -> None:
        _print_outcomes([outcome])

    if once:
        with cli_errors():
            outcomes = run_due(config_for(config, strict=False), ws, on_outcome=report)
        if not outcomes:
            console.print("no tenant is due")
        raise typer.Exit(1 if any(o.status == "failed" for o in outcomes) else 0)
    console.print(f"scheduler running for {ws.root} (Ctrl-C stops it)")
    run_forever(lambda: config_for(config, strict=False), ws, max_sleep=max_sleep, on_outcome=report)


def migrate_cmd(config: ConfigOption = None, workspace: WorkspaceOption = None) -> None:
    """Move a workspace built with one shared warehouse.duckdb to one database per tenant: landed data and run
    records are copied, each configured tenant is rebuilt from them (no ingestion) and published; the old file
    is kept as warehouse.duckdb.migrated."""
    from gata.warehouse.migrate import migrate_workspace

    with cli_errors():
        cfg = config_for(config, strict=False)
    ws = workspace_for(workspace)
    try:
        migration = migrate_workspace(cfg, ws)
    except (FileNotFoundError, FileExistsError) as exc:
        err_console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from None
    except OnboardingError as exc:
        _fail(exc)
    for slug, datasets in migration.copied.items():
        console.print(f"[green]✓[/green] {slug}: {len(datasets)} landed datasets moved to {ws.warehouse_path(slug)}")
    if migration.rebuilt is not None:
        _print_result(migration.rebuilt, "rebuilt from the landed data (no ingestion)")
    for slug in migration.not_configured:
        err_console.print(f"[yellow]{slug}: data moved, but it is not in the tenants file: not rebuilt[/yellow]")
    console.print(f"the old file is kept as {migration.kept_as}")


def dbt_vars_cmd(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Print the tenant's dbt vars (JSON), for plain dbt on the checked-in project:
    dbt build --project-dir warehouse --profiles-dir warehouse --vars "$(gata dbt-vars acme)".
    The workspace's landed sources give the first reported day (what landed before is attribution warm-up)."""
    from gata.ingest.sync_state import reported_from
    from gata.warehouse.dbt_vars import vars_argument

    with cli_errors():
        cfg = config_for(config, strict=False)
        t = cfg.tenant(tenant)
        print(vars_argument(t, cfg.catalog, reported_from(workspace_for(workspace), t, cfg.catalog)))


def register(app: typer.Typer) -> None:
    app.command()(demo)
    app.command("dbt-vars")(dbt_vars_cmd)
    app.command("migrate")(migrate_cmd)
    app.command()(init)
    app.command("onboard")(onboard_cmd)
    app.command("replay")(replay_cmd)
    app.command("sync")(sync_cmd)
    app.command("schedule")(schedule_cmd)
