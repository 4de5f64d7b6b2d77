"""Request and response bodies of a question, shared by the API, the CLI and MCP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gata.semantic.query import Column, SemanticQuery

MAX_QUESTION = 500


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1, max_length=MAX_QUESTION, description="A question in plain English about this tenant's data."
    )
    interpreter: Literal["builtin", "llm"] | None = Field(
        None, description="builtin (rules, the default) or llm (needs GATA_LLM_BASE_URL on the server)."
    )

    @field_validator("question")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the question is empty")
        return v.strip()


class Explanation(BaseModel):
    """How the question was read, in the model's own labels."""

    text: str = Field(description="One sentence: measures, grouping, filters, period.")
    model: str
    model_label: str
    measures: list[str]
    dimensions: list[str]
    filters: list[str]
    period: str | None = Field(None, description="The period as asked, with the days it resolved to.")
    time_grain: str | None = None
    compare: str | None = None
    order: str | None = None
    notes: list[str] = Field(default_factory=list, description="Assumptions made while reading the question.")


class ChartSpec(BaseModel):
    kind: Literal["line", "bar", "number", "table"] = Field(
        description="line: a time series; bar: a ranking or categories; number: one value; table: otherwise."
    )
    title: str
    x: str | None = Field(None, description="Column on the x axis (line, bar).")
    y: list[str] = Field(default_factory=list, description="Measure columns plotted (or the number shown).")
    series: str | None = Field(None, description="Column splitting a line chart into series.")
    format: str | None = Field(None, description="Format of the first y column (currency, percent, ...).")


class Answer(BaseModel):
    question: str
    answered: bool = Field(description="False: the question could not be read fully; see message and suggestions.")
    interpreter: str = Field(description="builtin, llm, or builtin after an LLM fallback (with the reason).")
    query: SemanticQuery | None = Field(None, description="The structured query the question was read as.")
    explanation: Explanation | None = None
    columns: list[Column] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(default_factory=list)
    row_count: int = 0
    chart: ChartSpec | None = None
    date_range: dict[str, date] | None = None
    data_version: str | None = None
    partial_days: list[date] = Field(
        default_factory=list, description="Days of the answer's period that are partial (see data_through)."
    )
    data_through: datetime | None = Field(None, description="When the data stops (UTC), if its last day is partial.")
    notes: list[str] = Field(
        default_factory=list, description="What to know to read the answer (a partial day in its period)."
    )
    message: str | None = Field(None, description="Why the question was not answered.")
    unmapped: list[str] = Field(default_factory=list, description="Words of the question nothing was found for.")
    suggestions: list[str] = Field(default_factory=list, description="Questions that can be answered.")
    elapsed_ms: float = 0.0
