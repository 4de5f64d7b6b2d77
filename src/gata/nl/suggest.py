"""Questions to offer when one cannot be answered: built from what was understood, plus a few general ones,
and each kept only if the built-in interpreter reads it fully for this tenant (so a suggestion always works)."""

from __future__ import annotations

from datetime import date

from gata.nl.builtin import BuiltinInterpreter
from gata.nl.reading import Reading
from gata.nl.vocabulary import Vocabulary

GENERAL = (
    "spend by platform last 30 days",
    "top 5 campaigns by ROAS this month",
    "daily revenue last 14 days",
    "conversion rate by device last 7 days",
    "orders this month vs previous period",
    "sessions by country this month",
    "weekly AOV",
    "events by event name yesterday",
)
MAX_SUGGESTIONS = 5


def suggestions(reading: Reading, vocab: Vocabulary, today: date) -> list[str]:
    understood = [words for words, kinds in reading.mapped if kinds == "measure"]
    candidates = [q for w in understood[:2] for q in (f"{w} last 30 days", f"weekly {w} this quarter")]
    interpreter = BuiltinInterpreter()
    out: list[str] = []
    for q in [*candidates, *GENERAL]:
        if q not in out and interpreter.interpret(q, vocab, today).answered:
            out.append(q)
        if len(out) == MAX_SUGGESTIONS:
            break
    return out
