"""GA4 from its BigQuery export, through BigQuery's REST API (https://bigquery.googleapis.com/bigquery/v2).

Not the gRPC Storage Read API (which an HTTP simulator cannot serve) and not the GA4 Data API (aggregates):
the export's event rows, as render.py models them.
- Auth: Google OAuth2, a refresh token with the OAuth client's id and secret (scope bigquery.readonly), traded
  at the token endpoint (`auth_url`) by part 1's RefreshTokenAuth.
- An account is the export's dataset, `project.analytics_<property id>`; `gata connect` lists the project's
  `analytics_*` datasets (`datasets.list`).
- A day is the table `events_YYYYMMDD`, or while Google has not finalised it `events_intraday_YYYYMMDD`
  (`tables.list` says which exist). A table's schema comes from `tables.get`, its rows from `tabledata.list`
  (pages by `pageToken`, `maxResults` rows each), decoded by `bigquery.decode` into an Arrow table.
- GA4 adds late events (up to 72 hours) to a day's table: the catalog's `restated_days` makes a sync re-read
  those days, and re-read rows replace the landed ones on their natural id.
- Quota errors (403 `rateLimitExceeded`, 429) and 5xx are retried; 401 is a credential Google no longer takes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa
import requests
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from gata.connectors.analytics.ga4.bigquery import decode
from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import MalformedResponseError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.oauth import RefreshTokenAuth
from gata.connectors.live.source import Account

BASE_URL = "https://bigquery.googleapis.com/bigquery/v2"
TOKEN_URL = "https://oauth2.googleapis.com/token"
SECRETS = ("refresh_token", "client_id", "client_secret")
MAX_RESULTS = 10_000
QUOTA_REASONS = {"rateLimitExceeded", "quotaExceeded", "backendError"}
RERUN = "nothing was landed; rerun the sync (if it persists, check the export)"


def _error(response: requests.Response) -> dict:
    data = body(response)
    return data.get("error", {}) if isinstance(data, dict) and isinstance(data.get("error"), dict) else {}


def _reasons(response: requests.Response) -> set[str]:
    return {e.get("reason") for e in _error(response).get("errors", []) if isinstance(e, dict)}


def _auth_problem(response: requests.Response) -> str | None:
    if response.status_code == 401:
        return f"BigQuery refused the access token: {_error(response).get('message', 'unauthenticated')}"
    return None


RULES = ErrorRules(
    throttled=lambda r: r.status_code == 403 and bool(_reasons(r) & QUOTA_REASONS),
    auth_problem=_auth_problem,
    message=lambda r: str(_error(r).get("message") or r.text[:300]),
    secret="refresh_token",
)


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    form = {k: secrets[k] for k in SECRETS}
    auth = RefreshTokenAuth(ctx, ctx.options.auth_url or TOKEN_URL, form)
    return ApiClient(ctx, ctx.options.base_url or BASE_URL, RULES, auth=auth)


def _dataset(account: str) -> tuple[str, str]:
    project, _, dataset = account.partition(".")
    return project, dataset


def _pages(api: ApiClient, path: str, selector: str, params: dict | None = None):
    paginator = JSONResponseCursorPaginator(cursor_path="pageToken", cursor_param="pageToken")
    return api.pages(path, paginator, selector, params=params)


def _token_paged(api: ApiClient, path: str, key: str) -> list[dict]:
    paginator = JSONResponseCursorPaginator(cursor_path="nextPageToken", cursor_param="pageToken")
    out = []
    for page in api.pages(path, paginator, key, params={"maxResults": 1000}):
        out.extend(page)
    return out


def accounts(api: ApiClient) -> list[Account]:
    """The GA4 export datasets of the configured accounts' projects."""
    found = []
    for project in dict.fromkeys(_dataset(a)[0] for a in api.ctx.accounts):
        for ds in _token_paged(api, f"projects/{project}/datasets", "datasets"):
            ref = ds.get("datasetReference", {})
            if str(ref.get("datasetId", "")).startswith("analytics_"):
                found.append(Account(f"{project}.{ref['datasetId']}", ds.get("friendlyName") or ref["datasetId"]))
    return found


def entities(api: ApiClient, account: str):
    return iter(())


def daily(api: ApiClient, account: str, first: date, last: date):
    project, dataset = _dataset(account)
    base = f"projects/{project}/datasets/{dataset}/tables"
    tables = {t["tableReference"]["tableId"] for t in _token_paged(api, base, "tables")}
    day = first
    while day <= last:
        stamp = day.strftime("%Y%m%d")
        name = next((n for n in (f"events_{stamp}", f"events_intraday_{stamp}") if n in tables), None)
        day += timedelta(days=1)
        if name is None:
            continue  # no events that day
        table = api.json("GET", f"{base}/{name}")
        schema = table.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise api.ctx.error(MalformedResponseError, f"table {name} came without its schema", RERUN)
        if str(table.get("numRows", "0")) == "0":
            continue  # tabledata.list leaves `rows` out of an empty table
        size = min(api.ctx.options.page_size, MAX_RESULTS)
        for rows in _pages(api, f"{base}/{name}/data", "rows", {"maxResults": size}):
            yield "events", _decoded(api, schema, rows, name)


def _decoded(api: ApiClient, schema: dict, rows: list[dict], table: str) -> pa.Table:
    try:
        return decode(schema, rows)
    except (ValueError, pa.ArrowException) as exc:
        raise api.ctx.error(MalformedResponseError, f"rows of {table} do not fit its schema ({exc})", RERUN) from None
