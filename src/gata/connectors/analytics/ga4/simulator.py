"""BigQuery's REST API, simulated for GA4's export: the subset the client uses, under /bigquery (standing in
for https://bigquery.googleapis.com/bigquery/v2), and Google's OAuth2 token endpoint at /bigquery/token.

    GET projects/{p}/datasets                       datasets.list  (the project's analytics_* datasets)
    GET projects/{p}/datasets/{d}/tables            tables.list    (events_YYYYMMDD before the clock's day,
                                                                    events_intraday_YYYYMMDD on it)
    GET projects/{p}/datasets/{d}/tables/{t}        tables.get     (schema, numRows)
    GET projects/{p}/datasets/{d}/tables/{t}/data   tabledata.list (rows as f/v, maxResults, pageToken)

A day's rows are render.py's Arrow table, encoded by `bigquery.encode`. Errors are Google's
{"error": {code, message, errors: [{reason}], status}}; quota is 403 `rateLimitExceeded`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pyarrow as pa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gata.connectors.analytics.ga4.bigquery import encode, schema_of
from gata.connectors.simulator.oauth import token_endpoint
from gata.connectors.simulator.paging import page_offset, page_token
from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "bigquery"
CONNECTORS = ("google_analytics",)
LISTED_DAYS = 800  # how far back tables.list goes
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}


class ApiFailure(Exception):
    def __init__(self, status: int, message: str, reason: str) -> None:
        self.status, self.message, self.reason = status, message, reason


def error(status: int, message: str, reason: str) -> JSONResponse:
    err = {"code": status, "message": message, "errors": [{"message": message, "domain": "global", "reason": reason}]}
    return JSONResponse({"error": {**err, "status": STATUS.get(status, "INTERNAL")}}, status)


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return error(exc.status, exc.message, exc.reason)


def throttled(retry_after: int) -> JSONResponse:
    return error(403, "Exceeded rate limits: too many api requests per user per method.", "rateLimitExceeded")


def _offset(token: str | None) -> int:
    try:
        return page_offset(token)
    except ValueError:
        raise ApiFailure(400, "Invalid page token", "invalid") from None


def _size(request: Request, default: int) -> int:
    try:
        return max(1, min(int(request.query_params.get("maxResults", default)), 100_000))
    except ValueError:
        raise ApiFailure(400, "maxResults must be an integer", "invalid") from None


def router(state: SimulatorState) -> APIRouter:
    r = APIRouter()
    r.post("/token")(token_endpoint(state))

    def authorized(request: Request) -> None:
        if state.oauth_bearer(request.headers.get("authorization")) != "valid":
            raise ApiFailure(401, "Request had invalid authentication credentials.", "authError")

    def served(request: Request, project: str, dataset: str) -> ServedAccount:
        authorized(request)
        acct = state.account(CONNECTORS, f"{project}.{dataset}")
        if acct is None:
            raise ApiFailure(404, f"Not found: Dataset {project}:{dataset}", "notFound")
        return acct

    def day_of(table: str) -> date:
        stamp = table.rsplit("_", 1)[-1]
        try:
            day = datetime.strptime(stamp, "%Y%m%d").date()
        except ValueError:
            raise ApiFailure(404, f"Not found: Table {table}", "notFound") from None
        intraday = table.startswith("events_intraday_")
        if not table.startswith("events_") or day > state.as_of or intraday != (day == state.as_of):
            raise ApiFailure(404, f"Not found: Table {table}", "notFound")
        return day

    def events(acct: ServedAccount, table: str) -> pa.Table | None:
        return state.day(acct, day_of(table)).get("events")

    def listed(items: list[dict], key: str, request: Request) -> dict:
        start, size = _offset(request.query_params.get("pageToken")), _size(request, 1000)
        page = {key: items[start : start + size], "totalItems": len(items)}
        if start + size < len(items):
            page["nextPageToken"] = page_token(start + size)
        return page

    @r.get("/projects/{project}/datasets")
    def datasets(request: Request, project: str):
        authorized(request)
        found = [a for a in state.accounts(CONNECTORS) if a.account_id.startswith(f"{project}.")]
        items = [
            {
                "id": a.account_id.replace(".", ":", 1),
                "datasetReference": {"projectId": project, "datasetId": a.account_id.split(".", 1)[1]},
                "friendlyName": f"{a.world.tenant.name} GA4 export",
                "location": "US",
            }
            for a in found
        ]
        return listed(items, "datasets", request)

    @r.get("/projects/{project}/datasets/{dataset}/tables")
    def tables(request: Request, project: str, dataset: str):
        served(request, project, dataset)
        days = [state.as_of - timedelta(days=k) for k in range(LISTED_DAYS)]
        names = [f"events_{'intraday_' if d == state.as_of else ''}{d.strftime('%Y%m%d')}" for d in reversed(days)]
        ref = {"projectId": project, "datasetId": dataset}
        items = [{"tableReference": {**ref, "tableId": n}, "type": "TABLE"} for n in names]
        return listed(items, "tables", request)

    @r.get("/projects/{project}/datasets/{dataset}/tables/{table}")
    def table_get(request: Request, project: str, dataset: str, table: str):
        rows = events(served(request, project, dataset), table)
        schema = schema_of(rows.schema) if rows is not None else {"fields": []}
        ref = {"projectId": project, "datasetId": dataset, "tableId": table}
        n = 0 if rows is None else rows.num_rows
        return {"kind": "bigquery#table", "tableReference": ref, "schema": schema, "numRows": str(n), "type": "TABLE"}

    @r.get("/projects/{project}/datasets/{dataset}/tables/{table}/data")
    def table_data(request: Request, project: str, dataset: str, table: str):
        rows = events(served(request, project, dataset), table)
        page: dict = {"kind": "bigquery#tableDataList", "totalRows": str(0 if rows is None else rows.num_rows)}
        if rows is None:
            return page
        start, size = _offset(request.query_params.get("pageToken")), _size(request, 100_000)
        chunk = rows.slice(start, size)
        if chunk.num_rows:
            page["rows"] = encode(schema_of(rows.schema), chunk.to_pylist())
        if start + size < rows.num_rows:
            page["pageToken"] = page_token(start + size)
        return page

    return r
