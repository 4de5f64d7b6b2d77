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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from gata.nl.answer import QUERY_ERRORS, AnswerService
from gata.semantic.query import SemanticQuery
from gata.semantic.store import TenantNotServed

QUESTIONS = Path(__file__).parent / "eval" / "questions.yaml"
DEMO = ("tyrell_corp", "wayne_enterprises", "stark_industries")
REFUSAL = "(refusal)"
_DAY = re.compile(r"\{today(?:([+-]\d+))?(?::([^}]*))?\}")


@dataclass
class Case:
    tenant: str
    question: str
    expected: dict | None  # None: the question must be refused
    family: str = "curated"  # the phrasing family (`gata.nl.corpus`); the hand-written set is "curated"
    split: str = "dev"  # dev: the interpreter was developed on it; heldout: scored only
    must_name: str | None = None  # a refusal must name this part of the question


@dataclass
class Outcome:
    case: Case
    query_match: bool
    result_match: bool
    produced: dict | None
    detail: str = ""
    refusal_ok: bool = True  # a refusal names what it did not know and offers answerable questions

    @property
    def group(self) -> str:
        return self.case.expected["model"] if self.case.expected else REFUSAL

    @property
    def refused(self) -> bool:
        return self.produced is None

    @property
    def wrong(self) -> bool:
        """A number that is not what was asked: an answer whose rows differ, or an answer to a question
        that must be refused."""
        return self.produced is not None and not self.result_match


@dataclass(frozen=True)
class Figures:
    questions: int
    result: int  # result matches
    wrong: int
    refused: int  # questions that should have been answered and were refused
    query: int  # structured-query matches

    def share(self, n: int) -> float:
        return n / max(1, self.questions)

    def as_dict(self) -> dict:
        return {
            "questions": self.questions,
            "result_match": round(self.share(self.result), 4),
            "wrong": round(self.share(self.wrong), 4),
            "refused": round(self.share(self.refused), 4),
            "query_match": round(self.share(self.query), 4),
        }


def figures(outcomes: list[Outcome]) -> Figures:
    return Figures(
        len(outcomes),
        sum(o.result_match for o in outcomes),
        sum(o.wrong for o in outcomes),
        sum(o.refused and o.case.expected is not None for o in outcomes),
        sum(o.query_match for o in outcomes),
    )


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

    def split(self, name: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.split == name]

    def table(self, split: str | None = None) -> dict[str, Figures]:
        """Figures per model (and `(refusal)` for questions that must be refused), plus `overall`."""
        chosen = self.outcomes if split is None else self.split(split)
        by: dict[str, list[Outcome]] = defaultdict(list)
        for o in chosen:
            by[o.group].append(o)
        out = {k: figures(v) for k, v in sorted(by.items())}
        out["overall"] = figures(chosen)
        return out

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.result_match or not o.query_match or not o.refusal_ok]


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
            cases.append(Case(tenant, render(entry["question"], today), _expected(entry.get("expected"), today)))
    return cases


def corpus_cases(answers: AnswerService, today: date, curated: Path | None = QUESTIONS) -> list[Case]:
    """The generated corpus over the served demo tenants (`gata.nl.corpus`), plus the curated set as dev."""
    from gata.nl.corpus import generate

    served = [t for t in DEMO if t in set(answers.semantic.tenants())]
    vocabs = {t: answers.vocabulary(t) for t in served}
    cases = [
        Case(g.tenant, g.question, _expected(g.expected, today), g.family, g.split, g.must_name)
        for g in generate(vocabs, today)
    ]
    return cases + (load_cases(curated, today) if curated else [])


def _expected(expected: dict | None, today: date) -> dict | None:
    if expected is None:
        return None
    return SemanticQuery.model_validate(_render_obj(expected, today)).model_dump(
        mode="json", by_alias=True, exclude_defaults=True
    )


