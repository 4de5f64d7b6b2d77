"""How well questions are read: a question set over the demo tenants, each with the structured query it
should become. Two scores per question: the structured query matches (same model, measures, dimensions,
filters, period, grain, comparison, ordering and limit; list order ignored), and the result matches (the
rows of the produced query equal the rows of the expected one, run on the same snapshot). A question whose
expected query is `null` must be refused.

Questions may name days relative to the day of the run, so the set is deterministic against data that ends
today: `{today-10}` is that day (ISO) and `{today-10:%B %-d}` is it formatted (`November 16`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from gata.nl.answer import QUERY_ERRORS, AnswerService
from gata.semantic.query import SemanticQuery
from gata.semantic.store import TenantNotServed

QUESTIONS = Path(__file__).parent / "eval" / "questions.yaml"
REFUSAL = "(refusal)"
_DAY = re.compile(r"\{today(?:([+-]\d+))?(?::([^}]*))?\}")


@dataclass
class Case:
    tenant: str
    question: str
    expected: dict | None  # None: the question must be refused


@dataclass
class Outcome:
    case: Case
    query_match: bool
    result_match: bool
    produced: dict | None
    detail: str = ""

    @property
    def group(self) -> str:
        return self.case.expected["model"] if self.case.expected else REFUSAL


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # tenants not served in this workspace

    def by_group(self) -> dict[str, tuple[int, int, int]]:
        """group -> (questions, structured-query matches, result matches)."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for o in self.outcomes:
            g = out[o.group]
            g[0] += 1
            g[1] += o.query_match
            g[2] += o.result_match
        return {k: tuple(v) for k, v in sorted(out.items())}  # type: ignore[misc]

    @property
    def query_accuracy(self) -> float:
        return sum(o.query_match for o in self.outcomes) / max(1, len(self.outcomes))

    @property
    def result_accuracy(self) -> float:
        return sum(o.result_match for o in self.outcomes) / max(1, len(self.outcomes))

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.result_match or not o.query_match]


def render(text: str, today: date) -> str:
    def day(m: re.Match) -> str:
        d = today + timedelta(days=int(m.group(1) or 0))
        return d.strftime(m.group(2)) if m.group(2) else d.isoformat()

    return _DAY.sub(day, text)


def _render_obj(obj: Any, today: date) -> Any:
    if isinstance(obj, str):
        return render(obj, today)
    if isinstance(obj, list):
        return [_render_obj(x, today) for x in obj]
    if isinstance(obj, dict):
        return {k: _render_obj(v, today) for k, v in obj.items()}
    return obj


def load_cases(path: Path = QUESTIONS, today: date | None = None) -> list[Case]:
    raw = yaml.safe_load(path.read_text())
    today = today or date.today()
    cases = []
    for tenant, questions in raw["tenants"].items():
        for entry in questions:
            expected = entry.get("expected")
            if expected is not None:
                expected = SemanticQuery.model_validate(_render_obj(expected, today)).model_dump(
                    mode="json", by_alias=True, exclude_defaults=True
                )
            cases.append(Case(tenant, render(entry["question"], today), expected))
    return cases


def _canonical(query: dict) -> dict:
    """Order-insensitive form: lists of fields and filters compared as sets."""
    out = dict(query)
    for key in ("dimensions", "measures"):
        out[key] = sorted(out.get(key, []))
    out["filters"] = sorted(
        (repr(sorted(f["value"], key=str)) if isinstance(f.get("value"), list) else repr(f.get("value")), repr(f))
        for f in out.get("filters", [])
    )
    return out


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def same_rows(a: list[dict], b: list[dict]) -> bool:
    """Equal as multisets of rows (column names and values; floats within rounding)."""
    if len(a) != len(b):
        return False
    key = lambda r: tuple(sorted((k, str(v)[:12]) for k, v in r.items()))  # noqa: E731
    for x, y in zip(sorted(a, key=key), sorted(b, key=key), strict=True):
        if x.keys() != y.keys() or not all(_same_value(x[k], y[k]) for k in x):
            return False
    return True


def evaluate(answers: AnswerService, cases: list[Case], today: date, interpreter: str | None = None) -> Report:
    report = Report()
    served = set(answers.semantic.tenants())
    for case in cases:
        if case.tenant not in served:
            if case.tenant not in report.skipped:
                report.skipped.append(case.tenant)
            continue
        reading = answers.interpret(case.tenant, case.question, today, interpreter)
        produced = (
            reading.query.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            if reading.answered and reading.query
            else None
        )
        if case.expected is None:
            ok = produced is None
            report.outcomes.append(Outcome(case, ok, ok, produced, "" if ok else "answered; should be refused"))
            continue
        if produced is None:
            report.outcomes.append(Outcome(case, False, False, None, reading.problem or "not answered"))
            continue
        query_ok = _canonical(produced) == _canonical(case.expected)
        try:
            want = answers.semantic.query(case.tenant, SemanticQuery.model_validate(case.expected), today).rows
            got = answers.semantic.query(case.tenant, reading.query, today).rows
        except QUERY_ERRORS as exc:
            report.outcomes.append(Outcome(case, query_ok, False, produced, f"query failed: {exc}"))
            continue
        result_ok = same_rows(got, want)
        detail = "" if result_ok else f"rows differ ({len(got)} produced, {len(want)} expected)"
        report.outcomes.append(Outcome(case, query_ok, result_ok, produced, detail))
    return report


__all__ = ["Case", "Outcome", "Report", "TenantNotServed", "evaluate", "load_cases", "render", "same_rows"]
