"""Amazon Ads API client: Sponsored Products v3 management and reporting v3.

- Auth: Login with Amazon OAuth2 refresh (`client_id`, `client_secret`, `refresh_token`) for a Bearer token,
  with the `Amazon-Advertising-API-ClientId` header and, per profile (the account read),
  `Amazon-Advertising-API-Scope`.
- Accounts: GET /v2/profiles (profileId, accountInfo.name, currencyCode).
- Entities: POST /sp/campaigns/list, /sp/adGroups/list, /sp/productAds/list with the versioned media types
  (application/vnd.sp<Entity>.v3+json), paged by `nextToken` in the body.
- Report: POST /reporting/reports (spAdvertisedProduct, DAILY, GZIP_JSON; at most 31 days per report, so longer
  ranges are split), GET /reporting/reports/{id} until COMPLETED (failing after report_timeout_seconds), then
  download the gzipped JSON array from its pre-signed `url`. Report ids come as JSON numbers; like the
  extractor, the client keeps them strings, as the management API sends them.
- 429 (with Retry-After) and 5xx are retried; 401 UNAUTHORIZED names the credentials.
"""

from __future__ import annotations

import gzip
import json
from datetime import date

import requests

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import ApiError, MalformedResponseError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.jobs import wait_for
from gata.connectors.live.oauth import RefreshTokenAuth
from gata.connectors.live.source import Account, Records, date_spans
from gata.connectors.paid_ads.amazon.render import ReportRow

BASE_URL = "https://advertising-api.amazon.com"
TOKEN_URL = "https://api.amazon.com/auth/o2/token"
SECRETS = ("refresh_token", "client_id", "client_secret")
REPORT_DAYS = 31
ENTITIES = {
    "campaigns": ("campaigns", "spCampaign"),
    "ad_groups": ("adGroups", "spAdGroup"),
    "product_ads": ("productAds", "spProductAd"),
}
ID_COLUMNS = ("campaignId", "adGroupId", "adId")


def _auth_problem(response: requests.Response) -> str | None:
    if response.status_code != 401:
        return None
    data = body(response) or {}
    return f"Amazon Ads refused the credentials: {data.get('code', 'UNAUTHORIZED')} ({data.get('details', '')})"


RULES = ErrorRules(
    auth_problem=_auth_problem,
    message=lambda r: (
        str((body(r) or {}).get("details") or r.text[:300]) if isinstance(body(r), dict) else r.text[:300]
    ),
    secret="refresh_token",
)


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    form = {k: secrets[k] for k in ("client_id", "client_secret", "refresh_token")}
    auth = RefreshTokenAuth(ctx, ctx.options.auth_url or TOKEN_URL, form)
    headers = {"Amazon-Advertising-API-ClientId": secrets["client_id"]}
    return ApiClient(ctx, ctx.options.base_url or BASE_URL, RULES, auth=auth, headers=headers)


def _scope(account: str) -> dict[str, str]:
    return {"Amazon-Advertising-API-Scope": account}


def accounts(api: ApiClient) -> list[Account]:
    profiles = api.json("GET", "v2/profiles")
    if not isinstance(profiles, list):
        raise api.ctx.error(MalformedResponseError, "v2/profiles returned a malformed page", "rerun")
    return [
        Account(str(p["profileId"]), (p.get("accountInfo") or {}).get("name", ""), p.get("currencyCode"))
        for p in profiles
    ]


def entities(api: ApiClient, account: str) -> Records:
    for obj, (key, media) in ENTITIES.items():
        headers = {
            **_scope(account),
            "Content-Type": f"application/vnd.{media}.v3+json",
            "Accept": f"application/vnd.{media}.v3+json",
        }
        token = None
        while True:
            payload = {"maxResults": min(api.ctx.options.page_size, 5000), **({"nextToken": token} if token else {})}
            data = api.json("POST", f"sp/{key}/list", json=payload, headers=headers)
            page = data.get(key) if isinstance(data, dict) else None
            if not isinstance(page, list):
                raise api.ctx.error(
                    MalformedResponseError, f"sp/{key}/list returned a malformed page", "nothing was landed; rerun"
                )
            yield obj, page
            token = data.get("nextToken")
            if not token:
                break


def _report(api: ApiClient, account: str, first: date, last: date) -> list[dict]:
    request = {
        "name": f"gata {first}..{last}",
        "startDate": first.isoformat(),
        "endDate": last.isoformat(),
        "configuration": {
            "adProduct": "SPONSORED_PRODUCTS",
            "groupBy": ["advertiser"],
            "columns": list(ReportRow.model_fields),
            "reportTypeId": "spAdvertisedProduct",
            "timeUnit": "DAILY",
            "format": "GZIP_JSON",
        },
    }
    headers = {**_scope(account), "Content-Type": "application/vnd.createasyncreportrequest.v3+json"}
    report_id = api.json("POST", "reporting/reports", json=request, headers=headers).get("reportId")
    if not report_id:
        raise api.ctx.error(ApiError, "Amazon Ads accepted no report", "rerun later")
    found: dict = {}

    def poll() -> tuple[str | None, bool]:
        found.update(api.json("GET", f"reporting/reports/{report_id}", headers=_scope(account)))
        if found.get("status") == "FAILED":
            raise api.ctx.error(ApiError, f"report {report_id} FAILED: {found.get('failureReason')}", "rerun later")
        return found.get("status"), found.get("status") == "COMPLETED"

    wait_for(api, f"report {report_id}", poll)
    try:
        rows = json.loads(gzip.decompress(api.download(found["url"]).content))
    except (KeyError, OSError, ValueError):
        raise api.ctx.error(
            MalformedResponseError, f"report {report_id}'s file is not gzipped JSON (malformed page)", "rerun"
        ) from None
    if not isinstance(rows, list) or any(not isinstance(r, dict) for r in rows):
        raise api.ctx.error(
            MalformedResponseError, f"report {report_id}'s file is not a JSON array (malformed page)", "rerun"
        )
    return [{k: str(v) if k in ID_COLUMNS else v for k, v in row.items()} for row in rows]


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    for start, end in date_spans(first, last, REPORT_DAYS):
        yield "advertised_product_report", _report(api, account, start, end)
