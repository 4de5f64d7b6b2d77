"""Benchmarks of the warehouse: demo pipeline from empty (against the same demo on an earlier commit, run
here too), onboarding one more tenant at 3/25/100 existing tenants, and replay against the full pipeline.
Every figure is measured in this run; ratios are printed.

    uv run python bench/bench_warehouse.py [--scales 3,25,100] [--skip-scaling] [--baseline-rev REV]

Goals (issue 16): the demo from empty <= 0.5x the demo on the commit before per-tenant databases
(`--baseline-rev`, default edbe643, checked out as a git worktree under bench/out and run as a user would:
`gata onboard --all` in a fresh workspace); one more tenant at 100 tenants <= 1.15x the time at 3; replay
<= 0.3x the full pipeline of the same tenant.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import yaml
from report import record

from gata.config import load_config
from gata.config.loader import DEFAULT_TENANTS
from gata.warehouse.onboard import onboard, replay
from gata.workspace import Workspace

HERE = Path(__file__).parent
REPO = HERE.parent
END = date(2025, 6, 30)
BASELINE_REV = "edbe643"  # main before per-tenant databases (issue 16)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def fleet_config(path: Path, n: int) -> Path:
    """n tenants cloned from the demo tenants (same source mixes, distinct slugs and seeds)."""
    demo = yaml.safe_load(DEFAULT_TENANTS.read_text())["tenants"]
    tenants = []
    for i in range(n):
        base = dict(demo[i % len(demo)])
        base.update(
            slug=f"fleet_{i:03d}_{base['slug'].split('_')[0]}", name=f"Fleet {i}", seed=1000 + i, id_namespace=20000 + i
        )
        tenants.append(base)
    probe = dict(demo[0])
    probe.update(slug="probe_tenant", name="Probe", seed=7, id_namespace=19999)
    tenants.append(probe)
    path.write_text(yaml.safe_dump({"tenants": tenants}, sort_keys=False))
    return path


UV = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")


def checkout(rev: str, out: Path) -> Path:
    """A worktree of `rev` with its own environment (uv, from the same cache), for a baseline in this run."""
    tree = out / f"baseline-{rev}"
    if not (tree / ".git").exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--force", "--detach", str(tree), rev], check=True)
    subprocess.run([UV, "sync", "--frozen", "--quiet"], cwd=tree, check=True)
    return tree


def demo_as_a_user(tree: Path, workspace: Path, days: int) -> float:
    """`gata onboard --all` of the demo tenants from an empty workspace, in its own process, as a user runs it."""
    shutil.rmtree(workspace, ignore_errors=True)
    command = [UV, "run", "--frozen", "gata", "onboard", "--all", "--days", str(days), "--end-date", END.isoformat()]
    started = time.perf_counter()
    subprocess.run(
        [*command, "--workspace", str(workspace)],
        cwd=tree,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "GATA_TENANTS_FILE": str(tree / "tenants.yaml")},
    )
    return time.perf_counter() - started


def bench_demo(out: Path, days: int, baseline_rev: str | None) -> dict:
    demo_before = None
    if baseline_rev:
        tree = checkout(baseline_rev, out)
        demo_before = demo_as_a_user(tree, out / "demo-baseline", days)
    demo_now = demo_as_a_user(REPO, out / "demo-cli", days)
    ws = Workspace.resolve(out / "demo")
    shutil.rmtree(ws.root, ignore_errors=True)
    cfg = load_config()
    result = {}
    t_full = timed(lambda: result.setdefault("run", onboard(cfg, cfg.slugs(), ws, days=days, end_date=END)))
    steps = {s.step: round(s.seconds, 2) for s in result["run"].steps}
    # replay one tenant vs its full pipeline (onboard again from scratch in a fresh workspace)
    ws_one = Workspace.resolve(out / "one")
    shutil.rmtree(ws_one.root, ignore_errors=True)
    onboard(cfg, ["stark_industries"], ws_one, days=days, end_date=END)  # warm: dbt parse cache, library
    shutil.rmtree(ws_one.root / "pipelines", ignore_errors=True)
    t_tenant_full = timed(lambda: onboard(cfg, ["stark_industries"], ws_one, days=days, end_date=END))
    t_replay = timed(lambda: replay(cfg, ["stark_industries"], ws_one))
    return {
        "demo_cli_seconds": round(demo_now, 2),
        "demo_baseline_rev": baseline_rev,
        "demo_baseline_cli_seconds": round(demo_before, 2) if demo_before else None,
        "demo_vs_baseline_ratio": round(demo_now / demo_before, 3) if demo_before else None,
        "demo_seconds": round(t_full, 2),
        "demo_steps": steps,
        "tenant_full_pipeline_seconds": round(t_tenant_full, 2),
        "replay_seconds": round(t_replay, 2),
        "replay_vs_full_ratio": round(t_replay / t_tenant_full, 3),
    }


def bench_scaling(out: Path, scales: list[int], days: int) -> dict:
    timings = {}
    for n in scales:
        ws = Workspace.resolve(out / f"fleet_{n}")
        shutil.rmtree(ws.root, ignore_errors=True)
        cfg = load_config(fleet_config(out / f"fleet_{n}.yaml", n))
        fleet = [s for s in cfg.slugs() if s != "probe_tenant"]
        t_fleet = timed(lambda cfg=cfg, fleet=fleet, ws=ws: onboard(cfg, fleet, ws, days=days, end_date=END))
        t_probe = timed(lambda cfg=cfg, ws=ws: onboard(cfg, ["probe_tenant"], ws, days=days, end_date=END))
        timings[n] = {"fleet_onboard_seconds": round(t_fleet, 2), "one_more_tenant_seconds": round(t_probe, 2)}
        print(f"  {n:>4} tenants: fleet onboarded in {t_fleet:7.1f} s; one more tenant: {t_probe:6.2f} s", flush=True)
    base = timings[scales[0]]["one_more_tenant_seconds"]
    for n in scales:
        timings[n]["ratio_to_smallest"] = round(timings[n]["one_more_tenant_seconds"] / base, 3)
    return timings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--scale-days", type=int, default=7)
    ap.add_argument("--scales", default="3,25,100")
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument("--baseline-rev", default=BASELINE_REV, help="commit whose demo is the baseline ('' for none)")
    ap.add_argument("--out", default=str(HERE / "out" / "warehouse"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {}
    if not args.skip_demo:
        demo = bench_demo(out, args.days, args.baseline_rev or None)
        print(f"demo from empty, `gata onboard --all` (3 tenants x {args.days} days): {demo['demo_cli_seconds']:.1f} s")
        if demo["demo_baseline_cli_seconds"]:
            print(
                f"  the same on {args.baseline_rev}: {demo['demo_baseline_cli_seconds']:.1f} s = "
                f"{demo['demo_vs_baseline_ratio']:.3f}x  (goal <= 0.5)"
            )
        print(f"demo pipeline in process: {demo['demo_seconds']:.1f} s; steps: {demo['demo_steps']}")
        print(
            f"replay of one tenant: {demo['replay_seconds']:.2f} s vs its full pipeline "
            f"{demo['tenant_full_pipeline_seconds']:.2f} s = {demo['replay_vs_full_ratio']:.3f}x  (goal <= 0.3)"
        )
        result["demo"] = demo
        record(
            "bench_warehouse",
            f"demo from empty, gata onboard --all (3 tenants x {args.days} days)",
            demo["demo_cli_seconds"],
            "s",
            f"the same demo on {args.baseline_rev}" if demo["demo_baseline_cli_seconds"] else None,
            demo["demo_baseline_cli_seconds"],
            "ratio <= 0.5" if demo["demo_baseline_cli_seconds"] else None,
            demo["demo_vs_baseline_ratio"] <= 0.5 if demo["demo_vs_baseline_ratio"] else None,
            scale=f"3 demo tenants x {args.days} days",
        )
        record(
            "bench_warehouse",
            "replay of one tenant",
            demo["replay_seconds"],
            "s",
            "its full pipeline",
            demo["tenant_full_pipeline_seconds"],
            "ratio <= 0.3",
            demo["replay_vs_full_ratio"] <= 0.3,
        )
    if not args.skip_scaling:
        print(f"onboarding one more tenant ({args.scale_days} days) with N tenants already onboarded:")
        scaling = bench_scaling(out, [int(s) for s in args.scales.split(",")], args.scale_days)
        largest = max(scaling)
        print(
            f"  ratio at {largest} vs {min(scaling)} tenants: {scaling[largest]['ratio_to_smallest']:.3f}x "
            "(goal <= 1.15)"
        )
        result["scaling"] = scaling
        smallest = min(scaling)
        for n in sorted(scaling):
            record(
                "bench_warehouse",
                f"onboarding one more tenant with {n} onboarded",
                scaling[n]["one_more_tenant_seconds"],
                "s",
                f"with {smallest} onboarded",
                scaling[smallest]["one_more_tenant_seconds"],
                "ratio <= 1.15",
                scaling[n]["ratio_to_smallest"] <= 1.15,
                scale=f"{n} tenants x {args.scale_days} days",
            )
            record(
                "bench_warehouse",
                f"onboarding a fleet of {n} tenants",
                scaling[n]["fleet_onboard_seconds"],
                "s",
                scale=f"{n} tenants x {args.scale_days} days",
            )
    (out / "result.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
