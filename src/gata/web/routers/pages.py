"""The pages: the tenant picker, each tenant's dashboard, explorer, pipeline health and in-browser tier.

A tenant user reaches only their own tenant; any other tenant's page is the same 404 as a tenant that does
not exist, exactly like the API, so a user cannot learn which tenants are served here.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gata.api.deps import Principal, session_principal
from gata.api.keys import ADMIN
from gata.api.quota import TenantBusy
from gata.semantic.data_span import DataSpan
from gata.semantic.store import TenantNotServed
from gata.web.render import page
from gata.web.routers.assets import wasm_size

router = APIRouter(include_in_schema=False)


def _sign_in(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def _readable(request: Request, who: Principal) -> list[str]:
    """The served tenants this user may open."""
    return [t for t in request.app.state.service.tenants() if who.may_read(t)]


def _context(who: Principal, tenants: list[str], tenant: str | None) -> dict:
    return {"user": who, "tenants": tenants, "tenant": tenant, "csrf_token": who.session.csrf_token}


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/app", status_code=303)


@router.get("/app", response_class=HTMLResponse)
def home(request: Request, tenant: str | None = None) -> Response:
    """The tenant picker (admin), or straight to the user's own dashboard. `?tenant=` opens that tenant."""
    who = session_principal(request)
    if who is None:
        return _sign_in(request)
    if tenant:
        return RedirectResponse(f"/app/{quote(tenant, safe='')}", status_code=303)
    tenants = _readable(request, who)
    if who.role != ADMIN and tenants:
        return RedirectResponse(f"/app/{tenants[0]}", status_code=303)
    return page(request, "tenants.html", title="Tenants", **_context(who, tenants, None))


def _tenant_page(request: Request, tenant: str, template: str, page_id: str, title: str, **extra) -> Response:
    """A page of one tenant: sign-in first, then the same 404 for another tenant as for none at all."""
    who = session_principal(request)
    if who is None:
        return _sign_in(request)
    tenants = _readable(request, who)
    if tenant not in tenants:
        return page(
            request, "not_found.html", 404, title="Not found", what=f"tenant '{tenant}'", **_context(who, tenants, None)
        )
    return page(
        request, template, title=f"{tenant}: {title}", page_id=page_id, **_context(who, tenants, tenant), **extra
    )


def _admin_page(request: Request, template: str, title: str, what: str, **extra) -> Response:
    """An admin page; for anyone else the same 404 as a page that does not exist."""
    who = session_principal(request)
    if who is None:
        return _sign_in(request)
    tenants = _readable(request, who)
    if who.role != ADMIN:
        return page(request, "not_found.html", 404, title="Not found", what=what, **_context(who, tenants, None))
    return page(request, template, title=title, **_context(who, tenants, None), **extra)


@router.get("/admin/onboard", response_class=HTMLResponse)
def onboarding_wizard(request: Request) -> Response:
    return _admin_page(request, "onboard.html", "Onboard a tenant", "page '/admin/onboard'")


@router.get("/admin/tenants", response_class=HTMLResponse)
def tenant_lifecycle(request: Request) -> Response:
    return _admin_page(request, "admin_tenants.html", "Tenants", "page '/admin/tenants'")


@router.get("/admin/overview", response_class=HTMLResponse)
def tenants_overview(request: Request) -> Response:
    return _admin_page(request, "admin_overview.html", "Overview", "page '/admin/overview'")


@router.get("/admin/onboard/jobs/{job_id}", response_class=HTMLResponse)
def onboarding_job(request: Request, job_id: str) -> Response:
    return _admin_page(request, "job.html", "Onboarding job", f"job '{job_id}'", job_id=job_id)


@router.get("/app/{tenant}", response_class=HTMLResponse)
def dashboard(request: Request, tenant: str) -> Response:
    """The dashboard opens on a period that fits the tenant's data: the page carries the data's first and last
    day (read by the template, so only once the user may see the tenant). Reading it (once per snapshot) is one of
    the tenant's queries, under its quota; a tenant at its limit gets the page with the standard period."""

    def span() -> DataSpan | None:
        try:
            return request.app.state.service.data_span(tenant, admit=request.app.state.quota.slot)
        except (TenantNotServed, TenantBusy):
            return None

    return _tenant_page(request, tenant, "dashboard.html", "dashboard", "dashboard", data_span=span)


@router.get("/app/{tenant}/explore", response_class=HTMLResponse)
def explore(request: Request, tenant: str) -> Response:
    return _tenant_page(request, tenant, "explore.html", "explore", "explorer")


@router.get("/app/{tenant}/health", response_class=HTMLResponse)
def health(request: Request, tenant: str) -> Response:
    return _tenant_page(request, tenant, "health.html", "health", "pipeline health")


@router.get("/app/{tenant}/local", response_class=HTMLResponse)
def local(request: Request, tenant: str, model: str | None = None) -> Response:
    """The in-browser tier: star tables queried by DuckDB-WASM in the page, no server round trip per query.

    `?model=webllm` is the variant the user opts into for the in-browser model: its CSP may also reach the
    model's download origins. The server cannot see the browser's GPU, so it serves that policy either way; the
    page loads nothing from those origins unless WebGPU has an adapter and the user starts the model.
    """
    webllm = model == "webllm"
    return _tenant_page(
        request,
        tenant,
        "local.html",
        "local",
        "in-browser analysis",
        csp="webllm" if webllm else "wasm",
        model="webllm" if webllm else "",
        wasm_bytes=wasm_size(),
    )
