"""BigCommerce, simulated: /bigcommerce/stores/{store_hash}/v2/{store, orders, orders/{id}/products,
orders/{id}/coupons} and /v3/catalog/products.

v2 answers bare JSON lists paged by `page`/`limit` (at most 250) and a 204 with no body past the last page or
for an empty sub-resource; orders filter on min/max_date_created and min_date_modified (RFC 2822 or ISO 8601)
and carry `products` and `coupons` as `{url, resource}` references, as v2 does. v3 wraps `data` with
`meta.pagination`. The token goes in X-Auth-Token; an unknown, expired or revoked one gets a 401.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "bigcommerce"
CONNECTORS = ("bigcommerce",)
SUB_RESOURCES = ("products", "coupons")


class ApiFailure(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    if "/v3/" in request.url.path:
        return JSONResponse({"status": exc.status, "title": exc.message, "type": "about:blank"}, exc.status)
    return JSONResponse([{"status": exc.status, "message": exc.message}], exc.status)


def throttled(retry_after: int) -> JSONResponse:
    headers = {"X-Rate-Limit-Time-Reset-Ms": str(retry_after * 1000), "X-Rate-Limit-Requests-Left": "0"}
    return JSONResponse({"status": 429, "title": "Too many requests"}, 429, headers=headers)


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).astimezone(UTC)
    except (TypeError, ValueError):
        raise ApiFailure(400, f"The field '{text}' is not a valid date") from None


def _paging(request: Request, cap: int) -> tuple[int, int]:
    try:
        page, limit = int(request.query_params.get("page", 1)), int(request.query_params.get("limit", 50))
    except ValueError:
        raise ApiFailure(400, "page and limit must be integers") from None
    if page < 1 or not 1 <= limit <= cap:
        raise ApiFailure(400, f"page must be >= 1 and limit in [1, {cap}]")
    return page, limit


def _v2_page(request: Request, records: list[dict]) -> Response:
    page, limit = _paging(request, 250)
    chunk = records[(page - 1) * limit : page * limit]
    return JSONResponse(chunk) if chunk else Response(status_code=204)


def _ref(base: str, order_id: int, resource: str) -> dict:
    return {"url": f"{base}/orders/{order_id}/{resource}", "resource": f"/orders/{order_id}/{resource}"}


def router(state: SimulatorState) -> APIRouter:
    def served(request: Request, store: str) -> ServedAccount:
        if state.token(request.headers.get("x-auth-token")) != "valid":
            raise ApiFailure(401, "You are not authorized to access this resource. Check your X-Auth-Token.")
        acct = state.account(CONNECTORS, store)
        if acct is None:
            raise ApiFailure(404, "Store not found")
        return acct

    def orders(acct: ServedAccount, request: Request) -> list[dict]:
        q = request.query_params
        created_from, created_to = _time(q.get("min_date_created")), _time(q.get("max_date_created"))
        modified_from = _time(q.get("min_date_modified"))
        if created_from is None:
            raise ApiFailure(400, "the simulator needs min_date_created (it renders the days from there)")
        last = min(created_to.date(), state.as_of) if created_to else state.as_of
        records = state.daily(acct, created_from.date(), last).get("orders", []) if created_from.date() <= last else []
        keep = []
        for o in records:
            created, modified = parsedate_to_datetime(o["date_created"]), parsedate_to_datetime(o["date_modified"])
            if created < created_from or (created_to and created > created_to):
                continue
            if modified_from is None or modified >= modified_from:
                keep.append(o)
        return keep

    def order(acct: ServedAccount, order_id: int) -> dict:
        """An order listed before (ids are not dated, so the simulator looks up what it has served)."""
        found = state.recall(acct, "orders", order_id)
        if found is None:
            raise ApiFailure(404, "The requested resource was not found.")
        return found

    r = APIRouter(prefix="/stores/{store}")

    @r.get("/v2/store")
    def store(request: Request, store: str):
        acct = served(request, store)
        world = acct.world
        currency = world.shop(CONNECTORS[0]).currency
        return {"id": store, "name": world.tenant.name, "domain": world.site_domain, "currency": currency}

    @r.get("/v2/orders")
    def list_orders(request: Request, store: str):
        acct = served(request, store)
        records = orders(acct, request)
        state.remember(acct, "orders", {o["id"]: o for o in records})
        base = f"https://api.bigcommerce.com/stores/{store}/v2"
        refs = [{**o, **{k: _ref(base, o["id"], k) for k in SUB_RESOURCES}} for o in records]
        return _v2_page(request, refs)

    @r.get("/v2/orders/{order_id}/{resource}")
    def sub_resource(request: Request, store: str, order_id: int, resource: str):
        acct = served(request, store)
        if resource not in SUB_RESOURCES:
            raise ApiFailure(404, "The requested resource was not found.")
        return _v2_page(request, order(acct, order_id)[resource])

    @r.get("/{version}/catalog/products")
    def products(request: Request, store: str, version: str):
        acct = served(request, store)
        if version != "v3":
            raise ApiFailure(404, "The requested resource was not found.")
        if "variants" not in request.query_params.get("include", "").split(","):
            raise ApiFailure(400, "the simulator serves products with include=variants")
        records = state.entities(acct)["products"]
        page, limit = _paging(request, 250)
        chunk = records[(page - 1) * limit : page * limit]
        pages = max(1, math.ceil(len(records) / limit))
        pagination = {
            "total": len(records),
            "count": len(chunk),
            "per_page": limit,
            "current_page": page,
            "total_pages": pages,
        }
        return {"data": chunk, "meta": {"pagination": pagination}}

    return r
