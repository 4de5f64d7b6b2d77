"""The built-in interpreter: a question read into a structured query by rules over the tenant's vocabulary.

No network and no model weights, and deterministic: the same question, vocabulary and day give the same
query. It reads in four passes:

1. multi-word data values (`Catalog Sales`, `weekly digest w45`) are found first, so their words are not
   taken for time words or measures;
2. time: period, grain and comparison (`gata.nl.timeparse`);
3. the longest known phrase at each position: measures, dimensions, values, model names;
4. roles from the small words around them: `by`/`per` groups, `top 5`/`worst` ranks, `which` asks for a
   dimension, `on`/`from` filters, `excluding` negates; then the model that can hold every part is chosen
   (best match strength, ties by `MODEL_PRIORITY`).

Every other word must be a known filler word: a word nothing could be made of makes the reading fail with
that word named, rather than a chart that silently ignores part of the question.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError

from gata.nl.reading import Reading
from gata.nl.text import NUMBER_WORDS, STOPWORDS, Token, normalise, tokens
from gata.nl.timeparse import TimeError, TimeReading, auto_grain, parse_time
from gata.nl.vocabulary import LOWER_IS_BETTER, MODEL_PRIORITY, Meaning, Vocabulary
from gata.semantic.dates import DateRangeError, resolve
from gata.semantic.query import MAX_LIMIT, SemanticQuery

MAX_QUESTION = 500
DEFAULT_TOP = 10
GROUP_CUES = frozenset({"by", "per", "each", "every", "across"})
RANK_DESC = frozenset({"top", "best", "highest", "most", "largest", "biggest", "max", "maximum", "greatest"})
RANK_ASC = frozenset({"bottom", "worst", "lowest", "least", "smallest", "fewest", "min", "minimum", "weakest"})
WHICH = frozenset({"which", "what"})
NEGATE = frozenset({"not", "excluding", "exclude", "except", "without", "non", "other"})
FILTER_CUES = frozenset({"on", "from", "in", "for", "with", "via", "through", "at", "where", "only", "within"})
COMPARATORS = {
    ("more", "than"): "gt",
    ("greater", "than"): "gt",
    ("over",): "gt",
    ("above",): "gt",
    ("at", "least"): "gte",
    ("less", "than"): "lt",
    ("fewer", "than"): "lt",
    ("under",): "lt",
    ("below",): "lt",
    ("at", "most"): "lte",
}
GRAIN_WORDS = {"day": "day", "date": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}
# words that ask to change things: GATA only reads, so these are refused outright, whatever follows
_WRITE_WORDS = """
    delete drop remove truncate update insert alter create attach detach grant revoke exec execute modify
    overwrite erase wipe destroy rename replace copy export pragma install load
