"""`gata serve`, `gata query`, `gata keys`, `gata publish`, `gata mcp`: reading the published data."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from gata.cli.common import (
    ConfigOption,
    WorkspaceOption,
    cli_errors,
    config_for,
    console,
    err_console,
    print_rows,
    workspace_for,
)
from gata.settings import Settings
from gata.workspace import Workspace

SWITCH_INTERVAL = 0.0005
keys_app = typer.Typer(help="API keys: one per tenant, or admin. Stored hashed.", no_args_is_help=True)


def serve(
    host: Annotated[str | None, typer.Option("--host", help="Bind address (default 127.0.0.1, GATA_HOST).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default 8000, GATA_PORT).")] = None,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Serve the API and the web app (sign in at /login) from the workspace's published snapshots."""
    run_server(workspace_for(workspace), host, port, config)


def run_server(ws: Workspace, host: str | None, port: int | None, config: Path | None = None) -> None:
    """`config`: the tenants file the onboarding wizard adds tenants to."""
    from gata.api.app import create_app
    from gata.semantic.compile_pool import CompilePool

    settings = Settings()
    if config is not None:
        settings = settings.model_copy(update={"tenants_file": config})
    host, port = host or settings.host, port or settings.port
    console.print(f"GATA serving {ws.root} on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    # a thread waiting for the GIL gets it after 0.5 ms instead of 5: a tenant's CPU-bound query compilation
    # then delays another tenant's short request by fractions of a millisecond per hand-over, not by 5 ms
    sys.setswitchinterval(SWITCH_INTERVAL)
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    pool = CompilePool(settings.compile_workers, settings.compile_timeout) if settings.compile_workers else None
    if pool is not None:
        pool.warm()
    try:
        _run_uvicorn(create_app(ws, settings, pool), host, port, settings, proxies)
    finally:
        if pool is not None:
            pool.close()


def _run_uvicorn(app, host: str, port: int, settings: Settings, proxies: list[str]) -> None:
    import uvicorn

    from gata.api.protocol import body_limited_protocol

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        # bodies declared over the limit refused from their headers, before any of the app's work
        http=body_limited_protocol(settings.max_body_bytes),
        # forwarded headers only from the configured proxies: anyone else could claim any address or scheme
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        # h11's own cap on a request head, above ours so that ours answers (431, naming the limit)
        h11_max_incomplete_event_size=4 * settings.max_header_bytes,
    )


def query(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    json_query: Annotated[str, typer.Option("--json", help="The structured query as JSON.")],
    output: Annotated[str, typer.Option("--output", help="table or json.")] = "table",
    workspace: WorkspaceOption = None,
) -> None:
    """Run a structured query against a tenant's published data."""
    from gata.semantic.compiler import QueryValidationError
    from gata.semantic.dates import DateRangeError
    from gata.semantic.layer import UnknownModelError
    from gata.semantic.query import SemanticQuery
    from gata.semantic.service import SemanticService
    from gata.semantic.store import SnapshotStore, TenantNotServed

    ws = workspace_for(workspace)
    try:
        parsed = SemanticQuery.model_validate(json.loads(json_query))
        result = SemanticService(SnapshotStore(ws)).query(tenant, parsed)
    except json.JSONDecodeError as exc:
        err_console.print(f"[red]--json is not valid JSON: {exc}[/red]")
        raise typer.Exit(2) from None
    except ValidationError as exc:
        for e in exc.errors(include_url=False):
            err_console.print(
                f"[red]{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}[/red]", highlight=False
            )
        raise typer.Exit(2) from None
    except TenantNotServed:
        err_console.print(f"[red]tenant '{tenant}' has no published data in {ws.root} (run gata onboard)[/red]")
        raise typer.Exit(2) from None
    except (QueryValidationError, UnknownModelError, DateRangeError) as exc:
        err_console.print(f"[red]{exc}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if output == "json":
        print(result.model_dump_json(indent=2))
        return
    print_rows(result.columns, result.rows, f"{tenant}: {parsed.model} ({result.row_count} rows)")


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str | None, typer.Argument(help="Tenant the key reads (omit with --admin).")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="A platform admin key (every tenant).")] = False,
    name: Annotated[str, typer.Option("--name", help="A note to recognise the key by.")] = "",
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Create a key; it is printed once, alone on the last line, and stored only as a digest."""
    from gata.api.keys import KeyStore

    if admin == (tenant is not None):
        err_console.print("[red]give a TENANT, or --admin, not both[/red]")
        raise typer.Exit(2)
    ws = workspace_for(workspace)
    if tenant is not None:
        with cli_errors():
            config_for(config, strict=False).tenant(tenant)
    record, secret = KeyStore(ws).create(tenant, name)
    console.print(f"key {record.key_id} for {'admin' if admin else 'tenant ' + tenant} (shown once):")
    print(secret)


@keys_app.command("list")
def keys_list(workspace: WorkspaceOption = None) -> None:
    """Key ids, roles and tenants (never the keys)."""
    from gata.api.keys import KeyStore

    table = Table("key id", "role", "tenant", "created", "name", "revoked")
    for k in KeyStore(workspace_for(workspace)).list():
        table.add_row(k.key_id, k.role, k.tenant or "", k.created_at, k.name, "yes" if k.revoked else "")
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument()], workspace: WorkspaceOption = None) -> None:
    """Revoke a key by id; the API refuses it from the next request."""
    from gata.api.keys import KeyStore

    if not KeyStore(workspace_for(workspace)).revoke(key_id):
        err_console.print(f"[red]no key with id '{key_id}'[/red]")
        raise typer.Exit(2)
    console.print(f"revoked {key_id}")


def publish(
    tenants: Annotated[list[str] | None, typer.Argument(help="Tenant slugs (default: every tenant).")] = None,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Republish tenants' read snapshots (e.g. after editing a semantic overlay) without rebuilding."""
    from gata.semantic.overlay import OverlayError
    from gata.warehouse.onboard import publish as publish_tenants
    from gata.warehouse.publish import PublishError

    with cli_errors():
        cfg = config_for(config, strict=False)
        chosen = [cfg.tenant(s) for s in tenants] if tenants else cfg.tenants
        try:
            ws = workspace_for(workspace)
            console.print(", ".join(publish_tenants(ws, cfg, tenant) for tenant in chosen))
        except (OverlayError, PublishError, ValueError) as exc:
            err_console.print(f"[red]{exc}[/red]", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None


def mcp(
    key: Annotated[str, typer.Option("--key", envvar="GATA_API_KEY", help="The tenant's API key.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Serve the tenant's semantic layer as MCP tools over stdio."""
    from gata.mcp.server import McpKeyError, build_server

    ws = workspace_for(workspace)
    try:
        server = build_server(ws, key)
    except McpKeyError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    server.run("stdio")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(query)
    app.command()(publish)
    app.command()(mcp)
    app.add_typer(keys_app, name="keys")
