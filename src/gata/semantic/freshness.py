"""How far the served data reaches: the freshness horizon every answer that shows today must state.

A run stops reading at its moment, so the day it ran on is partial (a morning's orders, the spend of the
hours so far). The published snapshot carries each source's horizon (`data_through` in its metadata, None
for a source holding whole days); a period containing the partial day is flagged in the query's response,
so no surface reads a morning as a collapse of the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Freshness:
    sources: dict[str, datetime | None]

    @classmethod
    def from_metadata(cls, metadata: dict) -> Freshness:
        raw = metadata.get("data_through") or {}
        return cls({c: datetime.fromisoformat(t) if t else None for c, t in raw.items()})

    @property
    def data_through(self) -> datetime | None:
        """The earliest source's horizon: every source has data up to this moment (None: all days whole)."""
        moments = [t for t in self.sources.values() if t is not None]
        return min(moments) if moments else None

    def partial_days(self, start: date | None, end: date | None) -> list[date]:
        """The days of [start, end] (the whole history when None) that the data holds only in part."""
        days = sorted({t.date() for t in self.sources.values() if t is not None})
        return [d for d in days if (start is None or start <= d) and (end is None or d <= end)]

    def note(self, days: list[date]) -> str | None:
        """One sentence for an answer whose period contains a partial day."""
        if not days or self.data_through is None:
            return None
        through = self.data_through
        listed = ", ".join(d.isoformat() for d in days)
        return (
            f"{listed} is partial: data through {through:%H:%M} UTC on {through:%Y-%m-%d}, so that day's totals "
            "are lower than a full day's."
        )
