"""What an interpreter made of a question: a structured query, or why there is none."""

from __future__ import annotations

from dataclasses import dataclass, field

from gata.semantic.query import SemanticQuery


@dataclass
class Reading:
    query: SemanticQuery | None
    interpreter: str  # builtin | llm | builtin (llm fallback: ...)
    unmapped: list[str] = field(default_factory=list)  # words of the question nothing could be made of
    problem: str | None = None  # why the question is not answered (None when `query` is set)
    notes: list[str] = field(default_factory=list)  # assumptions worth telling the user
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (words, what they were read as)
    alternatives: list[str] = field(default_factory=list)  # other readings of an ambiguous question, as questions

    @property
    def answered(self) -> bool:
        return self.query is not None and self.problem is None
