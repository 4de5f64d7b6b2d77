"""Request dependencies: the service, the caller (an API key or a signed-in user), and the tenant it may read."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gata.api.keys import ADMIN, KeyStore
from gata.semantic.service import SemanticService
from gata.semantic.store import TenantNotServed, TenantSnapshot
from gata.web.sessions import COOKIE, Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"

bearer = HTTPBearer(auto_error=False, description="An API key: `gata keys create TENANT` (or `--admin`).")


def service(request: Request) -> SemanticService:
    return request.app.state.service


def key_store(request: Request) -> KeyStore:
    return request.app.state.keys


@dataclass(frozen=True)
class Principal:
    """Who is asking: an API key or a signed-in user. Either may read one tenant, or every tenant (admin)."""

    role: str  # tenant | admin
    tenant: str | None
    name: str  # key id or username
    session: Session | None = None  # set when authorized by a sign-in session

    def may_read(self, tenant: str) -> bool:
        return self.role == ADMIN or self.tenant == tenant


def session_principal(request: Request) -> Principal | None:
    """The signed-in user of the session cookie, if it is valid and was issued for the user record as it is now
    (same record id and credential version: not deleted, re-created, re-passworded, moved or signed out)."""
    web = getattr(request.app.state, "web", None)
    if web is None:
        return None
    session = web.sessions.get(request.cookies.get(COOKIE))
    user = web.users.get(session.username) if session else None
    if session is None or user is None or not session.belongs_to(user):
        return None
    return Principal(user.role, user.tenant, user.username, session)


def check_csrf(request: Request, session: Session, presented: str | None = None) -> None:
    """A state-changing request made with the session cookie must carry the session's CSRF token (header or
    form field): a cookie is sent by the browser on its own, the token only by our pages."""
    token = presented if presented is not None else request.headers.get(CSRF_HEADER, "")
    if not token or not hmac.compare_digest(token.encode(), session.csrf_token.encode()):
        raise HTTPException(403, f"missing or wrong CSRF token: send the page's token in the {CSRF_HEADER} header")


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    keys: Annotated[KeyStore, Depends(key_store)],
) -> Principal:
    if credentials is not None and credentials.scheme.lower() == "bearer":
        key = keys.verify(credentials.credentials)
        if key is None:
            raise HTTPException(401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"})
        return Principal(key.role, key.tenant, key.key_id)
    who = session_principal(request)
    if who is None:
        raise HTTPException(
            401,
            "missing API key: send 'Authorization: Bearer <key>' (or sign in to the web app)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method not in SAFE_METHODS:
        check_csrf(request, who.session)  # type: ignore[arg-type]
    return who


def tenant_snapshot(
    tenant: str,
    who: Annotated[Principal, Depends(principal)],
    svc: Annotated[SemanticService, Depends(service)],
) -> TenantSnapshot:
    """The tenant's current snapshot, if this caller may read it. Any other tenant is simply not found, so a
    caller cannot learn which other tenants exist."""
    if not who.may_read(tenant):
        raise HTTPException(404, f"tenant '{tenant}' not found")
    try:
        return svc.snapshot(tenant)
    except TenantNotServed:
        raise HTTPException(404, f"tenant '{tenant}' not found") from None


Snapshot = Annotated[TenantSnapshot, Depends(tenant_snapshot)]
Service = Annotated[SemanticService, Depends(service)]


def admin_only(what: str):
    """A dependency that lets only an admin key or an admin's session pass: 403 "only an admin can <what>"."""

    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if who.role != ADMIN:
            raise HTTPException(403, f"only an admin can {what}")
        return who

    return Annotated[Principal, Depends(check)]
