"""`gata ask` and `gata eval-nl` as a user runs them, on the served demo's workspace."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GATA = str(Path(sys.executable).parent / "gata")


def gata(served, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [GATA, *args, "--workspace", str(served.ws.root)], capture_output=True, text=True, timeout=300,
        env={"PATH": str(Path(sys.executable).parent), "COLUMNS": "200"},
    )  # fmt: skip


def test_ask_prints_the_reading_the_query_the_rows_and_the_chart(served):
    proc = gata(served, "ask", "wayne_enterprises", "spend by platform last 14 days")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Spend from Ad performance by Platform, last 14 days" in out
    assert '"model":"ad_performance"' in out and "bing_ads" in out and "google_ads" in out
    assert "chart: bar" in out
    as_json = json.loads(
        gata(served, "ask", "wayne_enterprises", "spend by platform last 14 days", "--output", "json").stdout
    )
    assert as_json["answered"] and {r["source_platform"] for r in as_json["rows"]} == {"bing_ads", "google_ads"}


def test_ask_refuses_with_suggestions_and_rejects_bad_input(served):
    proc = gata(served, "ask", "wayne_enterprises", "what's the weather in Paris")
    assert proc.returncode == 1
    assert "weather" in proc.stdout and "questions I can answer" in proc.stdout
    assert gata(served, "ask", "wayne_enterprises", "  ").returncode == 2
    empty = gata(served, "ask", "no_such_tenant", "spend")
    assert empty.returncode == 2 and "no published data" in empty.stderr


def test_eval_nl_prints_accuracy_per_model_and_overall(served):
    proc = gata(served, "eval-nl", "--output", "json", "--min-accuracy", "0.9")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["questions"] >= 60 and report["result_accuracy"] >= 0.9
    assert {"ad_performance", "orders", "sessions", "(refusal)"} <= set(report["by_model"])
    assert isinstance(report["failures"], list)
    text = gata(served, "eval-nl")
    assert text.returncode == 0 and "overall" in text.stdout and "result match" in text.stdout
    assert gata(served, "eval-nl", "--min-accuracy", "1.0").returncode == (1 if report["failures"] else 0)
