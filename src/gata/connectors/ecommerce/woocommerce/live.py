"""WooCommerce REST API v3 client (https://{site}/wp-json/wc/v3/...).

- Auth: the store's REST API consumer key and secret, HTTP basic over HTTPS; an account is the site's domain
  (the base URL holds `{account}`).
- Pages: `page`/`per_page` (at most 100); the answer's `X-WP-TotalPages` header says how many there are.
- Orders: onboarding asks for those created in the window (`after`/`before`, GMT); a sync (`changes`) for
  those of the window modified since the look-back start (`modified_after`); `orderby=id` keeps pages stable.
- Products: every product, `GET /products`.
- 401 is a consumer key revoked or a secret that does not match; 429 and 5xx are retried.
"""

from __future__ import annotations

from datetime import date, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import ApiError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.source import Account, Records

BASE_URL = "https://{account}"
SECRETS = ("consumer_key", "consumer_secret")
MAX_PER_PAGE = 100


def _message(response: requests.Response) -> str:
    data = body(response)
    return str(data.get("message") or data.get("code")) if isinstance(data, dict) else response.text[:300]


def _auth_problem(response: requests.Response) -> str | None:
    if response.status_code == 401:
        return f"WooCommerce refused the consumer key (revoked, or the secret does not match): {_message(response)}"
    return None


RULES = ErrorRules(auth_problem=_auth_problem, message=_message, secret="consumer_key")


class TotalPagesHeader(PageNumberPaginator):
    """`page` from 1 to the X-WP-TotalPages the answers carry."""

    def __init__(self) -> None:
        super().__init__(base_page=1, page_param="page", total_path=None, stop_after_empty_page=True)

    def update_state(self, response: requests.Response, data: list | None = None) -> None:
        super().update_state(response, data)
        total = response.headers.get("X-WP-TotalPages", "")
        if not total.isdigit() or self.current_value > int(total):
            self._has_next_page = False


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    auth = HttpBasicAuth(username=secrets["consumer_key"], password=secrets["consumer_secret"])
    return ApiClient(ctx, ctx.options.base_url or BASE_URL, RULES, auth=auth)


def _url(api: ApiClient, account: str, resource: str) -> str:
    return api.account_url(account, f"wp-json/wc/{api.ctx.api_version}/{resource}")


def _read(api: ApiClient, account: str, resource: str, params: dict) -> Records:
    params = {**params, "per_page": min(api.ctx.options.page_size, MAX_PER_PAGE), "orderby": "id", "order": "asc"}
    for page in api.pages(_url(api, account, resource), TotalPagesHeader(), "$", params=params):
        yield resource, page


def accounts(api: ApiClient) -> list[Account]:
    """The configured sites the key opens, with the store's currency (general settings)."""
    found = []
    for account in api.ctx.accounts:
        try:
            settings = api.json("GET", _url(api, account, "settings/general"))
        except ApiError:
            continue  # not a store this key opens
        values = {s.get("id"): s.get("value") for s in settings if isinstance(s, dict)}
        found.append(Account(account, account, values.get("woocommerce_currency")))
    return found


def entities(api: ApiClient, account: str) -> Records:
    yield from _read(api, account, "products", {})


def _window(first: date, last: date) -> dict:
    """Created within [first, last]: WooCommerce's `after` and `before` are exclusive."""
    after = (first - timedelta(days=1)).isoformat() + "T23:59:59"
    return {"after": after, "before": (last + timedelta(days=1)).isoformat() + "T00:00:00", "dates_are_gmt": "true"}


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    yield from _read(api, account, "orders", _window(first, last))


def changes(api: ApiClient, account: str, first_day: date, since: date, last: date) -> Records:
    after = (since - timedelta(days=1)).isoformat() + "T23:59:59"
    yield from _read(api, account, "orders", {**_window(first_day, last), "modified_after": after})
