"""`make bench`: every benchmark in turn; each prints its own ratios against a baseline from the same run, and
records its headline figures (bench/report.py), written together to bench/results.md at the end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = [
    "bench_landing.py",
    "bench_warehouse.py",
    "bench_api.py",
    "bench_nl.py",
    "bench_sync.py",
    "bench_dagster.py",
    "bench_live.py",
    "bench_web.py",
    "bench_wasm.py",
    "bench_throttle.py",
]

if __name__ == "__main__":
    from report import clear, write_markdown

    # `run_all.py bench_web bench_wasm` reruns only those; the report keeps the other benchmarks' last figures
    chosen = [b for b in BENCHES if not sys.argv[1:] or b.removesuffix(".py") in sys.argv[1:]]
    unknown = set(sys.argv[1:]) - {b.removesuffix(".py") for b in BENCHES}
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(BENCHES)}")
    clear([b.removesuffix(".py") for b in chosen])
    failed = []
    for bench in chosen:
        print(f"\n=== {bench} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / bench)]).returncode != 0:
            failed.append(bench)
    names = [b.removesuffix(".py") for b in BENCHES]
    print(f"\nwrote {write_markdown(names, [b.removesuffix('.py') for b in chosen], failed)}")
    sys.exit(f"failed: {', '.join(failed)}" if failed else 0)
