"""`gata connect` (check a live source's credentials, list its accounts) and `gata simulate-apis` (serve the
simulated business through the platforms' real APIs on a local port)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from gata.cli.common import ConfigOption, cli_errors, config_for, console, err_console, parse_day


def connect(
    tenant: Annotated[str, typer.Argument(help="Tenant slug.")],
    source: Annotated[str, typer.Argument(help="Connector id of a live source, e.g. facebook_ads.")],
    config: ConfigOption = None,
) -> None:
    """Check a live source's credentials and list the accounts they can read."""
    from gata.connectors.live.pull import connect as check

    with cli_errors():
        cfg = config_for(config)
        t = cfg.tenant(tenant)
        if source not in t.sources:
            raise KeyError(f"tenant '{tenant}' has no source '{source}'; its sources: {', '.join(t.sources)}")
    s = t.source(source)
    if not s.live:
        err_console.print(f"[red]tenant '{tenant}', source '{source}' is simulated; set mode: live to connect it[/red]")
        raise typer.Exit(2)
    with cli_errors():
        readable, missing = check(t, s, cfg.catalog)
    table = Table("account id", "name", "currency", "configured", title=f"{tenant} / {source}: accounts readable")
    for a in readable:
        table.add_row(a.id, a.name, a.currency or "", "yes" if a.id in s.accounts else "")
    console.print(table)
    if missing:
        err_console.print(
            f"[red]tenant '{tenant}', source '{source}': the credentials cannot read account(s) {', '.join(missing)}; "
            "fix `accounts` in the tenants file or grant the token access[/red]",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)


def simulate_apis(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to bind (keep it on loopback).")] = "127.0.0.1",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The simulators' today, YYYY-MM-DD (default: today).")
    ] = None,
    token: Annotated[
        list[str] | None, typer.Option("--token", envvar="GATA_SIMULATOR_TOKENS", help="An access token to accept.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Serve every tenant's simulated ad accounts, shops and analytics tools through the platforms' real API
    paths (for live-mode tests)."""
    import uvicorn

    from gata.connectors.simulator.app import create_app, platform_modules
    from gata.connectors.simulator.state import SimulatorState

    with cli_errors():
        cfg = config_for(config)
    state = SimulatorState(cfg, as_of=parse_day(as_of, "--as-of") or date.today())
    for t in token or []:
        state.tokens[t] = "valid"
    table = Table("base_url", "connector", "account id", "tenant", title=f"API simulators, as of {state.as_of}")
    for module in platform_modules():
        for a in state.accounts(module.CONNECTORS):
            base = f"http://{host}:{port}/{module.PREFIX}{getattr(module, 'BASE_SUFFIX', '')}"
            table.add_row(base, a.connector, a.account_id, a.tenant)
    console.print(table)
    console.print(f"{len(state.tokens)} token(s) accepted; admin routes under http://{host}:{port}/_simulator/")
    uvicorn.run(create_app(state), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command()(connect)
    app.command("simulate-apis")(simulate_apis)
