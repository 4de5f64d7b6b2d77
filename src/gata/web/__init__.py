"""The web app: sign-in, dashboards and pipeline health, served by the API's own FastAPI service.

Same origin as the API, so pages call `/semantic-layer/...` and `/observability/...` with the session cookie
(see `gata.api.deps.principal`) and need no CORS or token handling in the browser. Pages are server-rendered
shells (Jinja2); the dashboards are plain ES modules; Chart.js comes from npm (`src/gata/web/node_modules`,
installed by `make setup`) and only the files the pages import are served, compressed and under
content-hashed URLs (`gata.web.routers.assets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from gata.settings import Settings
from gata.web.sessions import SessionStore
from gata.web.throttle import SignInThrottle
from gata.web.users import UserStore
from gata.workspace import Workspace

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"


@dataclass
class WebState:
    users: UserStore
    sessions: SessionStore
    throttle: SignInThrottle


def install(app: FastAPI, workspace: Workspace, settings: Settings) -> None:
    """Mount the web app's routers and static files on the API's app."""
    from gata.web.routers import account, assets, auth, docs, pages

    sessions = SessionStore(workspace, settings.session_hours * 3600)
    app.state.web = WebState(
        UserStore(workspace),
        sessions,
        SignInThrottle(settings.signin_failures_per_user, settings.signin_failures_per_address),
    )
    app.include_router(assets.router)
    app.include_router(auth.router)
    app.include_router(account.router)
    app.include_router(docs.router)
    app.include_router(pages.router)
