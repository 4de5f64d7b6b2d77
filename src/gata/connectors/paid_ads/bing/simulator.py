"""Microsoft Advertising v13 REST, simulated: Customer Management (User/Query, AccountsInfo/Query), Campaign
Management (Campaigns, AdGroups, Ads queries), Reporting (GenerateReport/Submit, /Poll, the zipped CSV
download) and the OAuth2 token endpoint.

Calls need an access token from /token and a DeveloperToken header; errors are {"Errors": [{Code, ErrorCode,
Message}]} (117 CallRateExceeded when throttled). A report is Pending on its first poll and Success with a
download URL on the next, unless a `stuck_job` fault keeps it Pending; the CSV holds render.py's rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gata.connectors.paid_ads.bing.render import ReportRow
from gata.connectors.simulator.oauth import token_endpoint
from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "bing"
CONNECTORS = ("bing_ads",)
CUSTOMER_ID = 900000001


class ApiFailure(Exception):
    def __init__(self, status: int, code: int, error_code: str, message: str) -> None:
        self.status, self.code, self.error_code, self.message = status, code, error_code, message


def error(status: int, code: int, error_code: str, message: str, headers: dict | None = None) -> JSONResponse:
    doc = {"Type": "AdApiFaultDetail", "Errors": [{"Code": code, "ErrorCode": error_code, "Message": message}]}
    return JSONResponse(doc, status, headers=headers)


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return error(exc.status, exc.code, exc.error_code, exc.message)


def throttled(retry_after: int) -> JSONResponse:
    message = "You have exceeded the number of calls that you are allowed to make in a given time period."
    return error(400, 117, "CallRateExceeded", message, {"Retry-After": str(retry_after)})


def _day(d: dict) -> date:
    return date(int(d["Year"]), int(d["Month"]), int(d["Day"]))


def _csv_zip(rows: list[dict], columns: list[str]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({c: row[c] for c in columns} for row in rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("report.csv", "\ufeff" + text.getvalue())
    return out.getvalue()


def router(state: SimulatorState) -> APIRouter:
    r = APIRouter()
    r.post("/token")(token_endpoint(state))

    def authorized(request: Request) -> None:
        if state.oauth_bearer(request.headers.get("authorization")) != "valid":
            raise ApiFailure(401, 109, "AuthenticationTokenExpired", "The OAuth access token is expired or invalid.")
        if not request.headers.get("developertoken"):
            raise ApiFailure(401, 105, "InvalidCredentials", "The DeveloperToken header is missing.")

    def served(request: Request, account_id: str | int | None = None) -> ServedAccount:
        wanted = str(account_id or request.headers.get("customeraccountid", ""))
        acct = state.account(CONNECTORS, wanted)
        if acct is None:
            raise ApiFailure(400, 1102, "InvalidAccountId", f"The account {wanted} is not accessible.")
        return acct

    async def payload(request: Request) -> dict:
        authorized(request)
        try:
            data = await request.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ApiFailure(400, 100, "InvalidRequest", "The request body must be a JSON object.")
        return data

    @r.post("/CustomerManagement/{version}/User/Query")
    async def user(request: Request, version: str):
        await payload(request)
        ids = [int(a.account.account_id) for a in state.accounts(CONNECTORS)]
        return {
            "User": {"Id": 1, "UserName": "simulated"},
            "CustomerRoles": [{"CustomerId": CUSTOMER_ID, "RoleId": 41, "AccountIds": ids}],
        }

    @r.post("/CustomerManagement/{version}/AccountsInfo/Query")
    async def accounts_info(request: Request, version: str):
        await payload(request)
        rows = [
            {
                "Id": int(a.account.account_id),
                "Name": a.account.account_name,
                "Number": f"X{a.account.account_id[-7:]}",
                "AccountLifeCycleStatus": "Active",
            }
            for a in state.accounts(CONNECTORS)
        ]
        return {"AccountsInfo": rows}

    @r.post("/CampaignManagement/{version}/Campaigns/QueryByAccountId")
    async def campaigns(request: Request, version: str):
        body = await payload(request)
        return {"Campaigns": state.entities(served(request, body.get("AccountId")))["campaigns"], "PartialErrors": []}

    @r.post("/CampaignManagement/{version}/AdGroups/QueryByCampaignId")
    async def ad_groups(request: Request, version: str):
        body = await payload(request)
        rows = state.entities(served(request))["ad_groups"]
        return {"AdGroups": [g for g in rows if g["CampaignId"] == int(body.get("CampaignId", 0))], "PartialErrors": []}

    @r.post("/CampaignManagement/{version}/Ads/QueryByAdGroupId")
    async def ads(request: Request, version: str):
        body = await payload(request)
        rows = state.entities(served(request))["ads"]
        return {"Ads": [a for a in rows if a["AdGroupId"] == int(body.get("AdGroupId", 0))], "PartialErrors": []}

    @r.post("/Reporting/{version}/GenerateReport/Submit")
    async def submit(request: Request, version: str):
        report = (await payload(request)).get("ReportRequest") or {}
        columns, time_range = report.get("Columns") or [], report.get("Time") or {}
        if report.get("Type") != "AdPerformanceReportRequest" or report.get("Aggregation") != "Daily":
            raise ApiFailure(400, 2001, "InvalidReportType", "The simulator serves Daily AdPerformanceReportRequest.")
        if set(columns) - set(ReportRow.model_fields):
            raise ApiFailure(
                400,
                2004,
                "InvalidReportColumns",
                f"Unknown columns {sorted(set(columns) - set(ReportRow.model_fields))}",
            )
        account_ids = (report.get("Scope") or {}).get("AccountIds") or []
        acct = served(request, account_ids[0] if account_ids else None)
        first, last = _day(time_range["CustomDateRangeStart"]), _day(time_range["CustomDateRangeEnd"])
        request.state.logged = {"start": first.isoformat(), "end": last.isoformat()}
        params = {"first": first, "last": last, "columns": columns}
        job = state.start_job("sim-report-{}", acct.account.account_id, params, request.url.path)
        return {"ReportRequestId": job.id}

    @r.post("/Reporting/{version}/GenerateReport/Poll")
    async def poll(request: Request, version: str):
        job = state.jobs.get(str((await payload(request)).get("ReportRequestId")))
        if job is None:
            raise ApiFailure(400, 2100, "InvalidReportId", "Unknown ReportRequestId.")
        job.polls += 1
        if job.stuck or job.polls < 2:
            return {"ReportRequestStatus": {"Status": "Pending", "ReportDownloadUrl": None}}
        acct = served(request, job.account)
        rows = state.daily(acct, job.params["first"], job.params["last"]).get("account_performance_report", [])
        url = f"{str(request.url).split('/Reporting/')[0]}/download/{job.id}.zip" if rows else None
        return {"ReportRequestStatus": {"Status": "Success", "ReportDownloadUrl": url}}

    @r.get("/download/{job_id}.zip")
    def download(job_id: str):
        job = state.jobs.get(job_id)
        if job is None or job.stuck or job.polls < 2:
            return Response(status_code=404)
        acct = state.account(CONNECTORS, job.account)
        rows = state.daily(acct, job.params["first"], job.params["last"]).get("account_performance_report", [])
        return Response(_csv_zip(rows, job.params["columns"]), media_type="application/zip")

    return r
