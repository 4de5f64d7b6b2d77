"""Liveness without a key: nothing tenant-specific is ever returned here."""

from __future__ import annotations

from importlib.metadata import version

from fastapi import APIRouter

from gata.api.deps import Service
from gata.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(svc: Service) -> Health:
    return Health(status="ok", version=version("gata"), tenants_served=len(svc.tenants()))
