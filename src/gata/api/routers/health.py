"""Liveness without a key: nothing tenant-specific is ever returned here, not even how many tenants are served
(only an admin key or session sees that)."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from gata.api.deps import Service, bearer, session_principal
from gata.api.keys import ADMIN
from gata.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, response_model_exclude_none=True)
def health(
    svc: Service, request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Health:
    key = request.app.state.keys.verify(credentials.credentials) if credentials else None
    who = session_principal(request)
    admin = (key is not None and key.role == ADMIN) or (who is not None and who.role == ADMIN)
    return Health(status="ok", version=version("gata"), tenants_served=len(svc.tenants()) if admin else None)
