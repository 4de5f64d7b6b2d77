"""Shopify GraphQL Admin API client (https://{shop}.myshopify.com/admin/api/{version}/graphql.json).

The REST Admin API is legacy (no new custom-app tokens for it), so orders and products are read with GraphQL:
- Auth: the custom app's Admin API access token in `X-Shopify-Access-Token`. An account is a shop's
  myshopify.com subdomain; the base URL holds `{account}`.
- Pages: Relay cursors, `first` at most 250, `after` carried in the request's variables (dlt's cursor
  paginator with `cursor_body_path`), `pageInfo.hasNextPage` to stop.
- Cost-based throttling: each answer's `extensions.cost.throttleStatus` (bucket size, what is left, restore
  rate per second); when what is left would not pay for the next page the client waits until it would, and a
  `THROTTLED` error (HTTP 200) is retried with back-off.
- Orders: onboarding asks for those created in the window; a sync (`changes`) for those of the window
  updated since the look-back start (`updated_at`: fulfilments, cancellations, refunds), which replace the
  landed ones by id.
- Backfills: a window longer than `async_after_days` is read as a bulk operation (`bulkOperationRunQuery`,
  polled through `node(id:)` every `poll_interval_seconds` up to `report_timeout_seconds`, its JSON-lines result
  downloaded from the signed URL without the token and reassembled by `graphql.assemble`).
- Nodes come back as render.py's records through `graphql.from_node`.
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

import requests
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from gata.connectors.ecommerce.shopify.graphql import assemble, from_node, selection
from gata.connectors.ecommerce.shopify.render import RECORD_MODELS
from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import ApiError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.jobs import wait_for
from gata.connectors.live.source import Account, Records

BASE_URL = "https://{account}.myshopify.com"
SECRETS = ("access_token",)
MAX_FIRST = 250
ROOTS = {"orders": "orders", "products": "products"}


def _errors(response: requests.Response) -> list[dict]:
    data = body(response)
    errors = data.get("errors") if isinstance(data, dict) else None
    return errors if isinstance(errors, list) else []


def _throttled(response: requests.Response) -> bool:
    return any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in _errors(response) if isinstance(e, dict))


def _message(response: requests.Response) -> str:
    data = body(response)
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, list):
        return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)[:300]
    return str(errors or response.text[:300])


def _auth_problem(response: requests.Response) -> str | None:
    if response.status_code in (401, 403):
        return f"Shopify refused the access token (revoked, or the app uninstalled): {_message(response)}"
    return None


RULES = ErrorRules(
    throttled=_throttled,
    failed=lambda r: r.status_code >= 400 or "errors" in (body(r) or {}),
    auth_problem=_auth_problem,
    message=_message,
)


class CostPacedCursor(JSONResponseCursorPaginator):
    """Relay cursor pages whose pace follows Shopify's leaky bucket: before the next page, wait until the
    bucket holds what the last page cost."""

    def __init__(self, root: str, max_wait: float) -> None:
        super().__init__(
            cursor_path=f"data.{root}.pageInfo.endCursor",
            cursor_body_path="variables.after",
            has_more_path=f"data.{root}.pageInfo.hasNextPage",
        )
        self.max_wait = max_wait

    def update_state(self, response: requests.Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        cost = ((body(response) or {}).get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        need, left, rate = cost.get("requestedQueryCost"), status.get("currentlyAvailable"), status.get("restoreRate")
        if self.has_next_page and need and left is not None and rate and left < need:
            time.sleep(min(self.max_wait, (need - left) / rate))


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    auth = APIKeyAuth(name="X-Shopify-Access-Token", api_key=secrets["access_token"], location="header")
    return ApiClient(ctx, ctx.options.base_url or BASE_URL, RULES, auth=auth)


def endpoint(api: ApiClient, account: str) -> str:
    return api.account_url(account, f"admin/api/{api.ctx.api_version}/graphql.json")


def _query(root: str, obj: str) -> str:
    return (
        f"query Read($first: Int!, $after: String, $query: String) {{ {root}(first: $first, after: $after, "
        f"query: $query) {{ nodes {{ {selection(RECORD_MODELS[obj])} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


def _read(api: ApiClient, account: str, obj: str, search: str | None = None) -> Records:
    root = ROOTS[obj]
    variables = {"first": min(api.ctx.options.page_size, MAX_FIRST), "after": None, "query": search}
    paginator = CostPacedCursor(root, api.ctx.options.max_retry_delay_seconds)
    request = {"query": _query(root, obj), "variables": variables}
    for page in api.pages(endpoint(api, account), paginator, f"data.{root}.nodes", method="POST", json_body=request):
        yield obj, [from_node(node) for node in page]


RUN_BULK = (
    "mutation Run($query: String!) { bulkOperationRunQuery(query: $query) "
    "{ bulkOperation { id status } userErrors { field message } } }"
)
POLL_BULK = "query Poll($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } } }"


def _bulk(api: ApiClient, account: str, obj: str, search: str) -> Records:
    root = ROOTS[obj]
    inner = f'{{ {root}(query: "{search}") {{ edges {{ node {{ {selection(RECORD_MODELS[obj], bulk=True)} }} }} }} }}'
    url = endpoint(api, account)
    started = api.json("POST", url, json={"query": RUN_BULK, "variables": {"query": inner}})
    run = (started.get("data") or {}).get("bulkOperationRunQuery") or {}
    if run.get("userErrors") or not (run.get("bulkOperation") or {}).get("id"):
        problem = "; ".join(e.get("message", "") for e in run.get("userErrors") or []) or "no operation started"
        raise api.ctx.error(ApiError, f"Shopify refused the bulk operation: {problem}", "rerun later")
    op_id = run["bulkOperation"]["id"]
    done: dict = {}

    def poll() -> tuple[str | None, bool]:
        answer = api.json("POST", url, json={"query": POLL_BULK, "variables": {"id": op_id}})
        node = (answer.get("data") or {}).get("node") or {}
        status = node.get("status")
        if status in ("FAILED", "CANCELED", "EXPIRED"):
            raise api.ctx.error(ApiError, f"the bulk operation {status} ({node.get('errorCode')})", "rerun later")
        done.update(node)
        return status, status == "COMPLETED"

    wait_for(api, "the Shopify bulk operation", poll)
    if not done.get("url"):  # completed with no object: Shopify gives no file
        return
    response = api.download(done["url"])
    try:
        lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
        nodes = assemble(lines, RECORD_MODELS[obj])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise api.malformed(response, f"bulk result lines do not assemble: {exc}") from None
    yield obj, [from_node(node) for node in nodes]


def accounts(api: ApiClient) -> list[Account]:
    """The configured shops the token can read (a token belongs to one shop: each is asked who it is)."""
    found = []
    for account in api.ctx.accounts:
        try:
            data = api.json("POST", endpoint(api, account), json={"query": "{ shop { name currencyCode } }"})
        except ApiError:
            continue  # not a shop this token opens (404): reported as not readable
        shop = data.get("data", {}).get("shop") or {}
        found.append(Account(account, shop.get("name", ""), shop.get("currencyCode")))
    return found


def entities(api: ApiClient, account: str) -> Records:
    yield from _read(api, account, "products")


def _day_range(field: str, first: date, last: date) -> str:
    return f"{field}:>='{first.isoformat()}T00:00:00Z' AND {field}:<='{last.isoformat()}T23:59:59Z'"


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    search = _day_range("created_at", first, last)
    if (last - first).days + 1 > api.ctx.options.async_after_days:
        yield from _bulk(api, account, "orders", search)
    else:
        yield from _read(api, account, "orders", search)


def changes(api: ApiClient, account: str, first_day: date, since: date, last: date) -> Records:
    search = f"{_day_range('created_at', first_day, last)} AND updated_at:>='{since.isoformat()}T00:00:00Z'"
    yield from _read(api, account, "orders", search)
