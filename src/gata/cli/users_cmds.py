"""`gata users create|list|delete`: web-app accounts, one tenant each or admin. Passwords are stored hashed."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from gata.cli.common import ConfigOption, WorkspaceOption, cli_errors, config_for, console, err_console, workspace_for

users_app = typer.Typer(
    help="Web-app users: one per tenant, or admin. Passwords stored as Argon2 hashes.", no_args_is_help=True
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits and _ . @ -.")],
    tenant: Annotated[str | None, typer.Option("--tenant", help="The one tenant this user sees.")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="An admin: sees every tenant.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin (no prompt).")
    ] = False,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Create a user of one tenant (--tenant T) or an admin (--admin); the password is prompted for twice."""
    from gata.web.users import UserError, UserStore, check_password, check_username

    if admin == (tenant is not None):
        err_console.print("[red]give --tenant TENANT or --admin, not both and not neither[/red]")
        raise typer.Exit(2)
    try:
        check_username(username)
        if tenant is not None:
            with cli_errors():
                config_for(config, strict=False).tenant(tenant)
        password = check_password(_password(password_stdin))
        user = UserStore(workspace_for(workspace)).create(username, password, tenant)
    except UserError as exc:
        err_console.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"created user {user.username} ({'admin' if admin else 'tenant ' + str(tenant)})")


@users_app.command("list")
def users_list(workspace: WorkspaceOption = None) -> None:
    """Usernames, roles and tenants (never the password hashes)."""
    from gata.web.users import UserStore

    table = Table("username", "role", "tenant", "created")
    for u in UserStore(workspace_for(workspace)).list():
        table.add_row(u.username, u.role, u.tenant or "", u.created_at)
    console.print(table)


@users_app.command("delete")
def users_delete(username: Annotated[str, typer.Argument()], workspace: WorkspaceOption = None) -> None:
    """Delete a user; their open sessions stop working on their next request."""
    from gata.web.users import UserError, UserStore

    try:
        UserStore(workspace_for(workspace)).delete(username)
    except UserError as exc:
        err_console.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"deleted user {username}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
