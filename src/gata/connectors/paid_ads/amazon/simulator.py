"""Amazon Ads API, simulated: /v2/profiles, Sponsored Products v3 list endpoints, reporting v3 (create, status,
gzipped JSON download) and the Login with Amazon token endpoint.

Calls need an access token from /token and the Amazon-Advertising-API-ClientId header; profile calls the
Amazon-Advertising-API-Scope header of a profile the simulator serves, and v3 calls their versioned media
type. Lists page by maxResults / nextToken; reports are PENDING on the first status call and COMPLETED with a
download url on the next (unless a `stuck_job` fault holds them), at most 31 days each. The report file
sends ids as JSON numbers, as Amazon's v3 reports do; errors are {code, details}.
"""

from __future__ import annotations

import base64
import gzip
import json
from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gata.connectors.paid_ads.amazon.render import ReportRow
from gata.connectors.simulator.oauth import token_endpoint
from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "amazon"
CONNECTORS = ("amazon_ads",)
LISTS = {
    "campaigns": ("campaigns", "spCampaign"),
    "adGroups": ("ad_groups", "spAdGroup"),
    "productAds": ("product_ads", "spProductAd"),
}
ID_COLUMNS = ("campaignId", "adGroupId", "adId")
MAX_REPORT_DAYS = 31


class ApiFailure(Exception):
    def __init__(self, status: int, code: str, details: str) -> None:
        self.status, self.code, self.details = status, code, details


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return JSONResponse({"code": exc.code, "details": exc.details}, exc.status)


def throttled(retry_after: int) -> JSONResponse:
    return JSONResponse({"code": "429", "details": "Too Many Requests"}, 429, headers={"Retry-After": str(retry_after)})


def router(state: SimulatorState) -> APIRouter:
    r = APIRouter()
    r.post("/token")(token_endpoint(state))

    def authorized(request: Request) -> None:
        if state.oauth_bearer(request.headers.get("authorization")) != "valid":
            raise ApiFailure(401, "UNAUTHORIZED", "Not authorized to access this advertiser: invalid or expired token")
        if not request.headers.get("amazon-advertising-api-clientid"):
            raise ApiFailure(400, "400", "Amazon-Advertising-API-ClientId header is required")

    def profile(request: Request) -> ServedAccount:
        authorized(request)
        acct = state.account(CONNECTORS, request.headers.get("amazon-advertising-api-scope", ""))
        if acct is None:
            raise ApiFailure(401, "UNAUTHORIZED", "Not authorized to access scope (Amazon-Advertising-API-Scope)")
        return acct

    @r.get("/v2/profiles")
    def profiles(request: Request):
        authorized(request)
        return [
            {
                "profileId": int(a.account.account_id),
                "countryCode": "US",
                "currencyCode": a.account.currency,
                "timezone": "UTC",
                "accountInfo": {
                    "id": f"A{a.account.account_id[-10:]}",
                    "type": "seller",
                    "name": a.account.account_name,
                },
            }
            for a in state.accounts(CONNECTORS)
        ]

    @r.post("/sp/{entity}/list")
    async def entity_list(request: Request, entity: str):
        acct = profile(request)
        if entity not in LISTS:
            raise ApiFailure(404, "404", f"unknown resource sp/{entity}")
        obj, media = LISTS[entity]
        if request.headers.get("content-type") != f"application/vnd.{media}.v3+json":
            raise ApiFailure(415, "415", f"Content-Type must be application/vnd.{media}.v3+json")
        body = await request.json()
        start = int(base64.b64decode(body["nextToken"]).decode()) if body.get("nextToken") else 0
        size = int(body.get("maxResults", 100))
        records = state.entities(acct)[obj]
        page = {entity: records[start : start + size], "totalResults": len(records)}
        if start + size < len(records):
            page["nextToken"] = base64.b64encode(str(start + size).encode()).decode()
        return page

    @r.post("/reporting/reports")
    async def create_report(request: Request):
        acct = profile(request)
        body = await request.json()
        conf = body.get("configuration") or {}
        if conf.get("reportTypeId") != "spAdvertisedProduct" or conf.get("timeUnit") != "DAILY":
            raise ApiFailure(400, "400", "the simulator serves spAdvertisedProduct reports with timeUnit DAILY")
        if set(conf.get("columns") or []) - set(ReportRow.model_fields):
            raise ApiFailure(
                400, "400", f"invalid columns {sorted(set(conf['columns']) - set(ReportRow.model_fields))}"
            )
        first, last = date.fromisoformat(body["startDate"]), date.fromisoformat(body["endDate"])
        if (last - first).days + 1 > MAX_REPORT_DAYS:
            raise ApiFailure(400, "400", "Report date range can not exceed 31 days")
        request.state.logged = {"start": first.isoformat(), "end": last.isoformat()}
        params = {"first": first, "last": last, "columns": conf["columns"]}
        job = state.start_job("sim-{:08d}", acct.account.account_id, params, request.url.path)
        return {"reportId": job.id, "status": "PENDING", "name": body.get("name")}

    @r.get("/reporting/reports/{report_id}")
    def report_status(request: Request, report_id: str):
        profile(request)
        job = state.jobs.get(report_id)
        if job is None:
            raise ApiFailure(404, "404", f"report {report_id} not found")
        job.polls += 1
        if job.stuck or job.polls < 2:
            return {"reportId": report_id, "status": "PENDING", "url": None}
        url = f"{str(request.url).split('/reporting/')[0]}/download/{report_id}.json.gz"
        return {"reportId": report_id, "status": "COMPLETED", "url": url}

    @r.get("/download/{report_id}.json.gz")
    def download(report_id: str):
        job = state.jobs.get(report_id)
        if job is None or job.stuck or job.polls < 2:
            return Response(status_code=404)
        rows = state.daily(state.account(CONNECTORS, job.account), job.params["first"], job.params["last"])
        served = [
            {c: int(row[c]) if c in ID_COLUMNS else row[c] for c in job.params["columns"]}
            for row in rows.get("advertised_product_report", [])
        ]
        return Response(gzip.compress(json.dumps(served).encode()), media_type="application/octet-stream")

    return r
