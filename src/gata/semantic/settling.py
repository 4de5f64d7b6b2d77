"""Settling windows: which days of a platform-reported measure are still being restated.

Ad platforms keep adding conversions to a day for as long as their attribution window runs (the catalog's
`restated_days` of each paid-ads report), so the last days of any period read low and a comparison with an
older, settled period reads as a collapse that is not there. The snapshot's profile carries, per domain, the
longest window of the tenant's sources and the last reported day; this module turns that into the range of
unsettled days a query touches, and into the clamp of the `settled_only` option.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Window:
    domain: str
    restated_days: int
    through: date  # last reported day of the domain in the snapshot

    @property
    def unsettled_from(self) -> date:
        """First day still restated: a day is final once `restated_days` days have passed since it."""
        return self.through - timedelta(days=self.restated_days - 1)


def windows(profile: dict) -> dict[str, Window]:
    """The settling windows the snapshot was published with (none for a snapshot older than them)."""
    out = {}
    for domain, spec in profile.get("settling", {}).items():
        if spec.get("restated_days", 0) > 0 and spec.get("through"):
            out[domain] = Window(domain, int(spec["restated_days"]), date.fromisoformat(spec["through"]))
    return out


def unsettled(window: Window, start: date, end: date) -> tuple[date, date] | None:
    """The unsettled days inside [start, end], or None when all of them are final."""
    lo, hi = max(start, window.unsettled_from), min(end, window.through)
    return (lo, hi) if lo <= hi else None


def note(window: Window, measures: list[str], days: tuple[date, date]) -> str:
    return (
        f"{', '.join(measures)}: the days {days[0].isoformat()} to {days[1].isoformat()} are still settling (ad "
        f"platforms restate conversions for {window.restated_days} days), so they read low until then"
    )
