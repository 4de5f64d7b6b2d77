"""The optional LLM interpreter: any OpenAI-compatible `/chat/completions` endpoint (Ollama, vLLM,
llama.cpp server, hosted APIs) reads the question into the structured query.

The model never writes SQL and never sees data: the prompt carries the tenant's catalog (models, fields,
labels, synonyms, the dimension values of its own snapshot) and asks for JSON constrained by the query's
JSON schema. The reply is validated by the same validator as `POST /query` (Pydantic, then the compiler
against the tenant's models); on an error the model gets one repair round with the error message, and if
that fails too the built-in interpreter answers instead, saying so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from pydantic import BaseModel, Field, ValidationError

from gata.nl.reading import Reading
from gata.nl.vocabulary import Vocabulary
from gata.semantic.query import RELATIVE_RANGES, SemanticQuery

MAX_VALUES_IN_PROMPT = 25
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")


class LlmOutput(BaseModel):
    """What the model must return: a query, or why the question cannot be answered from this data."""

    query: SemanticQuery | None = None
    cannot_answer: str | None = Field(None, max_length=500, description="Why no query fits; null when query is set.")


class LlmUnavailable(RuntimeError):
    """The endpoint could not be reached or answered with an HTTP error."""


def catalog_text(vocab: Vocabulary) -> str:
    """The tenant's models as the prompt shows them: compact, names first, values from its own data."""
    lines = []
    for model in vocab.layer.models.values():
        lines.append(
            f"model {model.name} ({model.label}): {model.description} Time dimension: "
            f"{model.definition.time_dimension}."
        )
        for m in model.measures.values():
            syn = f" [also: {', '.join(m.synonyms)}]" if m.synonyms else ""
            lines.append(f"  measure {m.name}: {m.label}. {m.description}{syn}")
        for d in model.dimensions.values():
            if d.is_time:
                continue
            values = vocab.values.get((model.name, d.name))
            shown = ""
            if values:
                shown = " values: " + ", ".join(json.dumps(v) for v in values[:MAX_VALUES_IN_PROMPT])
                shown += " ..." if len(values) > MAX_VALUES_IN_PROMPT else ""
            syn = f" [also: {', '.join(d.synonyms)}]" if d.synonyms else ""
            lines.append(f"  dimension {d.name}: {d.label}.{syn}{shown}")
        for j in model.joins:
            lines.append(f"  joined dimensions: {j}.<dimension of {j}>")
    return "\n".join(lines)


def system_prompt(vocab: Vocabulary, today: date) -> str:
    return (
        "You translate a marketing analytics question into ONE structured semantic query as JSON. Never write "
        "SQL. Use only the models, measures, dimensions and values listed below; filter values must be spelled "
        'exactly as listed. Reply with a JSON object {"query": {...}, "cannot_answer": null}, or '
        '{"query": null, "cannot_answer": "<reason>"} when the question is not about this data or asks to '
        "change anything.\n"
        f'Today is {today.isoformat()}. date_range is {{"relative": ...}} (one of: {RELATIVE_RANGES}) or '
        '{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}. time_grain groups by the model\'s time dimension. '
        'compare "previous_period" needs a date_range and no time_grain. A ranking uses order_by and limit.\n\n'
        f"Catalog:\n{catalog_text(vocab)}"
    )


def response_format() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": "semantic_query_answer", "schema": LlmOutput.model_json_schema(by_alias=True)},
    }


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors(include_url=False)
    )


def parse_output(content: str) -> LlmOutput:
    """The model's reply as an LlmOutput (a bare query object is accepted too). Raises ValueError."""
    try:
        raw = json.loads(_FENCE.sub("", content or ""))
    except json.JSONDecodeError as exc:
        raise ValueError(f"the reply is not valid JSON ({exc.msg} at position {exc.pos})") from None
    if isinstance(raw, dict) and "model" in raw and "query" not in raw:
        raw = {"query": raw}
    try:
        out = LlmOutput.model_validate(raw)
    except ValidationError as exc:
        raise ValueError(f"the reply does not match the query schema: {_errors(exc)}") from None
    if out.query is None and not out.cannot_answer:
        raise ValueError("the reply has neither a query nor a reason (cannot_answer)")
    return out


class LlmInterpreter:
    name = "llm"

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 30.0):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout = timeout

    def _complete(self, messages: list[dict[str, str]]) -> str:
        body = {"model": self.model, "messages": messages, "temperature": 0, "response_format": response_format()}
        try:
            r = httpx.post(self.url, json=body, headers=self.headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise LlmUnavailable(f"cannot reach the LLM endpoint ({type(exc).__name__})") from None
        if r.status_code != 200:
            raise LlmUnavailable(f"the LLM endpoint answered HTTP {r.status_code}")
        try:
            return r.json()["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise LlmUnavailable("the LLM endpoint's reply is not a chat completion") from None

    def interpret(
        self, question: str, vocab: Vocabulary, today: date, validate: Callable[[SemanticQuery], None]
    ) -> Reading:
        """Ask, validate, repair once. Raises LlmUnavailable, or ValueError naming the last validation error."""
        messages = [
            {"role": "system", "content": system_prompt(vocab, today)},
            {"role": "user", "content": question},
        ]
        error = ""
        for attempt in range(2):
            content = self._complete(messages)
            try:
                out = parse_output(content)
                if out.query is None:
                    return Reading(None, self.name, problem=f"not answerable from this data: {out.cannot_answer}")
                validate(out.query)
                note = ["the LLM's first reply was repaired"] if attempt else []
                return Reading(out.query, self.name, notes=note)
            except ValueError as exc:
                error = str(exc)
            messages += [
                {"role": "assistant", "content": content},
                {
                    "role": "user",
                    "content": f"That reply is invalid: {error}. Reply again with the corrected JSON object only.",
                },
            ]
        raise ValueError(error)
