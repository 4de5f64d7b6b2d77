"""LinkedIn Marketing API client (versioned REST, https://api.linkedin.com/rest).

- Auth: a member access token (3-legged OAuth, `access_token`) as Bearer; every call sends
  `LinkedIn-Version: <api_version>` (e.g. 202401: versions sunset after a year, so it is config) and
  `X-Restli-Protocol-Version: 2.0.0`. 401 REVOKED_ACCESS_TOKEN / EXPIRED_ACCESS_TOKEN name the token.
- Campaigns: GET /adAccounts/{id}/adCampaigns?q=search, cursor-paged (pageSize, metadata.nextPageToken).
- Analytics: GET /adAnalytics, DAILY, `q=statistics&pivots=List(CREATIVE,CAMPAIGN)` (ad_analytics) and
  `q=analytics&pivot=CAMPAIGN` (ad_analytics_by_campaign), with Rest.li query syntax (dateRange=(start:(..)),
  accounts=List(urn%3Ali%3AsponsoredAccount%3A..)) written unencoded, as Rest.li 2.0 wants. Rows come whole
  (no paging); like the extractor, the client adds `pivotValue` (the first pivot) and `start_date`.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import requests
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import MalformedResponseError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.source import Account, Records
from gata.connectors.paid_ads.linkedin.render import RECORD_MODELS

BASE_URL = "https://api.linkedin.com/rest"
SECRETS = ("access_token",)
TOKEN_CODES = {"EXPIRED_ACCESS_TOKEN": "expired", "REVOKED_ACCESS_TOKEN": "revoked", "INVALID_ACCESS_TOKEN": "invalid"}
EXTRACTED = ("pivotValue", "start_date")  # added by the client, not asked of the API
FINDERS = {
    "ad_analytics": "q=statistics&pivots=List(CREATIVE,CAMPAIGN)",
    "ad_analytics_by_campaign": "q=analytics&pivot=CAMPAIGN",
}


def _error(response: requests.Response) -> dict:
    data = body(response)
    return data if isinstance(data, dict) and "status" in data else {}


def _auth_problem(response: requests.Response) -> str | None:
    if response.status_code != 401:
        return None
    code = _error(response).get("code", "")
    return f"LinkedIn refused the access token: {TOKEN_CODES.get(code, 'invalid')} ({code or 401})"


RULES = ErrorRules(auth_problem=_auth_problem, message=lambda r: str(_error(r).get("message") or r.text[:300]))


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    headers = {"LinkedIn-Version": ctx.api_version, "X-Restli-Protocol-Version": "2.0.0"}
    base = ctx.options.base_url or BASE_URL
    return ApiClient(ctx, base, RULES, auth=BearerTokenAuth(secrets["access_token"]), headers=headers)


def _cursor_pages(api: ApiClient, path: str, query: str) -> Records:
    paginator = JSONResponseCursorPaginator(cursor_path="metadata.nextPageToken", cursor_param="pageToken")
    size = min(api.ctx.options.page_size, 1000)
    yield from api.pages(f"{path}?{query}&pageSize={size}", paginator, "elements")


def accounts(api: ApiClient) -> list[Account]:
    pages = _cursor_pages(api, "adAccounts", "q=search")
    return [Account(str(a["id"]), a.get("name", ""), a.get("currency")) for page in pages for a in page]


def entities(api: ApiClient, account: str) -> Records:
    for page in _cursor_pages(api, f"adAccounts/{account}/adCampaigns", "q=search"):
        yield "campaigns", page


def _day(d: date) -> str:
    return f"(year:{d.year},month:{d.month},day:{d.day})"


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    fields = ",".join(n for n in RECORD_MODELS["ad_analytics"].model_fields if n not in EXTRACTED)
    account_urn = quote(f"urn:li:sponsoredAccount:{account}", safe="")
    for obj, finder in FINDERS.items():
        query = (
            f"{finder}&timeGranularity=DAILY&dateRange=(start:{_day(first)},end:{_day(last)})"
            f"&accounts=List({account_urn})&fields={fields}"
        )
        data = api.json("GET", f"adAnalytics?{query}")
        rows = data.get("elements") if isinstance(data, dict) else None
        if not isinstance(rows, list) or any(not isinstance(r, dict) or "dateRange" not in r for r in rows):
            raise api.ctx.error(
                MalformedResponseError, "adAnalytics returned a malformed page", "nothing was landed; rerun"
            )
        yield obj, [_extracted(row) for row in rows]


def _extracted(row: dict) -> dict:
    start = row["dateRange"]["start"]
    day = f"{start['year']:04d}-{start['month']:02d}-{start['day']:02d}"
    return {"pivotValues": row["pivotValues"], "pivotValue": row["pivotValues"][0], "start_date": day, **row}
