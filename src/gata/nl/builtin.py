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
from gata.nl.reading import Reading
from gata.nl.text import NUMBER_WORDS, STOPWORDS, Token, normalise, phrase_key, tokens
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
# values joined by one of these ("facebook vs google") are shown side by side, not summed together
COMPARING = frozenset({"vs", "versus", "compare", "compared", "comparing", "against"})
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
_AMBIGUOUS = stemmed(AMBIGUOUS)
# words whose meaning must never be guessed from a near spelling
NEVER_CORRECTED = (
    GROUP_CUES
    | RANK_DESC
    | RANK_ASC
    | WHICH
    | NEGATE
    | FILTER_CUES
    | STOPWORDS
    | frozenset(GRAIN_WORDS)
    | frozenset(w for pair in COMPARATORS for w in pair)
    | WRITE_WORDS
)


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
    count: int | None = None  # a whole number just before a dimension
    ratios: list[tuple[Item, Item]] = field(default_factory=list)  # "spend per click": a measure per a measure
    compares: bool = False  # a comparing word outside the time phrases ("facebook vs google")


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
        missing = _not_in_data(toks, taken, vocab)
        if missing:
            word, problem, instead = missing
            return Reading(None, self.name, unmapped=[word], problem=problem, mapped=instead)
        notes: list[str] = []
        items += _corrections(vocab, toks, taken, notes)
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
        reading = _build(parsed, when, vocab, today, mapped, self.name)
        reading.notes[:0] = notes
        if reading.answered:
            _ambiguities(reading, parsed, question, when, vocab)
        return reading


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
    per = False  # the cue word just before is "per"
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
            if per and _per_measure(prev_item, item):
                out.ratios.append((prev_item, item))
            cue, negate, prev_item, per = None, False, item, False
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
                out.rank = _Rank(direction, w, n=out.count, noun=out.count is not None)
                cue = "rank"
        elif w in WHICH and (_dimension_next(toks, i + 1, by_start) or (nxt in GRAIN_WORDS)):
            out.rank = _Rank("desc", "which")
            cue = "which"
        elif w in GRAIN_WORDS and cue in ("rank", "which"):
            out.grain = GRAIN_WORDS[w]
            if out.rank is not None:
                out.rank.noun, out.rank.singular = True, True
            cue = "rank"
        elif (
            (n := _number(w)) is not None
            and cue in ("rank", "which")
            and out.rank is not None
            and 1 <= n <= MAX_LIMIT
            and n == int(n)
        ):
            out.rank.n = int(n)
        elif (n := _number(w)) is not None and n >= 1 and n == int(n) and _dimension_next(toks, i + 1, by_start):
            out.count = int(n)  # "the 2 platforms with the lowest spend": the ranking's size, before its word
        elif w in GROUP_CUES:
            cue, per = "group", w == "per"
        elif w in NEGATE:
            negate = True
        elif w in FILTER_CUES:
            cue = cue if cue in ("rank", "which") else "filter"
        elif w in STOPWORDS or (not _is_word(t) and w in HARMLESS_PUNCTUATION):
            out.compares = out.compares or w in COMPARING
        else:
            out.unknown.append(w)
        i += 1
    return out


def _per_measure(prev: Item | None, item: Item) -> bool:
    """`spend per click`: a measure, then `per` and a word that is a measure and not a breakdown or value."""
    return (
        prev is not None
        and "measure" in prev.kinds()
        and "measure" in item.kinds()
        and not (item.kinds() & {"dimension", "value"})
    )


def _dimension_next(toks: list[Token], j: int, by_start: dict[int, Item]) -> bool:
    """`which campaign`, `which 3 campaigns`: a dimension follows (after a number at most)."""
    if j in by_start:
        return "dimension" in by_start[j].kinds()
    number = j < len(toks) and _number(toks[j].text) is not None
    return number and j + 1 in by_start and "dimension" in by_start[j + 1].kinds()


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
    if any(role == "label" and "filter" not in roles[max(0, k - 1) : k + 2] for k, role in enumerate(roles)):
        return None  # "the Facebook platform", "paused campaigns" label a value beside them; nothing else drops a word
    return _Choice(model, score, picks)


