"""Meta Marketing API client (Graph API) for facebook_ads and instagram_ads.

- Auth: a long-lived user or system-user access token (`access_token`), sent as a Bearer header so it
  never appears in a URL. Error code 190 (subcodes 458/460/463/467) means expired or revoked.
- Entities: GET /{v}/act_{id}/campaigns|adsets|ads?fields=..., cursor-paginated (`paging.next`).
- Insights: level=ad, time_increment=1, breakdowns=publisher_platform filtered to the source's platform, with
  the declared action_attribution_windows. Ranges up to `async_after_days` days are read synchronously;
  longer ones as an async report run (POST .../insights -> report_run_id, poll until "Job Completed", page
  /{report_run_id}/insights), failing after `report_timeout_seconds`.
- Throttling: Graph error codes 1, 2, 4, 17, 32, 341, 613, 80000-80014 are retried like 429 and 5xx (the codes
  dlt's verified facebook_ads source retries).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import ApiError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.jobs import wait_for
from gata.connectors.live.source import Account, Records
from gata.connectors.paid_ads.meta.render import PUBLISHER_PLATFORM, RECORD_MODELS

BASE_URL = "https://graph.facebook.com"
SECRETS = ("access_token",)
THROTTLE_CODES = {1, 2, 4, 17, 32, 341, 613, *range(80000, 80015), 800008, 800009}
TOKEN_SUBCODES = {
    458: "revoked (the app was removed)",
    460: "revoked (password changed)",
    463: "expired",
    467: "invalid",
}
EDGES = {"campaigns": "campaigns", "ad_sets": "adsets", "ads": "ads"}
NESTED_FIELDS = {"creative": "creative{id,name,url_tags,object_story_spec}"}
DONE, FAILED = "Job Completed", ("Job Failed", "Job Skipped")


def fields_of(obj: str, skip: tuple[str, ...] = ()) -> str:
    """The fields asked for: every key of the record model (nested objects expanded as Graph spells it)."""
    names = [f.alias or n for n, f in RECORD_MODELS[obj].model_fields.items() if (f.alias or n) not in skip]
    return ",".join(NESTED_FIELDS.get(n, n) for n in names)


def _error(response: requests.Response) -> dict:
    data = body(response)
    return data.get("error", {}) if isinstance(data, dict) and isinstance(data.get("error"), dict) else {}


def _throttled(response: requests.Response) -> bool:
    return response.status_code >= 400 and _error(response).get("code") in THROTTLE_CODES


def _auth_problem(response: requests.Response) -> str | None:
    err = _error(response)
    if err.get("code") != 190 and response.status_code != 401:
        return None
    what = TOKEN_SUBCODES.get(err.get("error_subcode"), "invalid")
    return f"Meta refused the access token: {what} (Graph error 190/{err.get('error_subcode', '-')})"


RULES = ErrorRules(
    throttled=_throttled,
    auth_problem=_auth_problem,
    message=lambda r: str(_error(r).get("message") or r.text[:300]),
)


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    base = ctx.options.base_url or BASE_URL
    return ApiClient(ctx, f"{base.rstrip('/')}/{ctx.api_version}", RULES, auth=BearerTokenAuth(secrets["access_token"]))


def _pages(api: ApiClient, path: str, params: dict) -> Iterator[list[dict]]:
    return api.pages(path, JSONLinkPaginator(next_url_path="paging.next"), "data", params=params)


def accounts(api: ApiClient) -> list[Account]:
    params = {"fields": "id,account_id,name,currency", "limit": api.ctx.options.page_size}
    return [
        Account(a["account_id"], a.get("name", ""), a.get("currency"))
        for p in _pages(api, "me/adaccounts", params)
        for a in p
    ]


def entities(api: ApiClient, account: str) -> Records:
    for obj, edge in EDGES.items():
        params = {"fields": fields_of(obj), "limit": api.ctx.options.page_size}
        for page in _pages(api, f"act_{account}/{edge}", params):
            yield obj, page


def _insights_params(api: ApiClient, first: date, last: date) -> dict:
    platform = PUBLISHER_PLATFORM[api.ctx.connector]
    return {
        "level": "ad",
        "time_increment": 1,
        "time_range": json.dumps({"since": first.isoformat(), "until": last.isoformat()}, separators=(",", ":")),
        "fields": fields_of("facebook_insights", skip=("publisher_platform",)),
        "breakdowns": "publisher_platform",
        "filtering": json.dumps([{"field": "publisher_platform", "operator": "IN", "value": [platform]}]),
        "action_breakdowns": "action_type",
        "action_attribution_windows": json.dumps(api.ctx.options.attribution_windows),
        "limit": api.ctx.options.page_size,
    }


def _report_run(api: ApiClient, account: str, params: dict) -> str:
    """Start an async insights job and wait for it; its id once complete."""
    run_id = api.json("POST", f"act_{account}/insights", params=params).get("report_run_id")
    if not run_id:
        raise api.ctx.error(ApiError, "Meta started no report run", "rerun later")

    def poll() -> tuple[str | None, bool]:
        status = api.json("GET", str(run_id), params={"fields": "async_status,async_percent_completion"})
        state = status.get("async_status")
        if state in FAILED:
            raise api.ctx.error(ApiError, f"Meta report run {run_id} ended as '{state}'", "rerun later")
        return f"{state}, {status.get('async_percent_completion', '?')}%", state == DONE

    wait_for(api, f"Meta report run {run_id}", poll)
    return str(run_id)


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    params = _insights_params(api, first, last)
    if (last - first) + timedelta(days=1) > timedelta(days=api.ctx.options.async_after_days):
        run_id = _report_run(api, account, params)
        pages = _pages(api, f"{run_id}/insights", {"limit": api.ctx.options.page_size})
    else:
        pages = _pages(api, f"act_{account}/insights", params)
    for page in pages:
        yield "facebook_insights", page
