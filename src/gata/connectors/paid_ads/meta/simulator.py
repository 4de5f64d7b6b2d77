"""Meta's Graph API, simulated: the routes the live client calls, with Meta's shapes and errors.

Records are render.py's, filtered to the requested `fields` (an unknown field is Graph error 100), paged with
`paging.cursors` / `paging.next`. Tokens come as a Bearer header or `access_token`; a token the simulator
does not know, an expired or a revoked one get error 190 with Meta's subcodes. Insights honour
level=ad, time_increment=1, time_range, breakdowns=publisher_platform and its filtering; async report runs
complete on their second poll unless a `stuck_job` fault holds them "Job Running" for ever.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections import OrderedDict
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "meta"
CONNECTORS = ("facebook_ads", "instagram_ads")
EDGES = {"campaigns": "campaigns", "adsets": "ad_sets", "ads": "ads"}
SUBCODES = {
    "expired": (463, "Error validating access token: Session has expired."),
    "revoked": (458, "Error validating access token: The user has not authorized application."),
}
VERSION = re.compile(r"^v\d+\.0$")
PAGING = ("after", "limit", "access_token")


class ApiFailure(Exception):
    def __init__(self, status: int, code: int, message: str, subcode: int | None = None) -> None:
        self.status, self.code, self.message, self.subcode = status, code, message, subcode


def error_response(status: int, code: int, message: str, subcode: int | None = None, headers: dict | None = None):
    err = {"message": message, "type": "OAuthException" if code == 190 else "GraphMethodException", "code": code}
    if subcode is not None:
        err["error_subcode"] = subcode
    err["fbtrace_id"] = "AsimulatedTrace"
    return JSONResponse({"error": err}, status, headers=headers)


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.subcode)


def throttled(retry_after: int) -> JSONResponse:
    """Meta throttles with a 400 and an error code, not a 429 (80004: too many calls to this ad account)."""
    return error_response(
        400, 80004, "There have been too many calls to this ad-account.", headers={"Retry-After": str(retry_after)}
    )


def _top_fields(spec: str) -> list[str]:
    """'id,creative{id,name},name' -> ['id', 'creative', 'name']."""
    out, depth, current = [], 0, ""
    for ch in spec:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
        else:
            current += ch
    out.append(current)
    return [f.split("{", 1)[0].strip() for f in out if f.strip()]


def _select(records: list[dict], spec: str | None, known: set[str]) -> list[dict]:
    if not spec:
        return [{"id": r["id"]} if "id" in r else r for r in records]
    fields = _top_fields(spec)
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise ApiFailure(400, 100, f"(#100) Tried accessing nonexisting field ({unknown[0]})")
    wanted = set(fields)
    return [{k: v for k, v in r.items() if k in wanted} for r in records]  # in the record's own order


def _page(request: Request, records: list[dict], limit: int) -> dict:
    after = request.query_params.get("after")
    start = int(base64.b64decode(after).decode()) if after else 0
    chunk = records[start : start + limit]
    paging: dict = {
        "cursors": {
            "before": base64.b64encode(str(start).encode()).decode(),
            "after": base64.b64encode(str(start + len(chunk)).encode()).decode(),
        }
    }
    if start + len(chunk) < len(records):
        paging["next"] = str(request.url.include_query_params(after=paging["cursors"]["after"]))
    return {"data": chunk, "paging": paging}


def router(state: SimulatorState) -> APIRouter:
    def authorized(request: Request, version: str) -> None:
        if not VERSION.match(version):
            raise ApiFailure(400, 2500, f"Unknown path components: /{version}")
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else request.query_params.get("access_token")
        status = state.token(token)
        if status is None:
            raise ApiFailure(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if status != "valid":
            subcode, message = SUBCODES[status]
            raise ApiFailure(400, 190, message, subcode)

    r = APIRouter(dependencies=[Depends(authorized)])

    def served(account_id: str) -> ServedAccount:
        acct = state.account(CONNECTORS, account_id)
        if acct is None:
            raise ApiFailure(400, 100, f"(#100) Object with ID 'act_{account_id}' does not exist or cannot be loaded")
        return acct

    def limit(request: Request) -> int:
        return int(request.query_params.get("limit", 25))

    answered: OrderedDict[tuple, list[dict]] = OrderedDict()  # one query's rows, for its next pages
    lock = threading.Lock()

    def insights(acct: ServedAccount, params: dict) -> list[dict]:
        key = (acct.account.account_id, state.as_of, *sorted((k, v) for k, v in params.items() if k not in PAGING))
        with lock:
            rows = answered.get(key)
        if rows is None:
            rows = _insights(acct, params)
            with lock:
                answered[key] = rows
                while len(answered) > 32:
                    answered.popitem(last=False)
        return rows

    def _insights(acct: ServedAccount, params: dict) -> list[dict]:
        if params.get("level") != "ad" or str(params.get("time_increment")) != "1":
            raise ApiFailure(400, 100, "(#100) the simulator serves level=ad with time_increment=1")
        try:
            span = json.loads(params["time_range"])
            first, last = date.fromisoformat(span["since"]), date.fromisoformat(span["until"])
        except (KeyError, ValueError, TypeError):
            raise ApiFailure(
                400, 100, "(#100) time_range must be {'since': 'YYYY-MM-DD', 'until': 'YYYY-MM-DD'}"
            ) from None
        rows = state.daily(acct, first, last).get("facebook_insights", [])
        breakdowns = set(str(params.get("breakdowns", "")).split(",")) - {""}
        for f in json.loads(params.get("filtering") or "[]"):
            if f.get("field") == "publisher_platform":
                rows = [row for row in rows if row["publisher_platform"] in f.get("value", [])]
        if "publisher_platform" not in breakdowns:
            rows = [{k: v for k, v in row.items() if k != "publisher_platform"} for row in rows]
        known = {f for row in rows for f in row} | {"cpc", "actions", "action_values", "publisher_platform"}
        # breakdown columns come with every row, asked for in `fields` or not
        spec = ",".join([params.get("fields") or "", *sorted(breakdowns)]).strip(",")
        return _select(rows, spec, known)

    @r.get("/{version}/me/adaccounts")
    def adaccounts(request: Request, version: str):
        rows = [
            {
                "id": f"act_{a.account.account_id}",
                "account_id": a.account.account_id,
                "name": a.account.account_name,
                "currency": a.account.currency,
            }
            for a in state.accounts(CONNECTORS)
        ]
        return _page(
            request,
            _select(rows, request.query_params.get("fields"), {"id", "account_id", "name", "currency"}),
            limit(request),
        )

    @r.get("/{version}/act_{account_id}/insights")
    def insights_sync(request: Request, version: str, account_id: str):
        return _page(request, insights(served(account_id), dict(request.query_params)), limit(request))

    @r.post("/{version}/act_{account_id}/insights")
    def insights_async(request: Request, version: str, account_id: str):
        served(account_id)
        job = state.start_job("10000000{:08d}", account_id, dict(request.query_params), request.url.path)
        return {"report_run_id": job.id}

    @r.get("/{version}/act_{account_id}/{edge}")
    def edge(request: Request, version: str, account_id: str, edge: str):
        if edge not in EDGES:
            raise ApiFailure(400, 2500, f"Unknown path components: /{edge}")
        records = state.entities(served(account_id))[EDGES[edge]]
        known = {k for rec in records for k in rec}
        return _page(request, _select(records, request.query_params.get("fields"), known), limit(request))

    @r.get("/{version}/{run_id}/insights")
    def job_insights(request: Request, version: str, run_id: str):
        job = state.jobs.get(run_id)
        if job is None or job.stuck or job.polls < 2:
            raise ApiFailure(400, 100, f"(#100) report run {run_id} is not complete")
        return _page(request, insights(served(job.account), job.params), limit(request))

    @r.get("/{version}/{run_id}")
    def job_status(version: str, run_id: str):
        job = state.jobs.get(run_id)
        if job is None:
            raise ApiFailure(400, 100, f"(#100) Object with ID '{run_id}' does not exist")
        job.polls += 1
        done = not job.stuck and job.polls >= 2
        return {
            "id": run_id,
            "async_status": "Job Completed" if done else "Job Running",
            "async_percent_completion": 100 if done else 50,
        }

    return r
