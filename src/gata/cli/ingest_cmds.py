"""`gata validate`, `gata generate`, `gata ingest`: configuration, mock sources and landing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gata.cli.common import (
    CatalogOption,
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
from gata.connectors.arrow import as_records
from gata.connectors.pull import pull, window
from gata.ingest.run import ingest_tenant, today_utc
from gata.simulation.cutoff import data_through


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def validate(config: ConfigOption = None, catalog: CatalogOption = None) -> None:
    """Validate tenants.yaml against the connector catalog; nothing is written."""
    from gata.semantic.overlay import OverlayError, load_overlay

    with cli_errors():
        cfg = config_for(config, catalog)
    overlay_errors = []
    for t in cfg.tenants:
        try:
            load_overlay(Path(cfg.tenants_file).parent, t.slug)
        except OverlayError as exc:
            overlay_errors.append(str(exc))
    if overlay_errors:
        err_console.print(f"[red]Invalid semantic overlay(s) ({len(overlay_errors)}):[/red]")
        for e in overlay_errors:
            err_console.print(f"  - {e}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    sources = sum(len(t.enabled_sources()) for t in cfg.tenants)
    console.print(
        f"[green]OK[/green]: {len(cfg.tenants)} tenant(s), {sources} enabled source(s), "
        f"{len(cfg.catalog.connectors)} connectors in the catalog ({cfg.tenants_file})"
    )


def generate(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    days: DaysOption = 30,
    seed: SeedOption = None,
    end_date: EndDateOption = None,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: <workspace>/generated).")] = None,
) -> None:
    """Generate a tenant's source records as JSON Lines files, one per connector object, for inspection."""
    with cli_errors():
        cfg = config_for(config)
        t = cfg.tenant(tenant)
    check_history(cfg, [t.slug], days)
    if seed is not None:
        t = t.model_copy(update={"seed": seed})
    end = parse_day(end_date) or today_utc()
    root = (out or workspace_for(workspace).generated_dir) / t.slug
    span = window(end, days)
    handles: dict[tuple[str, str], object] = {}
    counts: dict[tuple[str, str], int] = {}
    with _progress() as progress:
        task = progress.add_task(f"Generating {t.slug}", total=len(span))
        # like a run: an end day of today stops at now (see gata.simulation.cutoff)
        records = pull(t, span, as_of=end, on_day=lambda _d: progress.advance(task), until=data_through(end))
        for connector, obj, batch in records:
            key = (connector, obj)
            if key not in handles:
                path = root / connector / f"{obj}.jsonl"
                path.parent.mkdir(parents=True, exist_ok=True)
                handles[key] = path.open("w", encoding="utf-8")
            fh = handles[key]
            for record in as_records(batch):
                fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")  # type: ignore[attr-defined]
            counts[key] = counts.get(key, 0) + (batch.num_rows if hasattr(batch, "num_rows") else len(batch))
    for fh in handles.values():
        fh.close()  # type: ignore[attr-defined]
    table = Table("connector", "object", "records", title=f"{t.slug}: {span[0]} .. {span[-1]} -> {root}")
    for (connector, obj), n in sorted(counts.items()):
        table.add_row(connector, obj, f"{n:,}")
    console.print(table)


def ingest(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    days: DaysOption = 30,
    seed: SeedOption = None,
    end_date: EndDateOption = None,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Generate a tenant's sources and land them with dlt (merge on natural keys: re-running never duplicates)."""
    with cli_errors():
        cfg = config_for(config)
        t = cfg.tenant(tenant)
    check_history(cfg, [t.slug], days)
    ws = workspace_for(workspace)
    end = parse_day(end_date) or today_utc()
    with cli_errors(), _progress() as progress:
        gen = progress.add_task(f"Generating {t.slug}", total=days)
        land = progress.add_task("Landing sources", total=len(t.enabled_sources()))
        run = ingest_tenant(
            cfg,
            t,
            ws,
            days=days,
            end_date=end,
            seed=seed,
            on_day=lambda _d: progress.advance(gen),
            on_landed=lambda _l: progress.advance(land),
        )
    table = Table(
        "dataset",
        "table",
        "rows",
        "load id",
        title=f"{run.tenant}: landed {run.rows:,} rows "
        f"({run.window_start} .. {run.window_end}) into {ws.warehouse_path(run.tenant)}",
    )
    for load in run.loads:
        for obj in load.objects:
            table.add_row(load.dataset, obj.table, f"{obj.rows:,}", ", ".join(load.load_ids))
    console.print(table)
    from gata.star.snapshot import current_version
    from gata.warehouse.publish import publish_snapshot

    if current_version(ws, t.slug) is not None:  # the served health shows the new loads (data until a build)
        publish_snapshot(ws, t, config_dir=Path(cfg.tenants_file).parent, health_only=True)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(generate)
    app.command()(ingest)
