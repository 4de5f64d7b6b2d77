"""Sign-in and sign-out with a plain HTML form (works without JavaScript).

The sign-in form is protected against login CSRF by a double-submit token (a cookie scoped to /login and the
same value in a hidden field); sign-out needs the session's own CSRF token. A new session token is issued at
every sign-in, so a token planted before sign-in is never promoted to a signed-in session.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gata.api.deps import check_csrf, session_principal
from gata.web.render import page
from gata.web.sessions import COOKIE

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "gata_login_csrf"


def safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect to another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/app"


def _login_page(
    request: Request, next_: str, error: str | None = None, status_code: int = 200, username: str = ""
) -> HTMLResponse:
    """The form; after a refused sign-in it keeps the username typed (never the password)."""
    token = secrets.token_urlsafe(32)
    response = page(
        request,
        "login.html",
        status_code,
        csrf_token=token,
        next=safe_next(next_),
        error=error,
        username=username,
        title="Sign in",
    )
    secure = request.url.scheme == "https"
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure, path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/app") -> Response:
    if session_principal(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/app",
) -> Response:
    web = request.app.state.web
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        message = "The sign-in form expired or was not sent by this site: try again."
        return _login_page(request, next, message, 403, username)
    if not username or not password:
        return _login_page(request, next, "Enter your username and password.", 422, username)
    name = username.strip().lower()
    client = request.client.host if request.client else ""
    wait = web.throttle.retry_after(name, client)
    if wait:
        message = f"Too many failed sign-ins: try again in {(wait + 59) // 60} minute(s)."
        response = _login_page(request, next, message, 429, username)
        response.headers["Retry-After"] = str(wait)
        return response
    user = web.users.authenticate(name, password)
    if user is None:
        web.throttle.failed(name, client)
        return _login_page(request, next, "Wrong username or password.", 401, username)
    web.throttle.succeeded(name, client)
    old = request.cookies.get(COOKIE)
    if old:
        web.sessions.delete(old)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, user)
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


def start_session(request: Request, response: Response, user) -> None:
    """A new session of `user` whose token goes into the response's cookie."""
    sessions = request.app.state.web.sessions
    token, _ = sessions.create(user)
    secure = request.url.scheme == "https"
    response.set_cookie(
        COOKIE, token, max_age=int(sessions.ttl), httponly=True, samesite="lax", secure=secure, path="/"
    )


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    who = session_principal(request)
    if who is not None:
        check_csrf(request, who.session, csrf_token)  # type: ignore[arg-type]
        request.app.state.web.sessions.delete(request.cookies[COOKIE])
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
