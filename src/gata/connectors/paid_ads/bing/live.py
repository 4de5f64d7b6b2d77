"""Microsoft Advertising (Bing Ads) API v13 client over its JSON REST endpoints.

- Auth: Microsoft identity platform OAuth2 refresh (`client_id`, `refresh_token`, optional `client_secret`;
  scope msads.manage) for a Bearer token, plus the `DeveloperToken` header; `CustomerId` comes from the user's
  customer roles (User/Query) and `CustomerAccountId` is the account read.
- Entities: Campaigns/QueryByAccountId, AdGroups/QueryByCampaignId, Ads/QueryByAdGroupId (Campaign Management).
- Report: the Reporting service's submit, poll, download: GenerateReport/Submit an AdPerformanceReportRequest
  (Daily, CSV, no header or footer rows), GenerateReport/Poll until Success (failing after
  report_timeout_seconds), then download the zipped CSV from ReportDownloadUrl (no URL when there is no data).
- Errors: {"Errors": [{Code, ErrorCode, Message}]}; 117 CallRateExceeded is retried like 429 and 5xx;
  105 InvalidCredentials / 109 AuthenticationTokenExpired name the credentials.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import requests

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import ApiError, MalformedResponseError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.jobs import wait_for
from gata.connectors.live.oauth import RefreshTokenAuth
from gata.connectors.live.source import Account, Records
from gata.connectors.paid_ads.bing.render import ReportRow

SERVICES = {
    "campaign": "https://campaign.api.bingads.microsoft.com",
    "reporting": "https://reporting.api.bingads.microsoft.com",
    "customer": "https://clientcenter.api.bingads.microsoft.com",
}
TOKEN_URL = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
SCOPE = "https://ads.microsoft.com/msads.manage offline_access"
SECRETS = ("refresh_token", "client_id", "developer_token")
OPTIONAL_SECRETS = ("client_secret",)
AUTH_CODES = {105: "invalid", 106: "not authorized", 109: "expired"}
THROTTLE_CODES = {117}


def _errors(response: requests.Response) -> list[dict]:
    data = body(response)
    errors = data.get("Errors") if isinstance(data, dict) else None
    return errors if isinstance(errors, list) else []


def _auth_problem(response: requests.Response) -> str | None:
    for err in _errors(response):
        if err.get("Code") in AUTH_CODES:
            return f"Microsoft Advertising refused the credentials: {AUTH_CODES[err['Code']]} ({err.get('ErrorCode')})"
    return "Microsoft Advertising refused the credentials (HTTP 401)" if response.status_code == 401 else None


RULES = ErrorRules(
    throttled=lambda r: any(e.get("Code") in THROTTLE_CODES for e in _errors(r)),
    auth_problem=_auth_problem,
    message=lambda r: "; ".join(str(e.get("Message")) for e in _errors(r)) or r.text[:300],
    secret="refresh_token",
)


def _url(ctx: LiveContext, service: str, path: str) -> str:
    folder = {"campaign": "CampaignManagement", "reporting": "Reporting", "customer": "CustomerManagement"}[service]
    root = (ctx.options.base_url or SERVICES[service]).rstrip("/")
    return f"{root}/{folder}/{ctx.api_version}/{path}"


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    form = {"client_id": secrets["client_id"], "refresh_token": secrets["refresh_token"], "scope": SCOPE}
    if secrets.get("client_secret"):
        form["client_secret"] = secrets["client_secret"]
    auth = RefreshTokenAuth(ctx, ctx.options.auth_url or TOKEN_URL, form)
    api = ApiClient(
        ctx, _url(ctx, "campaign", ""), RULES, auth=auth, headers={"DeveloperToken": secrets["developer_token"]}
    )
    roles = _post(api, "customer", "User/Query", {"UserId": None}).get("CustomerRoles") or []
    if roles:
        api.headers["CustomerId"] = str(roles[0]["CustomerId"])
    return api


def _post(api: ApiClient, service: str, path: str, payload: dict, account: str | None = None) -> dict:
    headers = {"CustomerAccountId": account} if account else {}
    data = api.json("POST", _url(api.ctx, service, path), json=payload, headers=headers)
    if not isinstance(data, dict):
        raise api.ctx.error(MalformedResponseError, f"{path} returned a malformed page", "nothing was landed; rerun")
    return data


def _list(api: ApiClient, data: dict, key: str, path: str) -> list[dict]:
    items = data.get(key)
    if not isinstance(items, list):
        raise api.ctx.error(
            MalformedResponseError, f"{path} returned a malformed page (no {key})", "nothing was landed"
        )
    return items


def accounts(api: ApiClient) -> list[Account]:
    data = _post(api, "customer", "AccountsInfo/Query", {"CustomerId": api.headers.get("CustomerId")})
    return [Account(str(a["Id"]), a.get("Name", "")) for a in _list(api, data, "AccountsInfo", "AccountsInfo/Query")]


def entities(api: ApiClient, account: str) -> Records:
    path = "Campaigns/QueryByAccountId"
    data = _post(api, "campaign", path, {"AccountId": account, "CampaignType": "Search"}, account)
    campaigns = _list(api, data, "Campaigns", path)
    yield "campaigns", campaigns
    groups = []
    for c in campaigns:
        path = "AdGroups/QueryByCampaignId"
        groups += _list(api, _post(api, "campaign", path, {"CampaignId": c["Id"]}, account), "AdGroups", path)
    yield "ad_groups", groups
    ads = []
    for g in groups:
        path = "Ads/QueryByAdGroupId"
        payload = {"AdGroupId": g["Id"], "AdTypes": ["ResponsiveSearch"]}
        ads += _list(api, _post(api, "campaign", path, payload, account), "Ads", path)
    yield "ads", ads


def _date(d: date) -> dict:
    return {"Day": d.day, "Month": d.month, "Year": d.year}


def _download_url(api: ApiClient, account: str, first: date, last: date) -> str | None:
    request = {
        "Type": "AdPerformanceReportRequest",
        "Format": "Csv",
        "ExcludeReportHeader": True,
        "ExcludeReportFooter": True,
        "ReturnOnlyCompleteData": False,
        "Aggregation": "Daily",
        "Columns": list(ReportRow.model_fields),
        "Scope": {"AccountIds": [int(account)]},
        "Time": {
            "CustomDateRangeStart": _date(first),
            "CustomDateRangeEnd": _date(last),
            "ReportTimeZone": "GreenwichMeanTimeDublinEdinburghLisbonLondon",
        },
    }
    report_id = _post(api, "reporting", "GenerateReport/Submit", {"ReportRequest": request}, account).get(
        "ReportRequestId"
    )
    if not report_id:
        raise api.ctx.error(ApiError, "the Reporting service accepted no report request", "rerun later")
    found: dict = {}

    def poll() -> tuple[str | None, bool]:
        status = _post(api, "reporting", "GenerateReport/Poll", {"ReportRequestId": report_id}, account)
        found.update(status.get("ReportRequestStatus") or {})
        if found.get("Status") == "Error":
            raise api.ctx.error(ApiError, f"report {report_id} ended in Error", "rerun later")
        return found.get("Status"), found.get("Status") == "Success"

    wait_for(api, f"report {report_id}", poll)
    return found.get("ReportDownloadUrl")


def _csv_rows(api: ApiClient, content: bytes) -> list[dict]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            text = z.read(z.namelist()[0]).decode("utf-8-sig")
    except (zipfile.BadZipFile, IndexError, UnicodeDecodeError):
        raise api.ctx.error(
            MalformedResponseError, "the report download is not a zipped CSV (malformed page)", "rerun"
        ) from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and set(rows[0]) != set(ReportRow.model_fields):
        raise api.ctx.error(
            MalformedResponseError, "the report's columns are not the ones asked for (malformed page)", "rerun"
        )
    return rows


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    url = _download_url(api, account, first, last)
    if url:
        yield "account_performance_report", _csv_rows(api, api.download(url).content)
