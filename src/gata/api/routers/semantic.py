"""The semantic layer over HTTP: models, structured queries and star tables as Arrow, per tenant."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Annotated

import pyarrow as pa
from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse

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
def run_query(query: SemanticQuery, snap: Snapshot, svc: Service, request: Request) -> Response:
    with request.app.state.quota.slot(snap.tenant):
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
    request: Request,
    columns: Annotated[str | None, Query(max_length=2000, description="Comma-separated columns (default all).")] = None,
    limit: Annotated[
        int | None, Query(ge=1, description="Most rows (default and maximum: GATA_MAX_EXPORT_ROWS).")
    ] = None,
) -> Response:
    """Streamed as record batches are read: memory stays one batch, whatever the table's size."""
    cap = request.app.state.settings.max_export_rows
    if limit is not None and limit > cap:
        raise HTTPException(400, f"limit {limit} is over the most rows one export may return ({cap})")
    wanted = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    quota = request.app.state.quota
    quota.acquire(snap.tenant)
    try:
        schema, batches = svc.table_batches(snap.tenant, table, wanted, limit or cap)
    except UnknownTableError as exc:
        quota.release(snap.tenant)
        raise HTTPException(404, str(exc)) from None
    except BaseException:
        quota.release(snap.tenant)
        raise
    return StreamingResponse(
        _ipc_stream(schema, batches, lambda: quota.release(snap.tenant)),
        media_type=ARROW,
        headers={"X-Data-Version": snap.version},
    )


def _ipc_stream(schema: pa.Schema, batches: Iterator[pa.RecordBatch], done) -> Iterator[bytes]:
    """The Arrow IPC stream, one chunk per record batch; `done` runs however the stream ends."""
    sink = io.BytesIO()
    try:
        with pa.ipc.new_stream(sink, schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
                yield _drain(sink)
        yield _drain(sink)  # the end-of-stream marker
    finally:
        batches.close()  # type: ignore[attr-defined]
        done()


def _drain(sink: io.BytesIO) -> bytes:
    data = sink.getvalue()
    sink.seek(0)
    sink.truncate()
    return data