def _choose(items: list[Item]) -> tuple[tuple[str, ...], _Choice] | None:
    """The first role assignment (in preference order) that some model can hold; the best model for it."""
    assignments = list(itertools.islice(itertools.product(*[it.roles for it in items]), 512))
    measured = [r for r in assignments if {"measure", "order"} & set(r)]  # a reading that measures something first
    for roles in measured + [r for r in assignments if r not in measured]:
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
            else _missing_source(items, vocab)
            or "these parts of the question are not found together in any one model: " + _where(items, vocab)
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
        if parsed.compares and len(vals) > 1 and not neg and fld not in dims:
            dims.append(fld)  # "facebook vs google": one row each
        if len(vals) == 1:
            filters.append({"field": fld, "op": "ne" if neg else "eq", "value": vals[0]})
        else:
            filters.append({"field": fld, "op": "not_in" if neg else "in", "value": vals})
    ratio_of: dict[str, str] = {}  # numerator -> the ratio measure that replaced it
    for num, den in parsed.ratios:
        a, b = choice.picks[items.index(num)], choice.picks[items.index(den)]
        ratio = RATIOS.get((a.field, b.field))
        if ratio is None or ratio not in vocab.layer.model(model).measures:
            return Reading(
                None,
                interpreter,
                problem=f"'{num.text} per {den.text}' is not a measure of {vocab.layer.model(model).label}; ask for "
                f"the two side by side ('{num.text} and {den.text}')",
                mapped=mapped,
            )
        ratio_of[a.field] = ratio
        measures = [ratio if f == a.field else f for f in measures if f != b.field]
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
        order_field = ratio_of.get(order_field, order_field)
        direction = rank.direction
        if rank.word in ("best", "worst") and order_field in LOWER_IS_BETTER:
            direction = "asc" if direction == "desc" else "desc"
            notes.append(f"for {vocab.field_label(model, order_field)}, lower is better")
        body["order_by"] = [{"field": order_field, "direction": direction}]
        if dims:  # a ranking shows what its measure is made of (ROAS beside spend and conversion value)
            own = vocab.layer.model(model).measures
            body["measures"] += [c for c in CONTEXT.get(order_field, ()) if c in own and c not in body["measures"]]
        if rank.n is not None:
            body["limit"] = rank.n
        elif rank.singular:
            body["limit"] = 1
        elif rank.noun and rank.word != "which":
            body["limit"] = DEFAULT_TOP
    if rank is not None and not dims and not grain:  # "best ROAS": the figure with what it is made of
        own = vocab.layer.model(model).measures
        body["measures"] += [c for m in measures[:1] for c in CONTEXT.get(m, ()) if c in own and c not in measures]
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


