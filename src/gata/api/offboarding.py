"""What tenant offboarding revokes, as primitives: every API key of the tenant, every user of the tenant and
their sessions. Each takes effect in running servers at their next request (the files are re-read when they
change); none touches the tenant's data."""

from __future__ import annotations

from dataclasses import dataclass

from gata.api.keys import KeyStore
from gata.settings import Settings
from gata.web.sessions import SessionStore
from gata.web.users import UserStore
from gata.workspace import Workspace


@dataclass(frozen=True)
class Revoked:
    keys: list[str]  # key ids
    users: list[str]  # usernames deleted
    sessions: int  # sessions dropped from the sessions file


def revoke_tenant_keys(workspace: Workspace, tenant: str) -> list[str]:
    return KeyStore(workspace).revoke_tenant(tenant)


def remove_tenant_users(workspace: Workspace, tenant: str) -> tuple[list[str], int]:
    """Delete the tenant's users and drop their sessions: (usernames, sessions dropped)."""
    users = UserStore(workspace).delete_tenant_users(tenant)
    sessions = SessionStore(workspace, Settings().session_hours * 3600).revoke_users(set(users)) if users else 0
    return users, sessions


def revoke_tenant_access(workspace: Workspace, tenant: str) -> Revoked:
    """Nobody reads `tenant` any more but admins: its keys revoked, its users and their sessions gone."""
    keys = revoke_tenant_keys(workspace, tenant)
    users, sessions = remove_tenant_users(workspace, tenant)
    return Revoked(keys, users, sessions)