"""
WRITE_WORDS = frozenset(_WRITE_WORDS.split())
SQL_MARKS = re.compile(r";|--|/\*|\*/|\bunion\s+select\b|\bselect\b.+\bfrom\b|\bor\s+1\s*=\s*1\b")
HARMLESS_PUNCTUATION = frozenset("?,.!:()'\"/&%$€£+-")


@dataclass
class Item:
    """A known phrase of the question and what it could mean."""

    start: int  # token index range
    end: int
    text: str
    meanings: list[Meaning]
    roles: list[str] = field(default_factory=list)
    negate: bool = False

    def kinds(self) -> set[str]:
        return {m.kind for m in self.meanings}

    def best(self, model: str, kind: str, fields: set[str] | None = None) -> Meaning | None:
        options = [
            m for m in self.meanings if m.model == model and m.kind == kind and (fields is None or m.field in fields)
        ]
        return max(options, key=lambda m: m.strength) if options else None


@dataclass
class _Rank:
    direction: str  # desc | asc
    word: str
    n: int | None = None
    singular: bool = False  # "the best campaign" -> 1 row
    noun: bool = False  # a dimension follows the ranking word (top campaigns)
    measure_item: Item | None = None


@dataclass
class _Parse:
    items: list[Item] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    rank: _Rank | None = None
    grain: str | None = None
    thresholds: list[tuple[str, float, Item | None, int]] = field(default_factory=list)  # op, value, measure, pos


class BuiltinInterpreter:
    name = "builtin"

    def interpret(self, question: str, vocab: Vocabulary, today: date) -> Reading:
        text = normalise(question)
        refused = _guard(text)
        if refused:
            return Reading(None, self.name, problem=refused)
        toks = tokens(text)
        taken: list[str | None] = [None] * len(toks)  # what consumed each token
        items = _match_phrases(vocab, toks, taken, min_len=2, kinds={"value"})
        blanked = _blank(text, toks, taken)
        try:
            when = parse_time(blanked, today)
        except TimeError as exc:
            return Reading(None, self.name, problem=str(exc))
        for i, t in enumerate(toks):
            if taken[i] is None and any(a <= t.start < b for a, b in when.spans):
                taken[i] = "time"
        items += _match_phrases(vocab, toks, taken, min_len=1, kinds=None)
        items.sort(key=lambda it: it.start)
        parsed = _structure(toks, taken, items)
        mapped = [(p, "time") for p in when.phrases]
        if parsed.unknown:
            return Reading(
                None,
                self.name,
                unmapped=parsed.unknown,
                problem="I could not map " + ", ".join(f"'{w}'" for w in parsed.unknown) + " to anything in "
                "your data (measures, dimensions, values or time)",
                mapped=mapped + [(it.text, _kinds_text(it)) for it in parsed.items],
            )
        return _build(parsed, when, vocab, today, mapped, self.name)


def _guard(text: str) -> str | None:
    if not text.strip():
        return "the question is empty"
    words = set(re.findall(r"[a-z]+", text))
    if words & WRITE_WORDS or SQL_MARKS.search(text):
        return (
            "this looks like a request to change data or a piece of SQL; questions are read-only and answered "
            "through the semantic layer (measures, dimensions, filters, periods), never as SQL"
        )
    return None


def _blank(text: str, toks: list[Token], taken: list[str | None]) -> str:
    chars = list(text)
    for t, by in zip(toks, taken, strict=True):
        if by is not None:
            chars[t.start : t.end] = " " * (t.end - t.start)
    return "".join(chars)


def _is_word(t: Token) -> bool:
    return t.text[0].isalnum()


def _match_phrases(
    vocab: Vocabulary, toks: list[Token], taken: list[str | None], min_len: int, kinds: set[str] | None
) -> list[Item]:
    """Greedy longest match, left to right, over free word tokens (punctuation between words is skipped)."""
    free = [i for i, t in enumerate(toks) if taken[i] is None and _is_word(t)]
    out: list[Item] = []
    k = 0
    while k < len(free):
        found = None
        for n in range(min(vocab.max_len, len(free) - k), min_len - 1, -1):
            idx = free[k : k + n]
            if idx[-1] - idx[0] >= 2 * n:  # the words must be near each other (punctuation at most)
                continue
            key = tuple(toks[i].stem for i in idx)
            if n == 1 and toks[idx[0]].text in STOPWORDS:
                continue
            meanings = [m for m in vocab.lookup(key) if kinds is None or m.kind in kinds]
            if meanings:
                found = (idx, meanings)
                break
        if found is None:
            k += 1
            continue
        idx, meanings = found
        for i in idx:
            taken[i] = "phrase"
        text = " ".join(toks[i].text for i in idx)
        out.append(Item(idx[0], idx[-1] + 1, text, meanings))
        k += len(idx)
    return out


def _kinds_text(item: Item) -> str:
    return "/".join(sorted(item.kinds()))


def _number(word: str) -> int | float | None:
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    try:
        value = float(word.replace(",", ""))
    except ValueError:
        return None
    if not math.isfinite(value):  # "inf", "1e400": not a number a question can mean
        return None
    return int(value) if value.is_integer() else value


def _structure(toks: list[Token], taken: list[str | None], items: list[Item]) -> _Parse:
    """Walk the question once: cue words set up the role of the next phrase."""
    out = _Parse(items=items)
    by_start = {it.start: it for it in items}
    cue: str | None = None
    negate = False
    i = 0
    prev_item: Item | None = None
    while i < len(toks):
        t = toks[i]
        if i in by_start:
            item = by_start[i]
            item.negate = negate
            item.roles = _roles(item, cue, items)
            if cue in ("rank", "which") and out.rank is not None:
                if "dimension" in item.kinds():
                    out.rank.noun = True
                    out.rank.singular = out.rank.singular or toks[item.end - 1].text == toks[item.end - 1].stem
                elif "measure" in item.kinds() and out.rank.measure_item is None:
                    out.rank.measure_item = item
            if cue == "group" and out.rank is not None and out.rank.measure_item is None and "group" not in item.roles:
                out.rank.measure_item = item  # "top 5 campaigns by spend"
            for th in out.thresholds:
                if th[2] is None and th[3] < item.start and "measure" in item.kinds():
                    out.thresholds[out.thresholds.index(th)] = (th[0], th[1], item, th[3])
            cue, negate, prev_item = None, False, item
            i = item.end
            continue
        if taken[i] == "time":
            cue = None
            i += 1
            continue
        w = t.text
        nxt = toks[i + 1].text if i + 1 < len(toks) else ""
        comparator = COMPARATORS.get((w, nxt)) or COMPARATORS.get((w,))
        if comparator and taken[i] is None and i + (2 if (w, nxt) in COMPARATORS else 1) < len(toks):
            j = i + (2 if (w, nxt) in COMPARATORS else 1)
            value = _number(toks[j].text)
            if value is not None:
                after = by_start.get(j + 1)
                if after is not None and "measure" in after.kinds():
                    measure = after  # "more than 1000 clicks"
                elif prev_item is not None and "measure" in prev_item.kinds():
                    measure = prev_item  # "clicks over 1000"
                else:
                    measure = None
                out.thresholds.append((comparator, value, measure, j))
                i = j + 1
                continue
        if w in RANK_DESC or w in RANK_ASC:
            direction = "desc" if w in RANK_DESC else "asc"
            if out.rank is not None and out.rank.word == "which":  # "which campaign had the highest ROAS"
                out.rank.direction, out.rank.word = direction, w
                cue = "rank" if out.rank.measure_item is None else cue
            else:
                out.rank = _Rank(direction, w)
                cue = "rank"
        elif w in WHICH and (((i + 1) in by_start and "dimension" in by_start[i + 1].kinds()) or (nxt in GRAIN_WORDS)):
            out.rank = _Rank("desc", "which")
            cue = "which"
        elif w in GRAIN_WORDS and cue in ("rank", "which"):
            out.grain = GRAIN_WORDS[w]
            if out.rank is not None:
                out.rank.noun, out.rank.singular = True, True
            cue = "rank"
        elif (
            (n := _number(w)) is not None
            and cue == "rank"
            and out.rank is not None
            and 1 <= n <= MAX_LIMIT
            and n == int(n)
        ):
            out.rank.n = int(n)
        elif w in GROUP_CUES:
            cue = "group"
        elif w in NEGATE:
            negate = True
        elif w in FILTER_CUES:
            cue = cue if cue in ("rank", "which") else "filter"
        elif w in STOPWORDS or (not _is_word(t) and w in HARMLESS_PUNCTUATION):
            pass
        else:
            out.unknown.append(w)
        i += 1
    return out


def _roles(item: Item, cue: str | None, items: list[Item]) -> list[str]:
    kinds = item.kinds()
    roles: list[str] = []
    pos = items.index(item)
    nxt = items[pos + 1] if pos + 1 < len(items) else None
    prev = items[pos - 1] if pos > 0 else None
    near_value = any(
        other is not None and "value" in other.kinds() and abs(other.start - item.start) <= 3
        for other in (prev, nxt)
        if other is not item
    )
    if cue == "group" or cue in ("rank", "which"):
        roles += ["group"] if "dimension" in kinds else []
        roles += ["order"] if "measure" in kinds else []
        roles += ["filter"] if "value" in kinds else []
    else:
        adjective = nxt is not None and nxt.start == item.end and bool(nxt.kinds() & {"measure", "model", "dimension"})
        if "value" in kinds and (cue == "filter" or item.negate or adjective or not kinds & {"measure", "dimension"}):
            roles.append("filter")
        roles += ["measure"] if "measure" in kinds else []
        if "dimension" in kinds:
            roles += ["label", "group"] if near_value else ["group"]
        if "value" in kinds and "filter" not in roles:
            roles.append("filter")
    if "model" in kinds:
        roles.append("model")
    return roles or ["model"]


@dataclass
class _Choice:
    model: str
    score: int
    picks: dict[int, Meaning]  # item index -> meaning used


def _fit(model: str, items: list[Item], roles: tuple[str, ...]) -> _Choice | None:
    kind_of = {"measure": "measure", "order": "measure", "group": "dimension", "label": "dimension"}
    kind_of.update(filter="value", model="model")
    picks: dict[int, Meaning] = {}
    score = 0
    for k, (item, role) in enumerate(zip(items, roles, strict=True)):
        m = item.best(model, kind_of[role])
        if m is None:
            return None
        picks[k] = m
        score += m.strength
    return _Choice(model, score, picks)


def _choose(items: list[Item]) -> tuple[tuple[str, ...], _Choice] | None:
    """The first role assignment (in preference order) that some model can hold; the best model for it."""
    for roles in itertools.islice(itertools.product(*[it.roles for it in items]), 512):
        fits = [c for m in MODEL_PRIORITY if (c := _fit(m, items, roles)) is not None]
        if fits:
            best = max(fits, key=lambda c: (c.score, -MODEL_PRIORITY.index(c.model)))
            return roles, best
    return None


def _where(items: list[Item], vocab: Vocabulary) -> str:
    parts = []
    for it in items:
        models = sorted({m.model for m in it.meanings if m.kind != "model"} or {m.model for m in it.meanings})
        labels = ", ".join(vocab.layer.model(m).label for m in models)
        parts.append(f"'{it.text}' is in {labels}")
    return "; ".join(parts)


def _build(
    parsed: _Parse, when: TimeReading, vocab: Vocabulary, today: date, mapped: list, interpreter: str
) -> Reading:
    items = parsed.items
    mapped = mapped + [(it.text, _kinds_text(it)) for it in items]
    chosen = _choose(items) if items else None
    if chosen is None:
        problem = (
            "the question names nothing to measure"
            if not items
            else "these parts of the question are not found together in any one model: " + _where(items, vocab)
        )
        return Reading(None, interpreter, problem=problem, mapped=mapped)
    roles, choice = chosen
    model = choice.model
    measures: list[str] = []
    dims: list[str] = []
    values: dict[str, list] = defaultdict(list)
    negated: dict[str, bool] = {}
    notes: list[str] = []
    for k, (item, role) in enumerate(zip(items, roles, strict=True)):
        m = choice.picks[k]
        if role in ("measure", "order") and m.field not in measures:
            measures.append(m.field)
        elif role == "group" and m.field not in dims:
            dims.append(m.field)
        elif role == "filter":
            same = [x for x in item.meanings if x.model == model and x.kind == "value" and x.field == m.field]
            values[m.field] += [x.value for x in same if x.value not in values[m.field]]
            if negated.get(m.field, item.negate) != item.negate:
                return Reading(None, interpreter, problem=f"'{item.text}' is both included and excluded", mapped=mapped)
            negated[m.field] = item.negate
    filters: list[dict] = []
    for fld, vals in values.items():
        neg = negated[fld]
        if len(vals) == 1:
            filters.append({"field": fld, "op": "ne" if neg else "eq", "value": vals[0]})
        else:
            filters.append({"field": fld, "op": "not_in" if neg else "in", "value": vals})
    for op, value, measure_item, _pos in parsed.thresholds:
        if measure_item is None:
            return Reading(None, interpreter, problem=f"a threshold ({op} {value:g}) without a measure", mapped=mapped)
        k = items.index(measure_item)
        meaning = choice.picks[k]
        if meaning.kind != "measure":
            return Reading(None, interpreter, problem=f"'{measure_item.text}' is not a measure", mapped=mapped)
        filters.append({"field": meaning.field, "op": op, "value": value})
        if meaning.field not in measures:
            measures.append(meaning.field)
    if not measures:
        return Reading(
            None,
            interpreter,
            problem="the question does not say what to measure (for example spend, revenue, sessions or orders)",
            mapped=mapped,
        )

    body: dict = {"model": model, "dimensions": dims, "measures": measures, "filters": filters}
    grain = parsed.grain or when.grain
    if when.date_range is not None:
        body["date_range"] = when.date_range.model_dump(exclude_none=True)
    if grain == "auto":
        start, end = _resolved(when, today)
        grain = auto_grain(start, end)
        notes.append(f"'over time' shown {'daily' if grain == 'day' else grain + 'ly'} for this period")
    if grain:
        body["time_grain"] = grain
    if when.compare:
        if grain:
            return Reading(
                None,
                interpreter,
                problem="comparing with the previous period gives one total per period; it cannot also be "
                "split by day/week/month. Ask for one or the other",
                mapped=mapped,
            )
        if when.date_range is None:
            return Reading(None, interpreter, problem="'previous period' needs a period (e.g. last 30 days)")
        body["compare"] = "previous_period"
    rank = parsed.rank
    if rank is not None and (dims or grain):
        order_field = measures[0]
        if rank.measure_item is not None:
            order_field = choice.picks[items.index(rank.measure_item)].field
        direction = rank.direction
        if rank.word in ("best", "worst") and order_field in LOWER_IS_BETTER:
            direction = "asc" if direction == "desc" else "desc"
            notes.append(f"for {vocab.field_label(model, order_field)}, lower is better")
        body["order_by"] = [{"field": order_field, "direction": direction}]
        if rank.n is not None:
            body["limit"] = rank.n
        elif rank.singular:
            body["limit"] = 1
        elif rank.noun and rank.word != "which":
            body["limit"] = DEFAULT_TOP
    try:
        query = SemanticQuery.model_validate(body)
    except ValidationError as exc:
        return Reading(None, interpreter, problem=exc.errors(include_url=False)[0]["msg"], mapped=mapped)
    return Reading(query, interpreter, notes=notes, mapped=mapped)


def _resolved(when: TimeReading, today: date) -> tuple[date | None, date | None]:
    if when.date_range is None:
        return None, None
    try:
        return resolve(when.date_range, today)
    except DateRangeError:
        return None, None
