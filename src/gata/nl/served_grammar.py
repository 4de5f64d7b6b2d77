"""The reading definition served to the browser (GET /semantic-layer/{tenant}/grammar): the rule words of
gata.nl.builtin, the tables of gata.nl.grammar and one tenant's vocabulary, which reader.js runs as the
server's reader does (decision #31)."""

from __future__ import annotations

import re

import ibis

from gata.nl import builtin, suggest, text, timeparse, vocabulary
from gata.nl.grammar import (
    AMBIGUOUS,
    CONTEXT,
    INSTEAD,
    MIN_FUZZY,
    MISSING_DIMENSIONS,
    PERIOD_CHOICES,
    RANK_BY,
    RATIOS,
    SOURCE_DIMENSION,
    SOURCE_WORDS,
    SOURCES,
    stemmed,
)


def grammar_json(vocab) -> dict:
    """The whole reading definition for one tenant's vocabulary, as the in-browser reader runs it: the
    rule words (shared with `gata.nl.builtin`), the tables above and the tenant's phrases and values."""
    words = {
        "stopwords": sorted(text.STOPWORDS),
        "group": sorted(builtin.GROUP_CUES),
        "rank_desc": sorted(builtin.RANK_DESC),
        "rank_asc": sorted(builtin.RANK_ASC),
        "which": sorted(builtin.WHICH),
        "negate": sorted(builtin.NEGATE),
        "comparing": sorted(builtin.COMPARING),
        "filter": sorted(builtin.FILTER_CUES),
        "write": sorted(builtin.WRITE_WORDS),
        "never_corrected": sorted(builtin.NEVER_CORRECTED),
        "grains": builtin.GRAIN_WORDS,
        "numbers": text.NUMBER_WORDS,
        "comparators": [[list(k), v] for k, v in builtin.COMPARATORS.items()],
        "punctuation": "".join(sorted(builtin.HARMLESS_PUNCTUATION)),
    }
    layer = vocab.layer
    return {
        "tenant": vocab.tenant,
        "version": vocab.version,
        "words": words,
        "context": CONTEXT,
        "ratios": [[num, den, ratio] for (num, den), ratio in RATIOS.items()],
        "ambiguous": stemmed(AMBIGUOUS),
        "sources": SOURCES,
        "source_words": SOURCE_WORDS,
        "source_dimension": {k: list(v) for k, v in SOURCE_DIMENSION.items()},
        "missing_dimensions": MISSING_DIMENSIONS,
        "instead": {what: [list(f) for f in fields] for what, fields in INSTEAD.items()},
        # time phrases kept as patterns of their own (the rest of the time reader is written in both)
        "time": {
            "previous_period": _js_pattern(timeparse.PREVIOUS_PERIOD),
            "previous_unit": _js_pattern(timeparse.PREVIOUS_UNIT),
            "same_last_year": _js_pattern(timeparse.SAME_LAST_YEAR),
        },
        "min_fuzzy": MIN_FUZZY,
        "default_top": builtin.DEFAULT_TOP,
        "period_choices": list(PERIOD_CHOICES),
        "rank_by": [list(r) for r in RANK_BY],
        "general_questions": list(suggest.GENERAL),
        "max_suggestions": suggest.MAX_SUGGESTIONS,
        "lower_is_better": sorted(vocabulary.LOWER_IS_BETTER),
        "model_priority": list(vocabulary.MODEL_PRIORITY),
        "models": {
            m.name: {
                "label": m.label,
                "measures": {k: f.label for k, f in m.measures.items()},
                "dimensions": {k: [f.label, f.is_time] for k, f in m.dimensions.items()},
            }
            for m in layer.models.values()
        },
        "local": {m.name: _local(m) for m in layer.models.values() if m.name in LOCAL_TABLES},
        "max_len": vocab.max_len,
        "phrases": [
            [" ".join(key), [[m.kind, m.model, m.field, m.strength, m.value] for m in meanings]]
            for key, meanings in vocab.phrases.items()
        ],
        "values": {f"{model}|{dim}": values for (model, dim), values in vocab.values.items()},
    }


def _js_pattern(pattern: str) -> str:
    """A Python pattern as JavaScript spells it (named groups are `(?<name>...)` there)."""
    return pattern.replace("(?P<", "(?<")


# the star tables the /local page loads into DuckDB-WASM, named as the models over them
LOCAL_TABLES = ("ad_performance", "orders", "sessions", "events", "campaigns", "users")
_SELECT = re.compile(r'^SELECT\s+(?P<expr>.*?)\s+AS "__m"\s+FROM ', re.S)


def _local(model) -> dict:
    """How a model's query runs on its star table in the browser: columns of its dimensions and time, and
    each measure's SQL (compiled by ibis from the same definition the server runs) over bare column names."""
    measures = {}
    for name, measure in model.measures.items():
        sql = ibis.to_sql(model.table.aggregate(__m=measure.expr(model.table)), dialect="duckdb")
        found = _SELECT.match(str(sql))
        if found:
            measures[name] = " ".join(found.group("expr").replace('"t0".', "").split())
    time = model.definition.time_dimension
    return {
        "time": model.dimensions[time].column if time in model.dimensions else None,
        "dimensions": {k: d.column for k, d in model.dimensions.items()},
        "measures": measures,
    }
