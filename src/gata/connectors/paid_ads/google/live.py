"""Google Ads API client over REST (never the gRPC SDK): GAQL through `googleAds:searchStream`.

- Auth: OAuth2 refresh token (`client_id`, `client_secret`, `refresh_token`) for a Bearer access token, plus the
  `developer-token` header (`developer_token`) and, through a manager account, `login-customer-id`
  (options.login_customer_id).
- One query per object: SELECT <the record model's fields> FROM customer | campaign | ad_group | ad_group_ad,
  the daily one segmented by segments.date BETWEEN first AND last. searchStream answers every row at once, in
  batches (no page tokens); rows are nested camelCase JSON with int64 as strings and zero values left out
  (proto3 JSON), which the client flattens into the dotted snake_case records extract tools land, filling the
  left-out zeros and typing values by the record model.
- 429 RESOURCE_EXHAUSTED and 5xx are retried; 401 UNAUTHENTICATED / PERMISSION_DENIED name the credentials.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, get_args, get_origin

import requests
from pydantic import BaseModel, ValidationError

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import MalformedResponseError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.oauth import RefreshTokenAuth
from gata.connectors.live.source import Account, Records
from gata.connectors.paid_ads.google.render import RECORD_MODELS

BASE_URL = "https://googleads.googleapis.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"
SECRETS = ("developer_token", "client_id", "client_secret", "refresh_token")
RESOURCES = {
    "customers": "customer",
    "campaigns": "campaign",
    "ad_groups": "ad_group",
    "ads": "ad_group_ad",
    "ad_performance": "ad_group_ad",
}
ZEROS = {int: 0, float: 0.0, bool: False, str: "", list: []}


def _error(response: requests.Response) -> dict:
    data = body(response)
    if isinstance(data, list) and data:  # searchStream wraps its error in a one-element array
        data = data[0]
    return data.get("error", {}) if isinstance(data, dict) and isinstance(data.get("error"), dict) else {}


def _auth_problem(response: requests.Response) -> str | None:
    err = _error(response)
    if response.status_code in (401, 403) or err.get("status") in ("UNAUTHENTICATED", "PERMISSION_DENIED"):
        return (
            f"Google Ads refused the credentials: {err.get('status', response.status_code)} ({err.get('message', '')})"
        )
    return None


RULES = ErrorRules(
    throttled=lambda r: r.status_code == 429 or _error(r).get("status") == "RESOURCE_EXHAUSTED",
    auth_problem=_auth_problem,
    message=lambda r: str(_error(r).get("message") or r.text[:300]),
    secret="refresh_token",
)


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    base = (ctx.options.base_url or BASE_URL).rstrip("/")
    form = {k: secrets[k] for k in ("client_id", "client_secret", "refresh_token")}
    headers = {"developer-token": secrets["developer_token"]}
    if ctx.options.login_customer_id:
        headers["login-customer-id"] = ctx.options.login_customer_id
    auth = RefreshTokenAuth(ctx, ctx.options.auth_url or TOKEN_URL, form)
    return ApiClient(ctx, f"{base}/{ctx.api_version}", RULES, auth=auth, headers=headers)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _zero(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    zero = ZEROS.get(get_origin(annotation) or annotation)
    return list(zero) if isinstance(zero, list) else zero


def _value(row: dict, field: str) -> Any:
    node: Any = row
    for part in field.split("."):
        node = node.get(camel(part)) if isinstance(node, dict) else None
    return node


def flatten(api: ApiClient, row: dict, model: type[BaseModel]) -> dict:
    """A REST row as the record the catalog keys: dotted snake_case, left-out zeros filled, values typed."""
    record = {}
    for name, f in model.model_fields.items():
        value = _value(row, f.alias or name)
        record[f.alias or name] = _zero(f.annotation) if value is None else value
    try:
        return model.model_validate(record, strict=False).model_dump(by_alias=True)
    except ValidationError as exc:
        raise api.ctx.error(
            MalformedResponseError,
            f"a searchStream row does not fit {model.__name__}: {exc.errors()[0]['msg']}",
            "nothing was landed; check options.api_version",
        ) from None


def search(api: ApiClient, customer: str, obj: str, where: str = "") -> list[dict]:
    """One GAQL query over searchStream: every row of every batch, flattened."""
    model = RECORD_MODELS[obj]
    fields = ", ".join(f.alias or n for n, f in model.model_fields.items())
    query = f"SELECT {fields} FROM {RESOURCES[obj]}{where}"
    batches = api.json("POST", f"customers/{customer}/googleAds:searchStream", json={"query": query})
    if not isinstance(batches, list) or any(
        not isinstance(b, dict) or not isinstance(b.get("results", []), list) for b in batches
    ):
        raise api.ctx.error(
            MalformedResponseError,
            "googleAds:searchStream returned a malformed page (not a list of result batches)",
            "nothing was landed; rerun the sync",
        )
    return [flatten(api, row, model) for batch in batches for row in batch.get("results", [])]


def accounts(api: ApiClient) -> list[Account]:
    names = api.json("GET", "customers:listAccessibleCustomers").get("resourceNames", [])
    out = []
    for name in names:
        customer = name.split("/", 1)[1]
        for row in search(api, customer, "customers"):
            out.append(
                Account(str(row["customer.id"]), row["customer.descriptive_name"], row["customer.currency_code"])
            )
    return out


def entities(api: ApiClient, account: str) -> Records:
    for obj in ("customers", "campaigns", "ad_groups", "ads"):
        yield obj, search(api, account, obj)


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    yield (
        "ad_performance",
        search(api, account, "ad_performance", f" WHERE segments.date BETWEEN '{first}' AND '{last}'"),
    )
