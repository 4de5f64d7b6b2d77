"""Google Ads REST, simulated: `customers:listAccessibleCustomers`, `customers/{id}/googleAds:searchStream`
(GAQL: SELECT fields FROM resource [WHERE segments.date BETWEEN 'a' AND 'b']) and the OAuth2 token endpoint.

Rows are render.py's records turned into what REST sends: nested camelCase objects, int64 values as strings,
zero values left out (proto3 JSON). Requests need an access token from /token and a developer-token header;
errors are Google's {"error": {code, message, status}}.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, get_args, get_origin

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gata.connectors.paid_ads.google.render import RECORD_MODELS
from gata.connectors.simulator.oauth import token_endpoint
from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "google"
CONNECTORS = ("google_ads",)
BATCH_ROWS = 10_000
GAQL = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<resource>\w+)"
    r"(?:\s+WHERE\s+segments\.date\s+BETWEEN\s+'(?P<first>\d{4}-\d{2}-\d{2})'\s+AND\s+'(?P<last>\d{4}-\d{2}-\d{2})')?\s*$",
    re.IGNORECASE | re.DOTALL,
)
OBJECTS = {"customer": "customers", "campaign": "campaigns", "ad_group": "ad_groups", "ad_group_ad": "ads"}
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 429: "RESOURCE_EXHAUSTED"}


class ApiFailure(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": status, "message": message, "status": STATUS.get(status, "INTERNAL")}},
        status,
        headers=headers,
    )


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return error(exc.status, exc.message)


def throttled(retry_after: int) -> JSONResponse:
    return error(429, "Resource has been exhausted (e.g. check quota).", {"Retry-After": str(retry_after)})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _int64_fields(obj: str) -> set[str]:
    """Fields typed int (Annotated or not): int64 in the API, sent as JSON strings."""
    out = set()
    for f in RECORD_MODELS[obj].model_fields.values():
        tp = f.annotation
        while get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
        if tp is int:
            out.add(f.alias)
    return out


def as_rest(record: dict, fields: list[str], int64: set[str]) -> dict:
    """A flat record as REST JSON: nested camelCase, int64 as strings, zero values left out."""
    out: dict[str, Any] = {}
    for key in fields:
        value = record[key]
        if value in (0, "") or value == []:  # 0, 0.0, False, "", []: proto3 leaves defaults out
            continue
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(_camel(part), {})
        node[_camel(leaf)] = str(value) if key in int64 else value
    return out


def router(state: SimulatorState) -> APIRouter:
    r = APIRouter()
    r.post("/token")(token_endpoint(state))

    def authorized(request: Request) -> None:
        if state.oauth_bearer(request.headers.get("authorization")) != "valid":
            raise ApiFailure(401, "Request had invalid authentication credentials. Expected OAuth 2 access token.")
        if not request.headers.get("developer-token"):
            raise ApiFailure(401, "The developer token is not on the request (DEVELOPER_TOKEN_PARAMETER_MISSING).")

    def served(customer_id: str) -> ServedAccount:
        acct = state.account(CONNECTORS, customer_id)
        if acct is None:
            raise ApiFailure(403, f"User doesn't have permission to access customer {customer_id}.")
        return acct

    @r.get("/{version}/customers:listAccessibleCustomers")
    def accessible(request: Request, version: str):
        authorized(request)
        return {"resourceNames": [f"customers/{a.account.account_id}" for a in state.accounts(CONNECTORS)]}

    @r.post("/{version}/customers/{customer_id}/googleAds:searchStream")
    async def search_stream(request: Request, version: str, customer_id: str):
        authorized(request)
        acct = served(customer_id)
        query = (await request.json()).get("query", "")
        request.state.logged = {"query": query}
        match = GAQL.match(query)
        if not match or match["resource"] not in OBJECTS:
            raise ApiFailure(400, f"Error in query: cannot parse '{query[:80]}'")
        fields = [f.strip() for f in match["fields"].split(",")]
        dated = "segments.date" in fields
        obj = "ad_performance" if dated else OBJECTS[match["resource"]]
        known = {f.alias for f in RECORD_MODELS[obj].model_fields.values()}
        if set(fields) - known:
            raise ApiFailure(400, f"Unrecognized field in the query: '{sorted(set(fields) - known)[0]}'.")
        if dated and not match["first"]:
            raise ApiFailure(400, "A date range must be specified when segments.date is selected.")
        if dated:
            records = state.daily(acct, date.fromisoformat(match["first"]), date.fromisoformat(match["last"]))
            records = records.get("ad_performance", [])
        else:
            records = state.entities(acct)[obj]
        int64 = _int64_fields(obj)
        rows = [as_rest(rec, fields, int64) for rec in records]
        mask = ",".join(".".join(_camel(p) for p in f.split(".")) for f in fields)
        batches = [rows[i : i + BATCH_ROWS] for i in range(0, len(rows), BATCH_ROWS)] or [[]]
        return [
            {"results": b, "fieldMask": mask, "requestId": "simulated"} if b else {"fieldMask": mask} for b in batches
        ]

    return r
