"""A question, answered: read it (built-in rules or the LLM), check the reading against the tenant's own
data, run it through the same `SemanticService` as `POST /query`, then explain it and choose a chart.

A question that cannot be read fully is answered with `answered: false`, what could not be mapped and
questions that can be answered; never with a partial reading nor with anything outside the tenant."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from gata.nl.builtin import BuiltinInterpreter
from gata.nl.chart import choose_chart
from gata.nl.explain import explain, label
from gata.nl.llm import LlmInterpreter, LlmUnavailable
from gata.nl.reading import Reading
from gata.nl.schemas import Answer
from gata.nl.suggest import suggestions
from gata.nl.vocabulary import Vocabulary, VocabularyCache
from gata.semantic.compiler import QueryValidationError
from gata.semantic.dates import DateRangeError
from gata.semantic.layer import UnknownModelError
from gata.semantic.query import Condition, Group, SemanticQuery
from gata.semantic.service import SemanticService
from gata.semantic.store import TenantNotServed
from gata.settings import Settings

QUERY_ERRORS = (QueryValidationError, UnknownModelError, DateRangeError)


class LlmNotConfigured(ValueError):
    """The LLM interpreter was asked for but the server has no endpoint configured."""


def _conditions(items: list[Condition | Group]) -> list[Condition]:
    out: list[Condition] = []
    for item in items:
        out += [item] if isinstance(item, Condition) else _conditions(item.members)
    return out


def foreign_values(query: SemanticQuery, vocab: Vocabulary) -> list[str]:
    """Filter values that are not in the tenant's own data (e.g. another tenant's campaign an LLM copied)."""
    problems = []
    for c in _conditions(query.filters):
        if c.op not in ("eq", "ne", "in", "not_in"):
            continue
        target, name = c.field.split(".", 1) if "." in c.field else (query.model, c.field)
        known = vocab.values.get((target, name))
        if known is None:
            continue
        for v in c.value if isinstance(c.value, list) else [c.value]:
            if isinstance(v, str) and v not in known:
                problems.append(f"'{v}' is not a {label(vocab.layer, query.model, c.field)} in your data")
    return problems


class AnswerService:
    def __init__(self, semantic: SemanticService, settings: Settings | None = None):
        settings = settings or Settings()
        self.semantic = semantic
        self.vocabularies = VocabularyCache()
        self.builtin = BuiltinInterpreter()
        self.default = settings.nl_interpreter
        self.llm = None
        if settings.llm_base_url and settings.llm_model:
            key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
            self.llm = LlmInterpreter(settings.llm_base_url, settings.llm_model, key, settings.llm_timeout)

    def vocabulary(self, slug: str) -> Vocabulary:
        snap = self.semantic.snapshot(slug)
        if snap.layer is None:
            raise TenantNotServed(slug)
        return self.vocabularies.get(snap)

    def interpret(self, slug: str, question: str, today: date, interpreter: str | None = None) -> Reading:
        vocab = self.vocabulary(slug)
        which = interpreter or self.default
        if which == "llm":
            if self.llm is None:
                raise LlmNotConfigured(
                    "the LLM interpreter is not configured on this server (set GATA_LLM_BASE_URL and GATA_LLM_MODEL)"
                )
            refused = self.builtin.interpret(question, vocab, today)
            if refused.problem and refused.problem.startswith("this looks like a request to change data"):
                return refused  # never sent to a model
            try:
                return self.llm.interpret(question, vocab, today, lambda q: self._validate(slug, q, today))
            except (LlmUnavailable, ValueError) as exc:
                reading = self.builtin.interpret(question, vocab, today)
                reading.interpreter = f"builtin (llm fallback: {exc})"
                return reading
        return self.builtin.interpret(question, vocab, today)

    def _validate(self, slug: str, query: SemanticQuery, today: date) -> None:
        try:
            self.semantic.compile(slug, query, today)
        except QUERY_ERRORS as exc:
            raise ValueError(str(exc)) from None
        problems = foreign_values(query, self.vocabulary(slug))
        if problems:
            raise ValueError("; ".join(problems))

    def ask(self, slug: str, question: str, today: date | None = None, interpreter: str | None = None) -> Answer:
        started = time.perf_counter()
        today = today or datetime.now(UTC).date()
        vocab = self.vocabulary(slug)
        reading = self.interpret(slug, question, today, interpreter)
        answer = Answer(question=question, answered=False, interpreter=reading.interpreter, query=reading.query)
        problem = reading.problem
        if reading.query is not None and problem is None:
            problems = foreign_values(reading.query, vocab)
            problem = "; ".join(problems) if problems else None
        if reading.query is not None and problem is None:
            answer.explanation = explain(reading.query, vocab.layer, today, reading.notes)
            try:
                result = self.semantic.query(slug, reading.query, today)
            except QUERY_ERRORS as exc:
                problem = str(exc)
            else:
                answer.answered = True
                answer.columns, answer.rows, answer.row_count = result.columns, result.rows, result.row_count
                answer.date_range, answer.data_version = result.date_range, result.data_version
                # what the figures need to be read right (partial and settling days, how far back "new" sees)
                answer.explanation.notes += [n for n in result.notes if n not in answer.explanation.notes]
                answer.partial_days, answer.data_through = result.partial_days, result.data_through
                answer.notes = result.notes
                answer.chart = choose_chart(reading.query, result, answer.explanation.text)
                answer.suggestions = reading.alternatives  # the other readings of an ambiguous question
        if not answer.answered:
            problem = problem or "the question could not be read"
            answer.message = problem[0].upper() + problem[1:] + "."
            answer.unmapped = reading.unmapped
            answer.suggestions = suggestions(reading, vocab, today)
            answer.data_version = vocab.version
        answer.elapsed_ms = (time.perf_counter() - started) * 1000
        return answer
