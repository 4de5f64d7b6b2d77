"""What a tenant's questions can name: its models, measures and dimensions (names, labels, synonyms from the
definitions and the tenant's overlay, plus built-in business synonyms) and the dimension values found in
its own snapshot. Values come only from that tenant's data, so another tenant's campaign names are simply
not words this tenant's interpreter knows.

Built once per (tenant, snapshot version) and cached: sampling values costs a few small queries.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import ibis

from gata.nl.text import phrase_key
from gata.semantic.layer import ResolvedModel, TenantLayer
from gata.semantic.store import TenantSnapshot

# the order in which an ambiguous question is tried against the models (first = preferred on a tie)
MODEL_PRIORITY = ("ad_performance", "orders", "sessions", "blended", "business", "events", "campaigns", "users")

# business words people use for the same measure, beyond the definitions' own synonyms
BUILTIN_MEASURE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "spend": ("costs", "spending", "ad costs", "media spend", "amount spent"),
    "revenue": ("income", "sales revenue", "make", "made", "earn", "earned", "earnings", "turnover"),
    "net_revenue": ("revenue after refunds", "net"),
    "platform_roas": ("return on ads",),
    "attributed_roas": ("blended roas",),
    "mer": ("revenue over ad spend", "revenue to spend"),
    "conversion_rate": ("conv rate", "cr", "conversion rates"),
    "aov": ("avg order value", "average basket", "average order"),
    "ctr": ("clickthrough rate",),
    "sessions": ("traffic",),
    "users": ("visitors",),
    "orders": ("sales count",),
    "cac": ("cost per new customer", "acquisition cost"),
    "refund_rate": ("refund percentage",),
    "avg_session_duration": ("average session duration", "avg session duration"),
    "units": ("units sold", "items sold", "products sold"),
}
# values people call by another name; only used where the tenant's data has the value on the right
VALUE_ALIASES: dict[str, tuple[str, ...]] = {
    "facebook_ads": ("fb", "meta ads"),
    "instagram_ads": ("ig",),
    "bing_ads": ("microsoft ads", "microsoft", "msft", "bing"),
    "google_ads": ("adwords", "google"),
    "united states": ("usa", "america", "u.s", "the us"),  # "the us" is the country, "us" alone the pronoun
    "united kingdom": ("uk", "britain", "great britain", "england"),
    "germany": ("german",),
    "france": ("french",),
    "mobile": ("phone", "phones", "smartphone", "smartphones"),
    "(direct)": ("direct",),
    "(none)": ("none",),
}
# dimensions whose values are not words of a question (ids, paths, currency codes)
_NO_VALUES = re.compile(r"(_id|_key|^currency|landing_page|page_path)$")
MAX_VALUES = 300
LOWER_IS_BETTER = frozenset(
    {"cpc", "cpm", "platform_cpa", "cac", "attributed_cost_per_order", "refunds", "refund_rate"}
)

# strengths: how surely a phrase means a field (label > name > synonym > built-in > joined)
LABEL, NAME, SYNONYM, BUILTIN, JOINED = 5, 4, 3, 2, 1


@dataclass(frozen=True)
class Meaning:
    kind: str  # measure | dimension | value | model
    model: str  # the model a query would be on
    field: str  # as the query spells it (`spend`, `campaigns.campaign_status`); the model name for kind model
    strength: int
    value: Any = None


@dataclass
class Vocabulary:
    tenant: str
    version: str
    layer: TenantLayer
    phrases: dict[tuple[str, ...], list[Meaning]] = field(default_factory=lambda: defaultdict(list))
    values: dict[tuple[str, str], list[Any]] = field(default_factory=dict)  # (model, own dimension) -> values
    max_len: int = 1
    corrections: dict[str, str | None] = field(default_factory=dict)  # misspelt word -> known word (cache)
    grammar: dict | None = None  # gata.nl.served_grammar.grammar_json of this vocabulary (cache)
    _single: frozenset[str] | None = None

    def single_words(self) -> frozenset[str]:
        """The one-word phrases (stems) misspellings are corrected to."""
        if self._single is None:
            self._single = frozenset(k[0] for k in self.phrases if len(k) == 1 and len(k[0]) >= 4 and k[0].isalpha())
        return self._single

    def add(self, text: str, meaning: Meaning) -> None:
        key = phrase_key(text)
        if not key:
            return
        existing = self.phrases[key]
        for i, m in enumerate(existing):
            if (m.kind, m.model, m.field, m.value) == (meaning.kind, meaning.model, meaning.field, meaning.value):
                if meaning.strength > m.strength:
                    existing[i] = meaning
                return
        existing.append(meaning)
        self.max_len = max(self.max_len, len(key))

    def lookup(self, key: tuple[str, ...]) -> list[Meaning]:
        return self.phrases.get(key, [])

    def field_label(self, model: str, spelled: str) -> str:
        m = self.layer.model(model)
        if "." in spelled:
            target, name = spelled.split(".", 1)
            t = self.layer.model(target)
            return f"{t.label}: {(t.dimensions.get(name) or t.measures[name]).label}"
        f = m.dimensions.get(spelled) or m.measures.get(spelled)
        return f.label if f else spelled


def _words(name: str) -> str:
    return name.replace("_", " ")


def _value_phrases(value: str) -> list[tuple[str, int]]:
    """Ways to say a value: itself, without an `_ads` suffix, the descriptive part of a `A | B | C` name."""
    out = [(value, NAME)]
    lowered = value.lower()
    out += [(alias, SYNONYM) for alias in VALUE_ALIASES.get(lowered, ())]
    if lowered.endswith("_ads"):
        out.append((lowered[: -len("_ads")], SYNONYM))
    if "|" in value:  # campaign-style names: "FB | Catalog Sales | NA | C02" is "catalog sales"
        for part in (p.strip() for p in value.split("|")):
            if len(part) > 3 and not re.fullmatch(r"[A-Za-z]\d+", part):
                out.append((part, BUILTIN))
    return out


def _sample_values(snap: TenantSnapshot, model: ResolvedModel) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    schema = model.table.schema()
    cur = snap.cursor()
    try:
        for dim in model.dimensions.values():
            dtype = schema[dim.column]
            if dim.is_time or not dtype.is_string() or _NO_VALUES.search(dim.name):
                continue
            expr = model.table.select(v=model.table[dim.column]).filter(lambda t: t.v.notnull()).distinct()
            rows = cur.execute(ibis.to_sql(expr.limit(MAX_VALUES + 1), dialect="duckdb")).fetchall()
            if len(rows) <= MAX_VALUES:  # a high-cardinality column is not a list of names to recognise
                out[dim.name] = sorted(r[0] for r in rows)
    finally:
        cur.close()
    return out


def build_vocabulary(snap: TenantSnapshot) -> Vocabulary:
    layer = snap.layer
    assert layer is not None
    vocab = Vocabulary(snap.tenant, snap.version, layer)
    for model in layer.models.values():
        vocab.values.update({(model.name, d): v for d, v in _sample_values(snap, model).items()})
    for model in layer.models.values():
        m = model.name
        for text, strength in [(model.label, LABEL), (_words(m), NAME), *[(s, SYNONYM) for s in model.synonyms]]:
            vocab.add(text, Meaning("model", m, m, strength))
        for measure in model.measures.values():
            texts = [(measure.label, LABEL), (_words(measure.name), NAME)]
            texts += [(s, SYNONYM) for s in measure.synonyms]
            texts += [(s, BUILTIN) for s in BUILTIN_MEASURE_SYNONYMS.get(measure.name, ())]
            for text, strength in texts:
                vocab.add(text, Meaning("measure", m, measure.name, strength))
        targets = [(model, None)] + [(layer.models[j], j) for j in model.joins]
        for target, join in targets:
            for dim in target.dimensions.values():
                if dim.is_time:
                    continue
                spelled = f"{join}.{dim.name}" if join else dim.name
                texts = [(dim.label, LABEL), (_words(dim.name), NAME), *[(s, SYNONYM) for s in dim.synonyms]]
                for text, strength in texts:
                    vocab.add(text, Meaning("dimension", m, spelled, JOINED if join else strength))
                for value in vocab.values.get((target.name, dim.name), ()):
                    for text, strength in _value_phrases(value):
                        vocab.add(text, Meaning("value", m, spelled, JOINED if join else strength, value))
    return vocab


class VocabularyCache:
    """One vocabulary per tenant, rebuilt when the tenant's snapshot version changes."""

    def __init__(self) -> None:
        self._by_tenant: dict[str, Vocabulary] = {}
        self._lock = threading.Lock()

    def get(self, snap: TenantSnapshot) -> Vocabulary:
        vocab = self._by_tenant.get(snap.tenant)
        if vocab is not None and vocab.version == snap.version:
            return vocab
        with self._lock:
            vocab = self._by_tenant.get(snap.tenant)
            if vocab is None or vocab.version != snap.version:
                vocab = build_vocabulary(snap)
                self._by_tenant[snap.tenant] = vocab
            return vocab
