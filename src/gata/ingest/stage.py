"""Stage a pull as Parquet files, one folder per connector object, before landing.

The day loop renders every source of a tenant at once, while dlt lands one source (dataset) per
pipeline; staging decouples the two without holding a year of events in memory. Batches are buffered
per object and flushed in large files (schemas unioned, so late fields survive).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from gata.config.catalog import Catalog
from gata.config.tenants import Tenant
from gata.connectors.arrow import JSON_COLUMNS_KEY, as_arrow, json_columns, with_json_columns
from gata.connectors.base import Batch
from gata.connectors.live.pull import live_pull
from gata.connectors.pull import pull
from gata.ingest.natural_id import NATURAL_ID, add_natural_id
from gata.ingest.warmup import warmup_batches

FLUSH_ROWS = 200_000


@dataclass
class StagedObject:
    connector: str
    object: str
    folder: Path
    files: list[Path] = field(default_factory=list)
    rows: int = 0
    json_columns: set[str] = field(default_factory=set)
    dedupe: bool = False  # entity objects (profiles) may be rendered on several days: keep one row each
    _seen: set[str] = field(default_factory=set, repr=False)
    _buffer: list[pa.Table] = field(default_factory=list, repr=False)
    _buffered: int = 0

    def add(self, table: pa.Table) -> None:
        """Buffer a batch; every natural id is staged at most once per pull, so landing needs no dedup."""
        ids = table.column(NATURAL_ID).to_pylist()
        if self.dedupe:
            keep = [nid not in self._seen and not self._seen.add(nid) for nid in ids]
            table = table.filter(pa.array(keep))
        elif len(set(ids)) != len(ids):
            raise ValueError(f"{self.connector}.{self.object}: a batch repeats a natural id")
        self._buffer.append(table)
        self._buffered += table.num_rows
        self.rows += table.num_rows
        if self._buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        cols: set[str] = set()
        for t in self._buffer:
            cols |= set(json_columns(t.schema))
        merged = pa.concat_tables([t.replace_schema_metadata(None) for t in self._buffer], promote_options="default")
        merged = with_json_columns(merged, sorted(c for c in cols if c in merged.column_names))
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"part-{len(self.files):05d}.parquet"
        pq.write_table(merged, path)
        self.files.append(path)
        self.json_columns |= cols
        self._buffer, self._buffered = [], 0


@dataclass
class StagedPull:
    tenant: str
    root: Path
    days: list[date]  # the days read (for a sync: the new days and the restated ones)
    as_of: date
    objects: dict[tuple[str, str], StagedObject]
    first_day: date | None = None  # the first day of the tenant's history (a sync keeps the onboarding's)
    data_through: datetime | None = None  # the pull's moment: nothing later was read (None: whole days)

    def __post_init__(self) -> None:
        if self.first_day is None:
            self.first_day = self.days[0] if self.days else self.as_of

    def for_connector(self, connector: str) -> list[StagedObject]:
        return [o for (c, _), o in sorted(self.objects.items()) if c == connector]

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def stage_pull(
    tenant: Tenant,
    catalog: Catalog,
    days: list[date],
    root: Path,
    as_of: date | None = None,
    connectors: list[str] | None = None,
    on_day: Callable[[date], None] | None = None,
    warmup: bool = False,
    until: datetime | None = None,
) -> StagedPull:
    """Stage the window: simulated sources rendered, live sources read from their APIs (same shapes). With
    `warmup` (onboarding), the analytics tools' attribution look-back before the window comes first
    (gata.ingest.warmup); the window, and so the sources' state, still starts on its first day. `until` is the
    pull's moment (see gata.simulation.cutoff)."""
    as_of = as_of or max(days)
    wanted = connectors if connectors is not None else [s.connector for s in tenant.enabled_sources()]
    simulated = [c for c in wanted if not tenant.source(c).live]
    live = [s for s in tenant.live_sources() if s.connector in wanted]
    early = (b for b in warmup_batches(tenant, min(days), as_of) if b[0] in simulated) if warmup else iter(())
    batches = chain(
        early,
        pull(tenant, days, as_of=as_of, connectors=simulated, on_day=on_day, until=until),
        live_pull(tenant, catalog, days, live),
    )
    return stage_batches(tenant.slug, catalog, batches, root, days, as_of, data_through=until)


def stage_batches(
    tenant_slug: str,
    catalog: Catalog,
    batches: Iterable[tuple[str, str, Batch]],
    root: Path,
    days: list[date],
    as_of: date,
    first_day: date | None = None,
    data_through: datetime | None = None,
) -> StagedPull:
    """Stage (connector, object, batch) triples; a batch may already carry its natural ids."""
    if root.exists():
        shutil.rmtree(root)
    objects: dict[tuple[str, str], StagedObject] = {}
    for connector, obj, batch in batches:
        table = as_arrow(batch)
        if table.num_rows == 0:
            continue
        if NATURAL_ID not in table.column_names:
            table = add_natural_id(table, catalog[connector].objects[obj])
        key = (connector, obj)
        if key not in objects:
            dedupe = catalog[connector].objects[obj].grain == "entity"
            objects[key] = StagedObject(connector, obj, root / connector / obj, dedupe=dedupe)
        objects[key].add(table)
    for staged in objects.values():
        staged.flush()
    return StagedPull(
        tenant=tenant_slug,
        root=root,
        days=days,
        as_of=as_of,
        objects=objects,
        first_day=first_day,
        data_through=data_through,
    )


def read_staged(path: Path) -> pa.Table:
    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    return table.replace_schema_metadata(
        {JSON_COLUMNS_KEY: meta[JSON_COLUMNS_KEY]} if JSON_COLUMNS_KEY in meta else None
    )
