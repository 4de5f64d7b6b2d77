"""BigCommerce client: v2 Orders API and v3 Catalog API (https://api.bigcommerce.com/stores/{store_hash}/...).

- Auth: a store API account's access token in `X-Auth-Token`; an account is a store hash.
- Orders (v2): `GET /v2/orders` by `min_date_created`/`max_date_created` (onboarding) or, for a sync
  (`changes`), by `min_date_modified` within the window; `page`/`limit` (at most 250) until a page comes
  back empty or 204 No Content. An order's `products` and `coupons` are sub-resources (`{url, resource}`): the
  client expands them, as render.py's records hold them expanded. Times go out as RFC 2822, as v2 documents.
- Products (v3): `GET /v3/catalog/products?include=variants`, pages by `meta.pagination.total_pages`.
- 429 (with X-Rate-Limit-Time-Reset-Ms) and 5xx are retried; 401/403 mean the token was revoked or lacks scope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from email.utils import format_datetime

import requests
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import ApiError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.source import Account, Records

BASE_URL = "https://api.bigcommerce.com"
SECRETS = ("access_token",)
MAX_LIMIT = 250
SUB_RESOURCES = ("products", "coupons")


def _message(response: requests.Response) -> str:
    data = body(response)
    if isinstance(data, list) and data and isinstance(data[0], dict):  # v2: [{status, message}]
        return str(data[0].get("message", ""))[:300]
    if isinstance(data, dict):  # v3: {status, title, detail}
        return str(data.get("title") or data.get("detail") or "")[:300]
    return response.text[:300]


def _auth_problem(response: requests.Response) -> str | None:
    if response.status_code in (401, 403):
        return f"BigCommerce refused the access token (revoked, or missing a scope): {_message(response)}"
    return None


RULES = ErrorRules(auth_problem=_auth_problem, message=_message)


class Pages(PageNumberPaginator):
    """v2 lists: `page` from 1 until a page is short, empty or a 204 (v2 tells no total)."""

    def __init__(self, limit: int) -> None:
        super().__init__(base_page=1, page_param="page", total_path=None, stop_after_empty_page=True)
        self.limit = limit

    def update_state(self, response: requests.Response, data: list | None = None) -> None:
        super().update_state(response, data)
        if data is not None and len(data) < self.limit:
            self._has_next_page = False


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    auth = APIKeyAuth(name="X-Auth-Token", api_key=secrets["access_token"], location="header")
    return ApiClient(ctx, ctx.options.base_url or BASE_URL, RULES, auth=auth, headers={"Accept": "application/json"})


def _store(account: str, path: str) -> str:
    return f"stores/{account}/{path}"


def _limit(api: ApiClient) -> int:
    return min(api.ctx.options.page_size, MAX_LIMIT)


def accounts(api: ApiClient) -> list[Account]:
    """The configured stores the token opens (a token belongs to one store: each is asked for its profile)."""
    found = []
    for account in api.ctx.accounts:
        try:
            store = api.json("GET", _store(account, "v2/store"))
        except ApiError:
            continue  # 404: not a store this token opens
        found.append(Account(account, str(store.get("name", "")), store.get("currency")))
    return found


def entities(api: ApiClient, account: str) -> Records:
    paginator = PageNumberPaginator(base_page=1, page_param="page", total_path="meta.pagination.total_pages")
    params = {"include": "variants", "limit": _limit(api)}
    path = _store(account, f"{api.ctx.api_version}/catalog/products")
    for page in api.pages(path, paginator, "data", params=params):
        yield "products", page


def _rfc2822(day: date, end: bool = False) -> str:
    return format_datetime(datetime.combine(day, time(23, 59, 59) if end else time(), UTC))


def _orders(api: ApiClient, account: str, params: dict) -> Records:
    params = {**params, "sort": "id:asc", "limit": _limit(api)}
    for page in api.pages(_store(account, "v2/orders"), Pages(_limit(api)), "$", params=params):
        for order in page:
            for name in SUB_RESOURCES:
                order[name] = _expand(api, account, order[name])
        yield "orders", page


def _expand(api: ApiClient, account: str, ref: dict) -> list[dict]:
    """A sub-resource's records, every page of them."""
    path = _store(account, f"v2{ref['resource']}")
    return [r for page in api.pages(path, Pages(MAX_LIMIT), "$", params={"limit": MAX_LIMIT}) for r in page]


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    yield from _orders(api, account, {"min_date_created": _rfc2822(first), "max_date_created": _rfc2822(last, True)})


def changes(api: ApiClient, account: str, first_day: date, since: date, last: date) -> Records:
    params = {
        "min_date_created": _rfc2822(first_day),
        "max_date_created": _rfc2822(last, True),
        "min_date_modified": _rfc2822(since),
    }
    yield from _orders(api, account, params)
