"""Mixpanel, simulated: /mixpanel/api/2.0/export (data.mixpanel.com), /mixpanel/api/2.0/engage and
/mixpanel/api/app/me (mixpanel.com).

The export answers render.py's events of the days asked for as JSON lines, every 50th event a second time (the
raw export keeps duplicates Mixpanel's reports drop). Engage answers the profiles of the identified users the
export has sent, for the `distinct_ids` asked, 1,000 a page with a `session_id`. Auth is a service account,
HTTP basic: a username the simulator knows as valid and a non-empty secret; otherwise a 401.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gata.connectors.simulator.auth import basic_credentials
from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "mixpanel"
CONNECTORS = ("mixpanel",)
REPEATED_EVERY = 50
PAGE_SIZE = 1000


class ApiFailure(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return JSONResponse({"error": exc.message, "status": "error"}, exc.status)


def throttled(retry_after: int) -> JSONResponse:
    return JSONResponse(
        {"error": "Query rate limit exceeded", "status": "error"}, 429, headers={"Retry-After": str(retry_after)}
    )


def _day(text: str | None, name: str) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise ApiFailure(400, f"{name} must be YYYY-MM-DD") from None


def router(state: SimulatorState) -> APIRouter:
    def authorized(request: Request) -> None:
        user, secret = basic_credentials(request)
        if state.token(user) != "valid" or not secret:
            raise ApiFailure(401, "Invalid username or secret")

    def served(request: Request) -> ServedAccount:
        authorized(request)
        acct = state.account(CONNECTORS, request.query_params.get("project_id", ""))
        if acct is None:
            raise ApiFailure(403, "The service account has no access to this project")
        return acct

    r = APIRouter(prefix="/api")

    @r.get("/app/me")
    def me(request: Request):
        authorized(request)
        projects = {
            a.account_id: {"name": f"{a.world.tenant.name}", "domain": "mixpanel.com"}
            for a in state.accounts(CONNECTORS)
        }
        return {"status": "ok", "results": {"projects": projects}}

    @r.get("/{version}/export")
    def export(request: Request, version: str):
        acct = served(request)
        first, last = (
            _day(request.query_params.get("from_date"), "from_date"),
            _day(request.query_params.get("to_date"), "to_date"),
        )
        if version != "2.0" or last < first:
            raise ApiFailure(400, "to_date must not precede from_date")
        lines = []
        day = first
        while day <= min(last, state.as_of):
            rendered = state.day(acct, day)
            state.remember(acct, "people", {p["$distinct_id"]: p for p in rendered.get("people", [])})
            for k, event in enumerate(rendered.get("events", [])):
                line = json.dumps(event, separators=(",", ":"))
                lines.append(line)
                if k % REPEATED_EVERY == REPEATED_EVERY - 1:
                    lines.append(line)
            day += timedelta(days=1)
        return Response("".join(line + "\n" for line in lines), media_type="text/plain")

    @r.post("/{version}/engage")
    async def engage(request: Request, version: str):
        acct = served(request)
        form = await request.form()
        try:
            wanted = json.loads(str(form.get("distinct_ids", "[]")))
            page = int(str(form.get("page", 0)))
        except ValueError:
            raise ApiFailure(400, "distinct_ids must be a JSON list, page an integer") from None
        found = [p for d in wanted if (p := state.recall(acct, "people", d)) is not None]
        total_pages = max(1, math.ceil(len(found) / PAGE_SIZE))
        if page and form.get("session_id") != f"sim-{acct.account_id}":
            raise ApiFailure(400, "page > 0 needs the session_id of the first page")
        return {
            "page": page,
            "page_size": PAGE_SIZE,
            "session_id": f"sim-{acct.account_id}",
            "status": "ok",
            "total": len(found),
            "results": found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE] if page < total_pages else [],
        }

    return r
