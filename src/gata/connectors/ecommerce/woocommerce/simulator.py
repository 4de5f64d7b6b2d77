"""WooCommerce REST API v3, simulated: /woocommerce/{site}/wp-json/wc/v3/{orders, products, settings/general}.

Lists page with `page`/`per_page` (at most 100) and tell `X-WP-Total` and `X-WP-TotalPages`; orders filter on
`after`/`before` (created, exclusive) and `modified_after`, times in GMT as `dates_are_gmt=true` asks. Auth is
HTTP basic with a consumer key the simulator knows as valid and any non-empty secret; otherwise WooCommerce's
401 `woocommerce_rest_authentication_error`.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gata.connectors.simulator.auth import basic_credentials
from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "woocommerce"
CONNECTORS = ("woocommerce",)
BASE_SUFFIX = "/{account}"  # each account is its own host: the base URL names it


class ApiFailure(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return JSONResponse({"code": exc.code, "message": exc.message, "data": {"status": exc.status}}, exc.status)


def throttled(retry_after: int) -> JSONResponse:
    return JSONResponse(
        {"code": "too_many_requests", "message": "Too many requests.", "data": {"status": 429}},
        429,
        headers={"Retry-After": str(retry_after)},
    )


def _gmt(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise ApiFailure(400, "rest_invalid_param", f"Invalid parameter(s): {text} is not a date") from None


def _page(request: Request, records: list[dict]) -> JSONResponse:
    try:
        page, size = int(request.query_params.get("page", 1)), int(request.query_params.get("per_page", 10))
    except ValueError:
        raise ApiFailure(400, "rest_invalid_param", "Invalid parameter(s): page, per_page") from None
    if page < 1 or not 1 <= size <= 100:
        raise ApiFailure(400, "rest_invalid_param", "Invalid parameter(s): per_page must be between 1 and 100")
    headers = {"X-WP-Total": str(len(records)), "X-WP-TotalPages": str(math.ceil(len(records) / size))}
    return JSONResponse(records[(page - 1) * size : page * size], headers=headers)


def router(state: SimulatorState) -> APIRouter:
    def served(request: Request, site: str, version: str) -> ServedAccount:
        key, secret = basic_credentials(request)
        if state.token(key) != "valid":
            raise ApiFailure(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        if not secret:
            raise ApiFailure(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
        acct = state.account(CONNECTORS, site)
        if acct is None or version != "v3":
            raise ApiFailure(404, "rest_no_route", "No route was found matching the URL and request method.")
        return acct

    r = APIRouter(prefix="/{site}/wp-json/wc/{version}")

    @r.get("/settings/general")
    def settings(request: Request, site: str, version: str):
        acct = served(request, site, version)
        currency = acct.world.shop(CONNECTORS[0]).currency
        return [{"id": "woocommerce_currency", "label": "Currency", "value": currency}]

    @r.get("/products")
    def products(request: Request, site: str, version: str):
        return _page(request, state.entities(served(request, site, version))["products"])

    @r.get("/orders")
    def orders(request: Request, site: str, version: str):
        acct = served(request, site, version)
        q = request.query_params
        if q.get("dates_are_gmt") != "true":
            raise ApiFailure(400, "rest_invalid_param", "the simulator serves dates_are_gmt=true")
        after, before, modified_after = _gmt(q.get("after")), _gmt(q.get("before")), _gmt(q.get("modified_after"))
        if after is None:
            raise ApiFailure(400, "rest_invalid_param", "the simulator needs `after` (it renders the days from there)")
        last = min(before.date(), state.as_of) if before else state.as_of
        records = state.daily(acct, after.date(), last).get("orders", []) if after.date() <= last else []
        keep = [
            o
            for o in records
            if _gmt(o["date_created_gmt"]) > after
            and (before is None or _gmt(o["date_created_gmt"]) < before)
            and (modified_after is None or _gmt(o["date_modified_gmt"]) > modified_after)
        ]
        return _page(request, sorted(keep, key=lambda o: o["id"]))

    return r