def _normalised(query: dict | None) -> dict | None:
    """A produced query as the semantic layer spells it (defaults left out), so readers compare alike;
    a query it rejects stays as produced (and fails when run)."""
    if query is None:
        return None
    try:
        return SemanticQuery.model_validate(query).model_dump(mode="json", by_alias=True, exclude_defaults=True)
    except ValueError:
        return query


def _canonical(query: dict) -> dict:
    """Order-insensitive form: lists of fields and filters compared as sets."""
    out = dict(query)
    for key in ("dimensions", "measures"):
        out[key] = sorted(out.get(key, []))
    out["filters"] = sorted(repr(_in_order(f)) for f in out.get("filters", []))
    return out


def _in_order(condition: dict) -> dict:
    """A filter with the values of `in`/`not_in` in one order (which the query's result does not depend on)."""
    value = condition.get("value")
    return {**condition, "value": sorted(value, key=str)} if isinstance(value, list) else condition


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


@dataclass
class Produced:
    """What a reader made of a question: the query (None when refused), and a refusal's message and suggestions."""

    query: dict | None
    message: str = ""
    suggestions: list[str] = field(default_factory=list)


Reader = Callable[[Case], Produced]


def server_reader(answers: AnswerService, today: date, interpreter: str | None = None) -> Reader:
    def read(case: Case) -> Produced:
        reading = answers.interpret(case.tenant, case.question, today, interpreter)
        if reading.answered and reading.query is not None:
            return Produced(reading.query.model_dump(mode="json", by_alias=True, exclude_defaults=True))
        if case.expected is None and case.must_name:  # the refusal as the user sees it
            answer = answers.ask(case.tenant, case.question, today, interpreter)
            return Produced(None, answer.message or "", answer.suggestions)
        return Produced(None, reading.problem or "not answered")

    return read


def evaluate(
    answers: AnswerService, cases: list[Case], today: date, interpreter: str | None = None, read: Reader | None = None
) -> Report:
    """Score a reader (the server's interpreter by default) on `cases`: every produced query is run on the
    tenant's real snapshot through the semantic layer and its rows compared with the expected query's."""
    report = Report()
    served = set(answers.semantic.tenants())
    read = read or server_reader(answers, today, interpreter)
    for case in cases:
        if case.tenant not in served:
            if case.tenant not in report.skipped:
                report.skipped.append(case.tenant)
            continue
        got = read(case)
        produced = _normalised(got.query)
        if case.expected is None:
            ok = produced is None
            detail, refusal_ok = ("" if ok else "answered; should be refused"), True
            if ok and case.must_name:
                refusal_ok = case.must_name.lower() in got.message.lower() and bool(got.suggestions)
                detail = "" if refusal_ok else f"refusal does not name '{case.must_name}': {got.message}"
            report.outcomes.append(Outcome(case, ok, ok, produced, detail, refusal_ok))
            continue
        if produced is None:
            report.outcomes.append(Outcome(case, False, False, None, got.message or "not answered"))
            continue
        query_ok = _canonical(produced) == _canonical(case.expected)
        if query_ok:  # the same query gives the same rows: only differing queries are run and compared
            report.outcomes.append(Outcome(case, True, True, produced))
            continue
        try:
            want = answers.semantic.query(case.tenant, SemanticQuery.model_validate(case.expected), today).rows
            rows = answers.semantic.query(case.tenant, SemanticQuery.model_validate(produced), today).rows
        except (*QUERY_ERRORS, ValueError) as exc:
            report.outcomes.append(Outcome(case, query_ok, False, produced, f"query failed: {exc}"))
            continue
        result_ok = same_rows(rows, want)
        detail = "" if result_ok else f"rows differ ({len(rows)} produced, {len(want)} expected)"
        report.outcomes.append(Outcome(case, query_ok, result_ok, produced, detail))
    return report


__all__ = [
    "Case",
    "Figures",
    "Outcome",
    "Report",
    "TenantNotServed",
    "Produced",
    "corpus_cases",
    "evaluate",
    "same_rows",
    "server_reader",
    "load_cases",
    "render",
]