def _edits_within(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein distance of a and b is at most `limit` (a bounded dynamic programme)."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


def correction(vocab: Vocabulary, word: str) -> str | None:
    """The one known single word `word` is a misspelling of (a close edit, or the unique longer word it
    begins), or None. Cached per vocabulary."""
    cache = vocab.corrections
    if word in cache:
        return cache[word]
    found: str | None = None
    if len(word) >= MIN_FUZZY and word.isalpha():
        limit = 1 if len(word) < 7 else 2
        words = vocab.single_words()
        close = {w for w in words if w[0] == word[0] or w[1:2] == word[1:2]}
        close = {w for w in close if _edits_within(word, w, limit)}
        if not close and len(word) >= 5:
            close = {w for w in words if w.startswith(word) and len(w) >= len(word) + 2 and w.isalpha()}
        found = close.pop() if len(close) == 1 else None
    cache[word] = found
    return found


def _corrections(vocab: Vocabulary, toks: list[Token], taken: list[str | None], notes: list[str]) -> list[Item]:
    """Words left over that are misspellings of one known word (spned, facebok) are read as that word, and
    the answer says so. Cue words, numbers and meaning-changing words are never corrected."""
    out: list[Item] = []
    for i, t in enumerate(toks):
        w = t.text
        if taken[i] is not None or not _is_word(t) or w in NEVER_CORRECTED or _number(w) is not None:
            continue
        fixed = correction(vocab, t.stem) or correction(vocab, w)
        if fixed is None:
            continue
        taken[i] = "phrase"
        out.append(Item(i, i + 1, fixed, list(vocab.lookup((fixed,)))))
        notes.append(f"read '{w}' as '{fixed}'")
    return out


def _source_refusal(word: str, source: str, vocab: Vocabulary) -> str:
    kind, name = SOURCES[source]
    have = sorted(vocab.values.get(SOURCE_DIMENSION[kind], ()))
    verb = "are" if len(have) != 1 else "is"
    return f"'{word}' is {name}, which is not one of your sources; your {kind} {verb} {', '.join(have) or 'none'}"


def _missing_source(items: list[Item], vocab: Vocabulary) -> str | None:
    """`spend on google` for a tenant without Google Ads, where 'google' is only a traffic source: name it."""
    for it in items:
        source = SOURCE_WORDS.get(it.text)
        if source is not None and source not in vocab.values.get(SOURCE_DIMENSION[SOURCES[source][0]], ()):
            return _source_refusal(it.text, source, vocab)
    return None


def _not_in_data(
    toks: list[Token], taken: list[str | None], vocab: Vocabulary
) -> tuple[str, str, list[tuple[str, str]]] | None:
    """A source the tenant does not have (tiktok) or a kind of data no model holds (products, returning
    customers): the word, a refusal that says what exists instead, and those measures as understood words
    (so the suggestions ask about them)."""
    free = [t for i, t in enumerate(toks) if taken[i] is None and _is_word(t)]
    for k, t in enumerate(free):
        two = f"{t.text} {free[k + 1].text}" if k + 1 < len(free) else ""
        source = SOURCE_WORDS.get(two) or SOURCE_WORDS.get(t.text)
        if source is not None:
            return t.text, _source_refusal(t.text, source, vocab), []
        what = MISSING_DIMENSIONS.get(t.stem)
        if what is None:
            continue
        nearest = [(m, f) for m, f in INSTEAD.get(what, ()) if f in _fields(vocab, m)]
        if nearest:
            have = [f"{vocab.field_label(m, f)} ({vocab.layer.model(m).label})" for m, f in nearest]
            measures = [(vocab.field_label(m, f).lower(), "measure") for m, f in nearest if _is_measure(vocab, m, f)]
            return t.text, f"your data has no {what} ('{t.text}'); what it has instead: " + ", ".join(have), measures
        dims = sorted(
            {d.label.lower() for m in vocab.layer.models.values() for d in m.dimensions.values() if not d.is_time}
            - {"user id", "customer id", "campaign id", "campaign key", "ad account"}
        )
        breakdowns = "questions can be broken down by " + ", ".join(dims[:14])
        return t.text, f"your data has no {what} ('{t.text}'); {breakdowns}", []
    return None


def _fields(vocab: Vocabulary, model: str) -> set[str]:
    m = vocab.layer.models.get(model)
    return set(m.measures) | set(m.dimensions) if m is not None else set()


def _is_measure(vocab: Vocabulary, model: str, field: str) -> bool:
    return field in vocab.layer.models[model].measures


def _ambiguities(reading: Reading, parsed: _Parse, question: str, when: TimeReading, vocab: Vocabulary) -> None:
    """An ambiguous business word (which ROAS) is read with its stated default, and the answer names the
    reading and offers the other candidates as questions; a calendar comparison says what it compares."""
    query = reading.query
    assert query is not None
    for item in parsed.items:
        entry = _AMBIGUOUS.get(" ".join(phrase_key(item.text)))
        if entry is None:
            continue
        chosen = next((c for c in entry["candidates"] if (c["model"], c["measure"]) == _picked(query, c)), None)
        if chosen is None:
            continue
        others = [
            c for c in entry["candidates"] if c is not chosen and c["measure"] in vocab.layer.model(c["model"]).measures
        ]
        if not others:
            continue
        reading.notes.append(
            f"'{item.text}' read as {chosen['reading']}; also: " + ", ".join(c["reading"] for c in others)
        )
        low = question.lower()
        at = low.find(item.text)
        for c in others:
            alt = question[:at] + c["ask"] + question[at + len(item.text) :] if at >= 0 else f"{c['ask']} {question}"
            reading.alternatives.append(alt)
    if when.calendar:
        reading.notes.append(when.calendar_note)
    if query.date_range is None and not when.all_time:  # which period: all time, and the usual ones offered
        reading.notes.append("no period named: all time")
        reading.alternatives += [f"{question.rstrip(' ?.!')} {p}" for p in PERIOD_CHOICES]
    if parsed.rank is not None and not query.dimensions and not query.time_grain:  # "best ROAS": best of what?
        own = vocab.layer.model(query.model).dimensions
        reading.alternatives += [f"{question.rstrip(' ?.!')} by {w}" for w, d in RANK_BY if d in own]


def _picked(query, candidate: dict) -> tuple[str, str]:
    return (query.model, candidate["measure"]) if candidate["measure"] in query.measures else ("", "")
