"""Shopify's GraphQL Admin API, simulated: POST /shopify/{shop}/admin/api/{version}/graphql.json.

Answers `shop`, `orders(first, after, query)` and `products(first, after)` with render.py's records as GraphQL
nodes (`graphql.to_node`), cut to the query's selection (a field the node lacks is an error, as GraphQL's
validation would make it). `query` filters on `created_at` (a lower bound is required: the simulator renders
days from it) and `updated_at`. Every answer carries `extensions.cost` with a leaky bucket per shop (2,000
points, 100 restored per second; a page is requested at 2 + first and costs 2 + the nodes it read); a bucket
short of the requested cost, or a `throttle` fault, answers Shopify's THROTTLED error with HTTP 200. Tokens go
in X-Shopify-Access-Token; an unknown, expired or revoked one gets Shopify's 401.

Bulk operations: `bulkOperationRunQuery(query:)` runs the inner query over every matching record, `node(id:)`
reports the operation RUNNING on its first poll and COMPLETED with a download URL on the next (unless a
`stuck_job` fault holds it), and GET /shopify/bulk/{n}.jsonl serves the JSON lines (`graphql.flatten`), like
the signed storage URL, with no token.
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gata.connectors.ecommerce.shopify.graphql import UnknownField, flatten, parse_selection, project, to_node
from gata.connectors.simulator.paging import page_offset, page_token
from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "shopify"
CONNECTORS = ("shopify",)
BASE_SUFFIX = "/{account}"  # each account is its own host: the base URL names it
BUCKET, RESTORE = 2000.0, 100.0
VERSION = re.compile(r"^\d{4}-(01|04|07|10)$")
FILTER = re.compile(r"(created_at|updated_at):(>=|<=)'?([0-9T:\-Z+]+)'?")
TYPES = {"orders": "Order", "products": "Product"}
BULK_GID = "gid://shopify/BulkOperation/{}"


class ApiFailure(Exception):
    def __init__(self, status: int, errors: object) -> None:
        self.status, self.errors = status, errors


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return JSONResponse({"errors": exc.errors}, exc.status)


def _throttle_status(available: float) -> dict:
    return {"maximumAvailable": BUCKET, "currentlyAvailable": int(available), "restoreRate": RESTORE}


def throttled(retry_after: int) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "Throttled",
                    "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
                }
            ],
            "extensions": {"cost": {"requestedQueryCost": 252, "throttleStatus": _throttle_status(0)}},
        }
    )


def _error(message: str, code: str = "BAD_REQUEST") -> ApiFailure:
    return ApiFailure(200, [{"message": message, "extensions": {"code": code}}])


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _filters(search: str | None) -> dict[tuple[str, str], datetime]:
    found = {(f, op): _time(v) for f, op, v in FILTER.findall(search or "")}
    if ("created_at", ">=") not in found:
        raise _error("the simulator needs query: \"created_at:>='...'\" (it renders the days from there)")
    return found


def _offset(cursor: str | None) -> int:
    try:
        return page_offset(cursor)
    except ValueError:
        raise _error("Invalid cursor for current pagination") from None


class Buckets:
    """Shopify's leaky bucket, one per shop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._left: dict[str, tuple[float, float]] = {}

    def spend(self, shop: str, requested: float, actual: float) -> tuple[bool, float]:
        """A query runs when the bucket holds its requested cost, and then costs what it actually read."""
        with self._lock:
            left, at = self._left.get(shop, (BUCKET, time.monotonic()))
            now = time.monotonic()
            left = min(BUCKET, left + (now - at) * RESTORE)
            ok = left >= requested
            self._left[shop] = (left - actual if ok else left, now)
            return ok, self._left[shop][0]


