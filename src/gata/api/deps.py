"""Request dependencies: the service, the caller's key, and the tenant the key may read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gata.api.keys import ADMIN, ApiKey, KeyStore
from gata.semantic.service import SemanticService
from gata.semantic.store import TenantNotServed, TenantSnapshot

bearer = HTTPBearer(auto_error=False, description="An API key: `gata keys create TENANT` (or `--admin`).")


def service(request: Request) -> SemanticService:
    return request.app.state.service


def key_store(request: Request) -> KeyStore:
    return request.app.state.keys


def principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    keys: Annotated[KeyStore, Depends(key_store)],
) -> ApiKey:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            401, "missing API key: send 'Authorization: Bearer <key>'", headers={"WWW-Authenticate": "Bearer"}
        )
    key = keys.verify(credentials.credentials)
    if key is None:
        raise HTTPException(401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"})
    return key


def tenant_snapshot(
    tenant: str,
    key: Annotated[ApiKey, Depends(principal)],
    svc: Annotated[SemanticService, Depends(service)],
) -> TenantSnapshot:
    """The tenant's current snapshot, if this key may read it. Any other tenant is simply not found, so a
    key cannot learn which other tenants exist."""
    if key.role != ADMIN and key.tenant != tenant:
        raise HTTPException(404, f"tenant '{tenant}' not found")
    try:
        return svc.snapshot(tenant)
    except TenantNotServed:
        raise HTTPException(404, f"tenant '{tenant}' not found") from None


Snapshot = Annotated[TenantSnapshot, Depends(tenant_snapshot)]
Service = Annotated[SemanticService, Depends(service)]
