"""The semantic layer over HTTP: models, structured queries and star tables as Arrow, per tenant."""

from __future__ import annotations

import io
from typing import Annotated

import pyarrow as pa
from fastapi import APIRouter, HTTPException, Query, Response

from gata.api.deps import Service, Snapshot
from gata.api.schemas import ERRORS, ModelDetail, ModelList, ModelSummary
from gata.semantic.compiler import QueryValidationError
from gata.semantic.dates import DateRangeError
from gata.semantic.layer import UnknownModelError
from gata.semantic.query import QueryResult, SemanticQuery
from gata.semantic.service import UnknownTableError

router = APIRouter(prefix="/semantic-layer/{tenant}", tags=["semantic layer"], responses=ERRORS)
ARROW = "application/vnd.apache.arrow.stream"


@router.get("/models", response_model=ModelList)
def list_models(snap: Snapshot, svc: Service) -> ModelList:
    models = [ModelSummary(**m) for m in svc.list_models(snap.tenant)]
    return ModelList(tenant=snap.tenant, data_version=snap.version, models=models)


@router.get("/models/{model}", response_model=ModelDetail)
def get_model(model: str, snap: Snapshot, svc: Service) -> ModelDetail:
    try:
        return ModelDetail(**svc.get_model(snap.tenant, model))
    except UnknownModelError as exc:
        raise HTTPException(404, str(exc)) from None


@router.post("/query", response_model=QueryResult)
def run_query(query: SemanticQuery, snap: Snapshot, svc: Service) -> Response:
    try:
        result = svc.query(snap.tenant, query)
    except (QueryValidationError, UnknownModelError, DateRangeError) as exc:
        raise HTTPException(400, str(exc)) from None
    # already a validated QueryResult: serialise once instead of FastAPI validating it a second time
    return Response(result.model_dump_json(), media_type="application/json")


@router.get(
    "/tables/{table}.arrow",
    response_class=Response,
    responses={
        200: {
            "content": {ARROW: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The table as an Arrow IPC stream.",
        }
    },
)
def table_arrow(
    table: str,
    snap: Snapshot,
    svc: Service,
    columns: Annotated[str | None, Query(max_length=2000, description="Comma-separated columns (default all).")] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
) -> Response:
    wanted = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    try:
        data = svc.table_arrow(snap.tenant, table, wanted, limit)
    except UnknownTableError as exc:
        raise HTTPException(404, str(exc)) from None
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data)
    return Response(sink.getvalue(), media_type=ARROW, headers={"X-Data-Version": snap.version})