def router(state: SimulatorState) -> APIRouter:
    r = APIRouter()
    buckets = Buckets()

    def served(request: Request, shop: str, version: str) -> ServedAccount:
        status = state.token(request.headers.get("x-shopify-access-token"))
        if status != "valid":
            raise ApiFailure(401, "[API] Invalid API key or access token (unrecognized login or wrong password)")
        acct = state.account(CONNECTORS, shop)
        if acct is None or not VERSION.match(version):
            raise ApiFailure(404, "Not Found")
        return acct

    def orders(acct: ServedAccount, search: str | None) -> list[dict]:
        f = _filters(search)
        first = f[("created_at", ">=")].date()
        upper = f.get(("created_at", "<="))
        last = min(upper.date(), state.as_of) if upper else state.as_of
        since = f.get(("updated_at", ">="))
        records = state.daily(acct, first, last).get("orders", []) if first <= last else []
        return [o for o in records if since is None or _time(o["updated_at"]) >= since]

    def records(acct: ServedAccount, root: str, search: str | None) -> list[dict]:
        return orders(acct, search) if root == "orders" else state.entities(acct)[root]

    def run_bulk(acct: ServedAccount, request: Request, inner: str) -> dict:
        selected = parse_selection(inner)
        if len(selected) != 1 or next(iter(selected)) not in TYPES:
            raise _error("a bulk query reads one connection: orders or products")
        root, (args, sub) = next(iter(selected.items()))
        node_sel = ((sub or {}).get("edges", ("", None))[1] or {}).get("node", ("", None))[1]
        if node_sel is None:
            raise _error("a bulk query selects edges { node { ... } }")
        lines = [
            line for rec in records(acct, root, args) for line in flatten(project(to_node(rec), node_sel, TYPES[root]))
        ]
        job = state.start_job(BULK_GID, acct.account_id, {"lines": lines}, request.url.path)
        return {"bulkOperation": {"id": job.id, "status": "CREATED"}, "userErrors": []}

    def bulk_status(request: Request, op_id: str) -> dict | None:
        job = state.jobs.get(op_id)
        if job is None:
            return None
        job.polls += 1
        done = not job.stuck and job.polls >= 2
        url = f"{request.base_url}{PREFIX}/bulk/{op_id.rsplit('/', 1)[-1]}.jsonl" if done else None
        return {
            "id": job.id,
            "status": "COMPLETED" if done else "RUNNING",
            "errorCode": None,
            "objectCount": str(len(job.params["lines"])) if done else "0",
            "url": url if done and job.params["lines"] else None,
        }

    @r.get("/bulk/{name}.jsonl")
    def bulk_result(name: str):
        job = state.jobs.get(BULK_GID.format(name))
        if job is None or job.stuck or job.polls < 2:
            return Response("<Error><Code>NoSuchKey</Code></Error>", 404, media_type="application/xml")
        body = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in job.params["lines"])
        return Response(body, media_type="application/jsonl")

    @r.post("/{shop}/admin/api/{version}/graphql.json")
    async def graphql(request: Request, shop: str, version: str):
        acct = served(request, shop, version)
        try:
            payload = await request.json()
        except ValueError:
            raise ApiFailure(400, "Bad Request") from None
        variables = payload.get("variables") or {}
        request.state.logged = {"search": str(variables.get("query") or "")[:300]}  # what the request log shows
        selected = parse_selection(str(payload.get("query", "")))
        data: dict = {}
        cost, actual = 1.0, 1.0
        try:
            for root, (_, sub) in selected.items():
                if root == "bulkOperationRunQuery":
                    data[root] = run_bulk(acct, request, str(variables.get("query") or ""))
                    continue
                if root == "node":
                    data[root] = bulk_status(request, str(variables.get("id") or ""))
                    continue
                if root == "shop":
                    world = acct.world
                    shop_node = {"name": world.tenant.name, "currencyCode": world.shop("shopify").currency}
                    data["shop"] = project(shop_node, sub, "Shop")
                    continue
                if root not in TYPES or sub is None:
                    raise UnknownField(f"Field '{root}' doesn't exist on type 'QueryRoot'")
                first = int(variables.get("first") or 0)
                if not 1 <= first <= 250:
                    raise _error("first must be between 1 and 250", "MAX_COST_EXCEEDED")
                cost += 1 + first
                found = records(acct, root, variables.get("query"))
                start = _offset(variables.get("after"))
                chunk = found[start : start + first]
                actual += 1 + len(chunk)
                more = start + first < len(found)
                nodes = [project(to_node(rec), (sub.get("nodes") or ("", None))[1], TYPES[root]) for rec in chunk]
                page_info = {"hasNextPage": more, "endCursor": page_token(start + len(chunk))}
                data[root] = {"nodes": nodes, "pageInfo": page_info}
        except UnknownField as exc:
            raise _error(str(exc), "undefinedField") from None
        except ValueError as exc:
            raise _error(f"Invalid query: {exc}") from None
        ok, left = buckets.spend(shop, cost, actual)
        if not ok:
            return throttled(0)
        spent = {"requestedQueryCost": cost, "actualQueryCost": actual, "throttleStatus": _throttle_status(left)}
        return {"data": data, "extensions": {"cost": spent}}

    return r
