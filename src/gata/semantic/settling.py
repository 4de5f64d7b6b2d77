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

from gata.semantic.query import Unsettled


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


def settled_period(period: tuple[date, date], domains: list[str], windows: dict[str, Window]) -> tuple[date, date]:
    """The period moved back, its length kept, to end on the last day every queried domain has settled: "last 7
    days" becomes the last 7 settled days (and a comparison, the 7 before them)."""
    starts = [windows[d].unsettled_from for d in domains if d in windows]
    if not starts:
        return period
    shift = (period[1] - (min(starts) - timedelta(days=1))).days
    if shift <= 0:
        return period
    return period[0] - timedelta(days=shift), period[1] - timedelta(days=shift)


def flags(
    settles: dict[str, list[str]],
    windows: dict[str, Window],
    period: tuple[date, date] | None,
    compared: tuple[date, date] | None,
) -> tuple[list[Unsettled], list[str]]:
    """Settling days of the period and of the compared one, per domain's measures, with a note for each."""
    out, notes = [], []
    for domain, names in settles.items():
        window = windows.get(domain)
        if window is None or period is None:
            continue
        for which, rng in (("current", period), ("previous", compared)):
            days = unsettled(window, *rng) if rng is not None else None
            if days is not None:
                out.append(
                    Unsettled(
                        period=which, measures=names, start=days[0], end=days[1], restated_days=window.restated_days
                    )
                )
                notes.append(note(window, names, days))
    return out, notes
