"""The semantic layer as one service for the API, the CLI and MCP: describe models, run queries, export tables.

Compiled SQL and results are cached per (tenant, data version, query with its dates resolved); a newly
published snapshot changes that tenant's version, and its entries are dropped, no one else's. Every statement
runs under a timeout: a timer thread interrupts the DuckDB cursor (`QueryTimeout`), so no query holds a core
for longer than that. Exports stream record batches instead of building the whole table in memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from gata.semantic.compile_pool import CompilePool, CompileTimeout
from gata.semantic.compiler import CompiledQuery, compile_query, joined_label
from gata.semantic.data_span import DataSpan, data_span
from gata.semantic.freshness import Freshness
from gata.semantic.layer import ResolvedModel, TenantLayer
from gata.semantic.query import Column, QueryResult, SemanticQuery
from gata.semantic.store import SnapshotStore, TenantNotServed, TenantSnapshot
from gata.star.contracts import contract_named, table_names_hint

MAX_CACHED_ROWS = 5_000
EXPORT_BATCH_ROWS = 65_536


class UnknownTableError(LookupError):
    pass


class QueryTimeout(RuntimeError):
    """A statement ran longer than the timeout and was interrupted."""


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def drop_tenant(self, slug: str) -> None:
        with self._lock:
            for key in [k for k in self._data if k[0] == slug]:
                del self._data[key]

    def __len__(self) -> int:
        return len(self._data)


def _model_doc(model: ResolvedModel, layer: TenantLayer) -> dict[str, Any]:
    return {
        "name": model.name,
        "label": model.label,
        "description": model.description,
        "synonyms": list(model.synonyms),
        "time_dimension": model.definition.time_dimension,
        "time_dimensions": [d.name for d in model.dimensions.values() if d.is_time],
        "time_grains": ["day", "week", "month", "quarter", "year"],
        "dimensions": [
            {
                "name": d.name,
                "label": d.label,
                "description": d.description,
                "format": d.format,
                "is_time": d.is_time,
                "synonyms": list(d.synonyms),
            }
            for d in model.dimensions.values()
        ],
        "measures": [
            {
                "name": m.name,
                "label": m.label,
                "description": m.description,
                "format": m.format,
                "currency": layer.currency if m.format == "currency" else None,
                "additive": m.additive,
                "synonyms": list(m.synonyms),
            }
            for m in model.measures.values()
        ],
        "joins": [
            {
                "model": j.model,
                "label": layer.models[j.model].label,
                "on": {"column": j.column, "to_column": j.to_column},
                "dimensions": [f"{j.model}.{d}" for d in layer.models[j.model].dimensions],
                "fields": [
                    {
                        "name": f"{j.model}.{d.name}",
                        "label": joined_label(layer.models[j.model].label, d.label),
                        "format": d.format,
                    }
                    for d in layer.models[j.model].dimensions.values()
                ],
            }
            for j in model.joins.values()
        ],
    }


def _json_rows(table: pa.Table, columns: list[Column]) -> list[dict[str, Any]]:
    """Values as the columns declare them: DuckDB widens integer sums to HUGEINT and truncates days to
    timestamps, ibis types them as integers and dates; decimals become floats, days ISO strings."""
    declared = {c.name: c.type for c in columns}
    cols = []
    for field in table.schema:
        col = table[field.name]
        kind = declared.get(field.name)
        if kind == "integer" and not pa.types.is_integer(field.type):
            col = pc.cast(col, pa.int64(), safe=False)
        elif kind == "date" and pa.types.is_timestamp(field.type):
            col = pc.cast(col, pa.date32(), safe=False)
        elif pa.types.is_decimal(field.type):
            col = col.cast(pa.float64())
        cols.append(col)
    rows = pa.Table.from_arrays(cols, names=table.column_names).to_pylist()
    for row in rows:
        for k, v in row.items():
            if isinstance(v, date | datetime):
                row[k] = v.isoformat()
    return rows


class SemanticService:
    def __init__(
        self,
        store: SnapshotStore,
        cache_size: int = 1024,
        result_cache: bool = True,
        statement_timeout: float = 60.0,
        export_timeout: float = 300.0,
        compile_pool: CompilePool | None = None,
    ):
        self.store = store
        self.result_cache_enabled = result_cache
        self.statement_timeout = statement_timeout
        self.export_timeout = export_timeout
        self.compile_pool = compile_pool  # None: compile in this process (a CLI, a test)
        self._compiled = _LRU(cache_size)
        self._results = _LRU(cache_size)
        self._spans = _LRU(cache_size)
        store.on_swap(self._invalidate)

    def _invalidate(self, slug: str, _old_version: str | None) -> None:
        self._compiled.drop_tenant(slug)
        self._results.drop_tenant(slug)
        self._spans.drop_tenant(slug)

    def tenants(self) -> list[str]:
        return self.store.tenants()

    def snapshot(self, slug: str) -> TenantSnapshot:
        return self.store.get(slug)

    def _star(self, slug: str) -> TenantSnapshot:
        """The tenant's snapshot, when it has star tables to query (not only health after a failed first run)."""
        snap = self.store.get(slug)
        if snap.layer is None:
            raise TenantNotServed(slug)
        return snap

    def list_models(self, slug: str) -> list[dict[str, Any]]:
        snap = self._star(slug)
        return [
            {
                "name": m.name,
                "label": m.label,
                "description": m.description,
                "dimensions": len(m.dimensions),
                "measures": len(m.measures),
                "joins": sorted(m.joins),
            }
            for m in snap.layer.models.values()
        ]

    def get_model(self, slug: str, name: str) -> dict[str, Any]:
        layer = self._star(slug).layer
        return _model_doc(layer.model(name), layer)

    def data_span(
        self, slug: str, admit: Callable[[str], AbstractContextManager] = lambda _slug: nullcontext()
    ) -> DataSpan | None:
        """The first and last day of the tenant's facts, read once per snapshot version; `admit` (the tenant's
        quota slot, for a web page) wraps the read."""
        snap = self.store.get(slug)
        key = (slug, snap.version)
        cached = self._spans.get(key)
        if cached is None:
            with admit(slug):
                cached = (data_span(snap),)  # a tuple: a span of None is cached too
            self._spans.put(key, cached)
        return cached[0]

    def compile(
        self, slug: str, query: SemanticQuery, today: date | None = None
    ) -> tuple[TenantSnapshot, CompiledQuery]:
        snap = self._star(slug)
        today = today or datetime.now(UTC).date()
        key = (
            slug,
            snap.version,
            query.fingerprint(),
            today if query.date_range and query.date_range.relative else None,
        )
        compiled = self._compiled.get(key)
        if compiled is None:
            if self.compile_pool is not None:
                try:
                    compiled = self.compile_pool.compile(snap.path, slug, snap.version, query, today)
                except CompileTimeout as exc:
                    raise QueryTimeout(str(exc)) from None
            else:
                compiled = compile_query(query, snap.layer, today)
            self._compiled.put(key, compiled)
        return snap, compiled

    def query(self, slug: str, query: SemanticQuery, today: date | None = None) -> QueryResult:
        started = time.perf_counter()
        snap, compiled = self.compile(slug, query, today)
        key = (slug, snap.version, compiled.sql)
        if self.result_cache_enabled:
            hit = self._results.get(key)
            if hit is not None:
                return hit.model_copy(update={"cached": True, "elapsed_ms": (time.perf_counter() - started) * 1000})
        run = _Deadline(snap, self.statement_timeout)
        try:
            table = run.cur.execute(compiled.sql).to_arrow_table()
        except duckdb.InterruptException:
            raise run.timeout() from None
        finally:
            run.close()
        rows = _json_rows(table, compiled.columns)
        fresh = Freshness.from_metadata(snap.metadata)
        start, end = compiled.date_range if compiled.date_range else (None, None)
        partial = fresh.partial_days(start, end)
        note = fresh.note(partial)
        result = QueryResult(
            sql=compiled.sql,
            columns=compiled.columns,
            rows=rows,
            row_count=len(rows),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            date_range={"start": compiled.date_range[0], "end": compiled.date_range[1]}
            if compiled.date_range
            else None,
            data_version=snap.version,
            unsettled=list(compiled.unsettled),
            notes=[note, *compiled.notes] if note else list(compiled.notes),
            data_through=fresh.data_through,
            partial_days=partial,
        )
        if self.result_cache_enabled and len(rows) <= MAX_CACHED_ROWS:
            self._results.put(key, result)
        return result

    def table_batches(
        self, slug: str, table: str, columns: list[str] | None = None, limit: int | None = None
    ) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        """A star table as Arrow record batches, read from the snapshot as they are consumed (the whole table is
        never in memory). Names are checked before anything runs; the batches end at the export timeout."""
        snap = self._star(slug)
        contract = contract_named(table, slug)
        if contract is None:
            valid = table_names_hint()
            raise UnknownTableError(f"unknown table '{table}'; valid tables: {valid} (or their full names)")
        name = contract.model_name(slug)
        known = contract.column_names()
        if columns:
            unknown = [c for c in columns if c not in known]
            if unknown:
                raise UnknownTableError(f"unknown column(s) {unknown} in '{table}'; valid columns: {', '.join(known)}")
        select = ", ".join(f'"{c}"' for c in (columns or known))  # names checked against the contract above
        sql = f'select {select} from "{name}"' + (" limit ?" if limit is not None else "")
        run = _Deadline(snap, self.export_timeout)
        try:
            reader = run.cur.execute(sql, [limit] if limit is not None else []).fetch_record_batch(EXPORT_BATCH_ROWS)
        except BaseException:
            run.close()
            raise

        def batches() -> Iterator[pa.RecordBatch]:
            try:
                yield from reader
            except (duckdb.InterruptException, pa.ArrowException):
                raise run.timeout() from None
            finally:
                run.close()

        return reader.schema, batches()

    def table_arrow(
        self, slug: str, table: str, columns: list[str] | None = None, limit: int | None = None
    ) -> pa.Table:
        schema, batches = self.table_batches(slug, table, columns, limit)
        return pa.Table.from_batches(list(batches), schema=schema)


class _Deadline:
    """A cursor of the snapshot that a timer thread interrupts after `seconds`; `close` ends both."""

    def __init__(self, snap: TenantSnapshot, seconds: float):
        self.seconds = seconds
        self.cur = snap.cursor()
        self._timer = threading.Timer(seconds, self.cur.interrupt)
        self._timer.daemon = True
        self._timer.start()

    def timeout(self) -> QueryTimeout:
        return QueryTimeout(
            f"the query ran longer than {self.seconds:g} s and was stopped: narrow the date range, filters or "
            "dimensions, or ask for fewer rows"
        )

    def close(self) -> None:
        self._timer.cancel()
        self.cur.close()
