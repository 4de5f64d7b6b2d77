"""TikTok's Business API v1.3, simulated: the routes the live client calls, with TikTok's envelope.

Every answer is HTTP 200 `{code, message, request_id, data}`; errors are codes (40100 throttled, 40102 expired
token, 40105 invalid or revoked token, 40002 bad parameters). Lists page with page/page_size and
`data.page_info` {page, page_size, total_number, total_page}. The report serves render.py's rows as TikTok
sends them ({dimensions, metrics} only), refusing spans over 30 days as TikTok does with stat_time_day.
"""

from __future__ import annotations

import json
import math
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "tiktok"
CONNECTORS = ("tiktok_ads",)
ENTITIES = {"campaign": "campaigns", "adgroup": "ad_groups", "ad": "ads"}
TOKEN_CODES = {
    "expired": (40102, "Access token has expired."),
    "revoked": (40105, "Access token is invalid or revoked."),
}
MAX_REPORT_DAYS = 30


class ApiFailure(Exception):
    def __init__(self, code: int, message: str) -> None:
        self.code, self.message = code, message


def envelope(code: int, message: str, data: dict | None = None, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": code, "message": message, "request_id": "20240101simulated", "data": data or {}}, 200, headers=headers
    )


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return envelope(exc.code, exc.message)


def throttled(retry_after: int) -> JSONResponse:
    return envelope(40100, "Too many requests. Please retry in some time.", headers={"Retry-After": str(retry_after)})


def _page(request: Request, records: list[dict]) -> JSONResponse:
    q = request.query_params
    try:
        page, size = int(q.get("page", 1)), int(q.get("page_size", 10))
    except ValueError:
        raise ApiFailure(40002, "page and page_size must be integers") from None
    if page < 1 or not 1 <= size <= 1000:
        raise ApiFailure(40002, "page must be >= 1 and page_size in [1, 1000]")
    chunk = records[(page - 1) * size : page * size]
    info = {"page": page, "page_size": size, "total_number": len(records), "total_page": math.ceil(len(records) / size)}
    return envelope(0, "OK", {"list": chunk, "page_info": info})


def _json_list(request: Request, name: str) -> list[str] | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiFailure(40002, f"{name} must be a JSON array") from None
    if not isinstance(value, list):
        raise ApiFailure(40002, f"{name} must be a JSON array")
    return value


def router(state: SimulatorState) -> APIRouter:
    def authorized(request: Request, version: str) -> None:
        if version != "v1.3":
            raise ApiFailure(40002, f"unsupported API version {version}")
        status = state.token(request.headers.get("access-token"))
        if status is None:
            raise ApiFailure(40105, "Access token is invalid or revoked.")
        if status != "valid":
            raise ApiFailure(*TOKEN_CODES[status])

    r = APIRouter(prefix="/open_api/{version}", dependencies=[Depends(authorized)])

    def served(request: Request) -> ServedAccount:
        acct = state.account(CONNECTORS, request.query_params.get("advertiser_id", ""))
        if acct is None:
            raise ApiFailure(40001, "No permission to operate advertiser")
        return acct

    @r.get("/oauth2/advertiser/get/")
    def advertisers(request: Request):
        if not request.query_params.get("app_id") or not request.query_params.get("secret"):
            raise ApiFailure(40101, "Invalid app_id or secret")
        rows = [
            {"advertiser_id": a.account.account_id, "advertiser_name": a.account.account_name}
            for a in state.accounts(CONNECTORS)
        ]
        return _page(request, rows)

    @r.get("/{entity}/get/")
    def entities(request: Request, entity: str):
        if entity not in ENTITIES:
            raise ApiFailure(40002, f"unknown endpoint {entity}/get/")
        records = state.entities(served(request))[ENTITIES[entity]]
        fields = _json_list(request, "fields")
        if fields is not None:
            unknown = sorted(set(fields) - {k for rec in records for k in rec})
            if unknown:
                raise ApiFailure(40002, f"fields: unknown field {unknown[0]}")
            records = [{k: v for k, v in rec.items() if k in fields} for rec in records]
        return _page(request, records)

    @r.get("/report/integrated/get/")
    def report(request: Request):
        q = request.query_params
        acct = served(request)
        if q.get("report_type") != "BASIC" or q.get("data_level") != "AUCTION_AD":
            raise ApiFailure(40002, "the simulator serves report_type BASIC at data_level AUCTION_AD")
        if _json_list(request, "dimensions") != ["ad_id", "stat_time_day"]:
            raise ApiFailure(40002, 'dimensions must be ["ad_id", "stat_time_day"]')
        try:
            first, last = date.fromisoformat(q["start_date"]), date.fromisoformat(q["end_date"])
        except (KeyError, ValueError):
            raise ApiFailure(40002, "start_date and end_date must be YYYY-MM-DD") from None
        if (last - first).days + 1 > MAX_REPORT_DAYS:
            raise ApiFailure(40002, "the time span of a report with stat_time_day cannot exceed 30 days")
        metrics = _json_list(request, "metrics") or []
        rows = state.daily(acct, first, last).get("ads_reports_daily", [])
        known = {k for row in rows for k in row["metrics"]}
        if set(metrics) - known and rows:
            raise ApiFailure(40002, f"metrics: unknown metric {sorted(set(metrics) - known)[0]}")
        served_rows = [
            {"dimensions": row["dimensions"], "metrics": {k: v for k, v in row["metrics"].items() if k in metrics}}
            for row in rows
        ]
        return _page(request, served_rows)

    return r
