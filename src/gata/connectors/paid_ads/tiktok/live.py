"""TikTok Business API v1.3 client (https://business-api.tiktok.com/open_api/v1.3/).

- Auth: a long-lived advertiser access token in the `Access-Token` header; listing advertisers
  (`gata connect`) also needs the app's `app_id` and `secret`.
- Every answer is HTTP 200 with `code` (0 = OK) and `data.list` + `data.page_info`; pages are
  page/page_size (dlt's PageNumberPaginator on `data.page_info.total_page`).
- Entities: campaign/get, adgroup/get, ad/get with the record model's `fields`.
- Report: report/integrated/get, report_type BASIC, data_level AUCTION_AD, dimensions ad_id x stat_time_day,
  at most 30 days per request (TikTok's limit with a day dimension), so longer ranges are split.
  Rows come as {dimensions, metrics}; like the extractor, the client lifts ad_id and stat_time_day to the top.
- Codes: 40100 (too many requests) and 50000-59999 (server) are retried; 40102 / 40105 / 40104 mean the token is
  expired, invalid or revoked, or missing.
"""

from __future__ import annotations

import json
from datetime import date

import requests
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import CredentialsError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.source import Account, Records, date_spans
from gata.connectors.paid_ads.tiktok.render import RECORD_MODELS, Metrics

BASE_URL = "https://business-api.tiktok.com"
SECRETS = ("access_token",)
OPTIONAL_SECRETS = ("app_id", "secret")
MAX_PAGE_SIZE = 1000
REPORT_DAYS = 30
ENDPOINTS = {"campaigns": "campaign/get/", "ad_groups": "adgroup/get/", "ads": "ad/get/"}
TOKEN_CODES = {40102: "expired", 40105: "invalid or revoked", 40104: "missing"}
THROTTLE_CODES = {40100, 50000, 50002}


def _code(response: requests.Response) -> int | None:
    data = body(response)
    return data.get("code") if isinstance(data, dict) else None


def _auth_problem(response: requests.Response) -> str | None:
    code = _code(response)
    if code in TOKEN_CODES:
        return f"TikTok refused the access token: {TOKEN_CODES[code]} (code {code})"
    return "TikTok refused the access token (HTTP 401)" if response.status_code == 401 else None


RULES = ErrorRules(
    throttled=lambda r: _code(r) in THROTTLE_CODES,
    failed=lambda r: r.status_code >= 400 or _code(r) not in (0, None),
    auth_problem=_auth_problem,
    message=lambda r: str((body(r) or {}).get("message") or r.text[:300]),
)


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    base = (ctx.options.base_url or BASE_URL).rstrip("/")
    auth = APIKeyAuth(name="Access-Token", api_key=secrets["access_token"], location="header")
    return ApiClient(ctx, f"{base}/open_api/{ctx.api_version}", RULES, auth=auth, secrets=secrets)


def _pages(api: ApiClient, path: str, params: dict) -> Records:
    size = min(api.ctx.options.page_size, MAX_PAGE_SIZE)
    paginator = PageNumberPaginator(base_page=1, page_param="page", total_path="data.page_info.total_page")
    yield from api.pages(path, paginator, "data.list", params={**params, "page_size": size})


def fields_of(obj: str) -> str:
    return json.dumps([f.alias or n for n, f in RECORD_MODELS[obj].model_fields.items()])


def accounts(api: ApiClient) -> list[Account]:
    app_id, secret = (api.secrets.get("app_id"), api.secrets.get("secret")) if api.secrets else (None, None)
    if not app_id or not secret:
        raise api.ctx.error(
            CredentialsError,
            "listing advertisers needs the app's app_id and secret",
            "store them beside the access_token (same section or SOURCES__..__APP_ID / __SECRET)",
        )
    pages = _pages(api, "oauth2/advertiser/get/", {"app_id": app_id, "secret": secret})
    return [Account(str(a["advertiser_id"]), a.get("advertiser_name", "")) for page in pages for a in page]


def entities(api: ApiClient, account: str) -> Records:
    for obj, path in ENDPOINTS.items():
        for page in _pages(api, path, {"advertiser_id": account, "fields": fields_of(obj)}):
            yield obj, page


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    metrics = json.dumps([f.alias or n for n, f in Metrics.model_fields.items()])
    for start, end in date_spans(first, last, REPORT_DAYS):
        params = {
            "advertiser_id": account,
            "report_type": "BASIC",
            "data_level": "AUCTION_AD",
            "dimensions": json.dumps(["ad_id", "stat_time_day"]),
            "metrics": metrics,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        }
        for page in _pages(api, "report/integrated/get/", params):
            yield "ads_reports_daily", [{**row["dimensions"], **row} for row in page]
