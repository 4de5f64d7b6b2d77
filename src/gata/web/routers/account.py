"""The signed-in user's account (change password, sign out everywhere) and an admin's "sign out everywhere"
for any user. Each bumps the user record's credential version, which ends every session issued before it,
in every process (`gata.web.sessions`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gata.api.deps import Principal, check_csrf, principal, session_principal
from gata.api.keys import ADMIN
from gata.web.render import page
from gata.web.routers.auth import start_session
from gata.web.sessions import COOKIE
from gata.web.users import MIN_PASSWORD, UserError

router = APIRouter(include_in_schema=False)


def _account_page(request: Request, who: Principal, status: int = 200, **context) -> HTMLResponse:
    csrf = context.pop("csrf_token", who.session.csrf_token)  # type: ignore[union-attr]
    return page(
        request,
        "account.html",
        status,
        title="Account",
        user=who,
        tenants=[],
        tenant=None,
        csrf_token=csrf,
        min_password=MIN_PASSWORD,
        **context,
    )


@router.get("/account", response_class=HTMLResponse)
def account(request: Request) -> Response:
    who = session_principal(request)
    if who is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    changed = request.query_params.get("changed") == "1"
    return _account_page(
        request, who, message="Password changed; your other sessions were signed out." if changed else None
    )


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    who = session_principal(request)
    if who is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    check_csrf(request, who.session, csrf_token)  # type: ignore[arg-type]
    web = request.app.state.web
    if web.users.authenticate(who.name, current) is None:
        return _account_page(request, who, 403, error="The current password is wrong.")
    if new != confirm:
        return _account_page(request, who, 422, error="The two new passwords differ.")
    try:
        user = web.users.set_password(who.name, new)
    except UserError as exc:
        return _account_page(request, who, 422, error=f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
    web.sessions.revoke_users({who.name})
    # this browser goes on with a new session; every other one is signed out
    response = RedirectResponse("/account?changed=1", status_code=303)
    start_session(request, response, user)
    return response


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    who = session_principal(request)
    if who is not None:
        check_csrf(request, who.session, csrf_token)  # type: ignore[arg-type]
        request.app.state.web.users.sign_out_everywhere(who.name)
        request.app.state.web.sessions.revoke_users({who.name})
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/admin/users/{username}/sign-out-everywhere")
def admin_sign_out_everywhere(username: str, request: Request, who: Annotated[Principal, Depends(principal)]) -> dict:
    """An admin (key or session with its CSRF token) ends every session of a user."""
    if who.role != ADMIN:
        raise HTTPException(403, "only an admin can sign other users out")
    web = request.app.state.web
    try:
        web.users.sign_out_everywhere(username)
    except UserError as exc:
        raise HTTPException(404, str(exc)) from None
    return {"username": username, "sessions_ended": web.sessions.revoke_users({username})}
