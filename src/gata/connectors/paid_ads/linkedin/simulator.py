"""LinkedIn's versioned Marketing API, simulated: /adAccounts, /adAccounts/{id}/adCampaigns and /adAnalytics.

Calls need a Bearer token and a `LinkedIn-Version` header (YYYYMM); errors are LinkedIn's
{status, serviceErrorCode, code, message}. Searches page by pageSize / pageToken (metadata.nextPageToken);
analytics parse Rest.li's dateRange=(start:(year:..,month:..,day:..),end:(..)) and accounts=List(urn..)
and serve render.py's rows as the API sends them: without the extractor's pivotValue and start_date.
"""

from __future__ import annotations

import base64
import re
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "linkedin"
CONNECTORS = ("linkedin_ads",)
EXTRACTED = ("pivotValue", "start_date")
TOKENS = {
    "expired": (65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired"),
    "revoked": (65601, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user"),
}
DAY = r"\(year:(\d{4}),month:(\d{1,2}),day:(\d{1,2})\)"
DATE_RANGE = re.compile(rf"^\(start:{DAY},end:{DAY}\)$")
ACCOUNTS = re.compile(r"^List\(urn:li:sponsoredAccount:(\d+)\)$")
FINDERS = {
    ("statistics", "List(CREATIVE,CAMPAIGN)"): "ad_analytics",
    ("analytics", "CAMPAIGN"): "ad_analytics_by_campaign",
}


class ApiFailure(Exception):
    def __init__(self, status: int, message: str, code: str = "", service_code: int = 0) -> None:
        self.status, self.message, self.code, self.service_code = status, message, code, service_code


def error(status: int, message: str, code: str = "", service_code: int = 0, headers: dict | None = None):
    doc = {"status": status, "message": message}
    if code:
        doc |= {"code": code, "serviceErrorCode": service_code}
    return JSONResponse(doc, status, headers=headers)


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return error(exc.status, exc.message, exc.code, exc.service_code)


def throttled(retry_after: int) -> JSONResponse:
    message = "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."
    return error(429, message, headers={"Retry-After": str(retry_after)})


def _search_page(request: Request, records: list[dict]) -> dict:
    q = request.query_params
    if q.get("q") != "search":
        raise ApiFailure(400, "the only finder here is q=search")
    start = int(base64.b64decode(q["pageToken"]).decode()) if q.get("pageToken") else 0
    size = int(q.get("pageSize", 100))
    chunk = records[start : start + size]
    metadata = {}
    if start + size < len(records):
        metadata["nextPageToken"] = base64.b64encode(str(start + size).encode()).decode()
    return {"elements": chunk, "metadata": metadata, "paging": {"count": size, "start": 0, "links": []}}


def router(state: SimulatorState) -> APIRouter:
    def authorized(request: Request) -> None:
        if not re.fullmatch(r"\d{6}", request.headers.get("linkedin-version", "")):
            raise ApiFailure(400, "A version header (LinkedIn-Version: YYYYMM) is required", "VERSION_MISSING", 100)
        header = request.headers.get("authorization", "")
        status = state.token(header[7:] if header.lower().startswith("bearer ") else None)
        if status is None:
            raise ApiFailure(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
        if status != "valid":
            service, code, message = TOKENS[status]
            raise ApiFailure(401, message, code, service)

    r = APIRouter(dependencies=[Depends(authorized)])

    def served(account_id: str) -> ServedAccount:
        acct = state.account(CONNECTORS, account_id)
        if acct is None:
            raise ApiFailure(403, f"Not enough permissions to access: adAccounts/{account_id}", "ACCESS_DENIED", 100)
        return acct

    @r.get("/adAccounts")
    def ad_accounts(request: Request):
        rows = [
            {
                "id": int(a.account.account_id),
                "name": a.account.account_name,
                "currency": a.account.currency,
                "status": "ACTIVE",
                "type": "BUSINESS",
            }
            for a in state.accounts(CONNECTORS)
        ]
        return _search_page(request, rows)

    @r.get("/adAccounts/{account_id}/adCampaigns")
    def ad_campaigns(request: Request, account_id: str):
        return _search_page(request, state.entities(served(account_id))["campaigns"])

    @r.get("/adAnalytics")
    def ad_analytics(request: Request):
        q = request.query_params
        finder = (q.get("q", ""), q.get("pivots") or q.get("pivot", ""))
        if finder not in FINDERS or q.get("timeGranularity") != "DAILY":
            raise ApiFailure(400, f"unsupported finder {finder} (the simulator serves DAILY statistics/analytics)")
        span, accounts = DATE_RANGE.match(q.get("dateRange", "")), ACCOUNTS.match(q.get("accounts", ""))
        if not span or not accounts:
            raise ApiFailure(400, "dateRange=(start:(year:,month:,day:),end:(...)) and accounts=List(urn) are required")
        y1, m1, d1, y2, m2, d2 = (int(x) for x in span.groups())
        rows = state.daily(served(accounts[1]), date(y1, m1, d1), date(y2, m2, d2)).get(FINDERS[finder], [])
        fields = set(q.get("fields", "").split(",")) - {""}
        if not fields:
            raise ApiFailure(400, "fields is required")
        return {
            "elements": [{k: v for k, v in row.items() if k in fields and k not in EXTRACTED} for row in rows],
            "paging": {"count": 10, "start": 0, "links": []},
        }

    return r
