"""Figures of the benchmarks, collected into `bench/results.md` by `make bench` (bench/run_all.py).

Each benchmark records its headline figures with the baseline measured in the same run; the ratio is
computed here, once, the same way for every figure: value / baseline.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
RESULTS_DIR = HERE / "out" / "results"
RESULTS_MD = HERE / "results.md"


def record(
    bench: str,
    figure: str,
    value: float,
    unit: str,
    baseline: str | None = None,
    baseline_value: float | None = None,
    goal: str | None = None,
    met: bool | None = None,
    scale: str | None = None,
) -> None:
    """Add one figure to the bench's results (kept until run_all starts the next report). A figure with a
    `scale` (what was measured at which size) is also a row of the report's scaling table."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{bench}.json"
    rows = json.loads(path.read_text()) if path.exists() else []
    rows = [r for r in rows if r["figure"] != figure]
    rows.append(
        {
            "figure": figure,
            "value": value,
            "unit": unit,
            "baseline": baseline,
            "baseline_value": baseline_value,
            "ratio": round(value / baseline_value, 3) if baseline_value else None,
            "goal": goal,
            "met": met,
            "scale": scale,
        }
    )
    path.write_text(json.dumps(rows, indent=1))


def clear(benches: list[str]) -> None:
    """Forget the figures of the benchmarks about to run (the others' stay in the report)."""
    for bench in benches:
        (RESULTS_DIR / f"{bench}.json").unlink(missing_ok=True)


def _number(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}" if abs(v) < 1 else f"{v:,.2f}"


def _machine() -> str:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = 0.0
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; commit {commit.strip() or '?'}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def _scaling_table(order: list[str]) -> list[str]:
    """The figures that say how the platform grows (tenants, days, events), gathered from every benchmark."""
    rows = []
    for bench in order:
        path = RESULTS_DIR / f"{bench}.json"
        for r in json.loads(path.read_text()) if path.exists() else []:
            if r.get("scale"):
                rows.append(f"| {r['scale']} | {r['figure']} | {_number(r['value'])} {r['unit']} | {bench} |")
    if not rows:
        return []
    return ["## Scaling", "", "| scale | figure | value | benchmark |", "|---|---|---:|---|", *rows, ""]


def write_markdown(order: list[str], ran: list[str], failed: list[str]) -> Path:
    """bench/results.md: one table per benchmark with figures, in `order`, each saying when it ran."""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` ({_machine()}). Every baseline is measured in the same run as its figure;",
        "ratio = value / baseline. Rerun with `make bench`; each bench's own output has more detail.",
        "",
    ]
    lines += [f"Benchmarks run by this invocation: {', '.join(ran)}.", ""]
    if failed:
        lines += [f"**Failed benchmarks:** {', '.join(failed)}", ""]
    lines += _scaling_table(order)
    for bench in order:
        path = RESULTS_DIR / f"{bench}.json"
        if not path.exists():
            continue
        ran_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        lines += [
            f"## {bench}",
            "",
            f"Figures of its run finished {ran_at:%Y-%m-%d %H:%M} UTC.",
            "",
            "| figure | value | baseline (same run) | ratio | goal | met |",
            "|---|---:|---|---:|---|---|",
        ]
        for r in json.loads(path.read_text()):
            base = f"{r['baseline']}: {_number(r['baseline_value'])} {r['unit']}" if r["baseline"] else ""
            met = "" if r["met"] is None else "yes" if r["met"] else "**no**"
            lines.append(
                f"| {r['figure']} | {_number(r['value'])} {r['unit']} | {base} | {_number(r['ratio'])} "
                f"| {r['goal'] or ''} | {met} |"
            )
        lines.append("")
    RESULTS_MD.write_text("\n".join(lines))
    return RESULTS_MD
