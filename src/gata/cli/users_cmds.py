"""`gata users create|list|delete|passwd|access|sign-out`: web-app accounts, one tenant each or admin.

Passwords are stored hashed. A password, role or tenant change and `sign-out` end the user's sessions in every
running server at their next request (the user record's credential version changes)."""

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


def _check_role(tenant: str | None, admin: bool, config) -> None:
    """Exactly one of --tenant T (a tenant of the tenants file) and --admin, else exit 2 naming why."""
    if admin == (tenant is not None):
        err_console.print("[red]give --tenant TENANT or --admin, not both and not neither[/red]")
        raise typer.Exit(2)
    if tenant is not None:
        with cli_errors():
            config_for(config, strict=False).tenant(tenant)


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

    _check_role(tenant, admin, config)
    try:
        check_username(username)
        password = check_password(_password(password_stdin), username)
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
    """Delete a user; their open sessions end at once."""
    _change(lambda users: users.delete(username), username, f"deleted user {username}", workspace)


def _change(change, username: str, done: str, workspace) -> None:
    """Run one change of a user record; a UserError is a clear message and exit code 2."""
    from gata.settings import Settings
    from gata.web.sessions import SessionStore
    from gata.web.users import UserError, UserStore

    ws = workspace_for(workspace)
    try:
        change(UserStore(ws))
    except UserError as exc:
        err_console.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    SessionStore(ws, Settings().session_hours * 3600).revoke_users({username})
    console.print(f"{done}; every session of {username} is signed out")


@users_app.command("passwd")
def users_passwd(
    username: Annotated[str, typer.Argument()],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from the first line of stdin.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Set a user's password; their open sessions end at once."""
    _change(
        lambda users: users.set_password(username, _password(password_stdin)), username, "password changed", workspace
    )


@users_app.command("access")
def users_access(
    username: Annotated[str, typer.Argument()],
    tenant: Annotated[str | None, typer.Option("--tenant", help="Make the user a user of this tenant.")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an admin.")] = False,
    config: ConfigOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Change what a user may read (one tenant, or admin); their open sessions end at once."""
    _check_role(tenant, admin, config)
    _change(lambda users: users.set_access(username, tenant), username, "access changed", workspace)


@users_app.command("sign-out")
def users_sign_out(username: Annotated[str, typer.Argument()], workspace: WorkspaceOption = None) -> None:
    """Sign a user out everywhere (every browser, every server process)."""
    _change(lambda users: users.sign_out_everywhere(username), username, "signed out", workspace)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
