"""The generated evaluation corpus: questions built from phrasing families (templates x synonyms x time
expressions x each model's measures and dimensions x the tenant's own values), each with the structured
query it must become or the refusal it must get.

Families are split: the interpreter is developed on the `dev` families and scored on the `heldout` ones,
whose templates, wordings, misspellings and time phrases are not used by the `dev` ones. A family makes
questions for every tenant from that tenant's own data (its platforms, shops, countries, campaigns), so
the same corpus runs against any workspace holding the demo tenants.

Expected queries are checked by their result on the real semantic layer (`gata.nl.evaluation`), so two
spellings of the same query (list order, `in` of one value) count as the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from gata.nl.vocabulary import Vocabulary

# (model, measure) -> ways people say it; the first is the plain one
MEASURES: dict[tuple[str, str], tuple[str, ...]] = {
    ("ad_performance", "spend"): ("spend", "ad spend", "cost", "costs", "media spend"),
    ("ad_performance", "clicks"): ("clicks",),
    ("ad_performance", "impressions"): ("impressions",),
    ("ad_performance", "ctr"): ("CTR", "click through rate", "clickthrough rate"),
    ("ad_performance", "cpc"): ("CPC", "cost per click"),
    ("ad_performance", "platform_cpa"): ("CPA", "cost per acquisition", "platform CPA"),
    ("ad_performance", "platform_roas"): ("ROAS", "return on ad spend", "platform ROAS"),
    ("orders", "revenue"): ("revenue", "sales", "income"),
    ("orders", "orders"): ("orders", "number of orders"),
    ("orders", "aov"): ("AOV", "average order value"),
    ("orders", "refunds"): ("refunds",),
    ("orders", "net_revenue"): ("net revenue", "revenue after refunds"),
    ("sessions", "sessions"): ("sessions", "visits", "traffic"),
    ("sessions", "conversion_rate"): ("conversion rate", "conv rate"),
    ("events", "events"): ("events",),
    ("blended", "cac"): ("CAC", "customer acquisition cost"),
    ("blended", "attributed_cost_per_order"): ("cost per order", "attributed cost per order"),
    ("blended", "new_customers"): ("new customers",),
    ("blended", "attributed_roas"): ("attributed ROAS", "blended ROAS"),
    ("business", "mer"): ("MER", "revenue over spend"),
    ("campaigns", "active_campaigns"): ("active campaigns",),
}
# misspellings people type, never used by the dev families
MISSPELLED: dict[tuple[str, str], tuple[str, ...]] = {
    ("ad_performance", "spend"): ("spned", "spedn"),
    ("ad_performance", "impressions"): ("impresions", "impressoins"),
    ("ad_performance", "clicks"): ("clikcs", "clciks"),
    ("orders", "revenue"): ("revenu", "reveune", "revnue"),
    ("orders", "orders"): ("oders", "ordres"),
    ("sessions", "sessions"): ("sesions", "sessons"),
}
# (model, dimension) -> ways people say it
DIMENSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("ad_performance", "source_platform"): ("platform", "channel", "network"),
    ("ad_performance", "campaign_name"): ("campaign",),
    ("orders", "source_platform"): ("shop", "store"),
    ("orders", "financial_status"): ("financial status",),
    ("sessions", "geo_country"): ("country",),
    ("sessions", "device_category"): ("device",),
    ("sessions", "traffic_medium"): ("medium",),
    ("events", "event_name"): ("event name",),
}
# which measures a dimension goes with in generated questions (a model's own)
PAIRS: tuple[tuple[str, str, str], ...] = (
    ("ad_performance", "spend", "source_platform"),
    ("ad_performance", "clicks", "campaign_name"),
    ("ad_performance", "impressions", "source_platform"),
    ("ad_performance", "cpc", "source_platform"),
    ("orders", "revenue", "source_platform"),
    ("orders", "orders", "financial_status"),
    ("sessions", "sessions", "geo_country"),
    ("sessions", "sessions", "device_category"),
    ("sessions", "conversion_rate", "device_category"),
    ("sessions", "sessions", "traffic_medium"),
    ("events", "events", "event_name"),
)
# what a ranking by a ratio shows beside it (kept in step with gata.nl.grammar.CONTEXT)
PLATFORM_WORDS = {
    "facebook_ads": ("facebook", "fb", "meta ads"),
    "google_ads": ("google", "google ads", "adwords"),
    "instagram_ads": ("instagram", "ig"),
    "bing_ads": ("bing", "microsoft ads"),
    "linkedin_ads": ("linkedin",),
    "amazon_ads": ("amazon ads",),
    "tiktok_ads": ("tiktok",),
}
PLATFORM_TYPOS = {
    "facebook_ads": ("facebok", "facebbok"),
    "google_ads": ("gogle", "googel"),
    "instagram_ads": ("instagarm", "insta"),
    "bing_ads": ("bnig",),
    "linkedin_ads": ("linkdin",),
}


@dataclass(frozen=True)
class Time:
    text: str
    range: dict | None


def _times(today: date) -> dict[str, tuple[Time, ...]]:
    since = today - timedelta(days=10)
    return {
        "dev": (
            Time("last 30 days", {"relative": "last_30_days"}),
            Time("yesterday", {"relative": "yesterday"}),
            Time("this month", {"relative": "this_month"}),
            Time("last 7 days", {"relative": "last_7_days"}),
            Time("", None),
            Time("all time", None),
            Time("this week", {"relative": "this_week"}),
        ),
        "heldout": (
            Time("over the past 14 days", {"relative": "last_14_days"}),
            Time("so far this month", {"relative": "this_month"}),
            Time("in total", None),
            Time("last month", {"relative": "last_month"}),
            Time(f"since {since:%B} {since.day}", {"start": since.isoformat(), "end": today.isoformat()}),
            Time("ever", None),
            Time("in the last 3 days", {"relative": "last_3_days"}),
        ),
    }


@dataclass(frozen=True)
class Gen:
    """One generated question."""

    family: str
    split: str  # dev | heldout
    tenant: str
    question: str
    expected: dict | None  # None: must be refused
    must_name: str | None = None  # a refusal must name this (the unknown part)


@dataclass
class Ctx:
    tenant: str
    vocab: Vocabulary
    today: date
    times: dict[str, tuple[Time, ...]]

    def values(self, model: str, dim: str) -> list[str]:
        return list(self.vocab.values.get((model, dim), ()))

    def platforms(self) -> list[str]:
        return self.values("ad_performance", "source_platform")

    def has(self, model: str, measure: str) -> bool:
        return model in self.vocab.layer.models and measure in self.vocab.layer.models[model].measures


def _q(model: str, measures: list[str], dims: list[str] | None = None, t: Time | None = None, **extra) -> dict:
    body: dict = {"model": model, "measures": measures}
    if dims:
        body["dimensions"] = dims
    if t is not None and t.range is not None:
        body["date_range"] = t.range
    body.update(extra)
    return body


def _ranked(model: str, measure: str, dim: str, t: Time | None, direction: str, limit: int | None) -> dict:
    from gata.nl.grammar import CONTEXT  # the interpreter's table of what a ranking shows beside its measure

    extra: dict = {"order_by": [{"field": measure, "direction": direction}]}
    if limit is not None:
        extra["limit"] = limit
    return _q(model, [measure, *CONTEXT.get(measure, ())], [dim], t, **extra)


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


Family = Callable[[Ctx, str], Iterator[tuple[str, dict | None, str | None]]]
FAMILIES: dict[str, tuple[str, Family]] = {}


def family(name: str, split: str):
    def deco(fn: Family) -> Family:
        FAMILIES[name] = (split, fn)
        return fn

    return deco


def _measures(ctx: Ctx, forms: slice = slice(None)) -> list[tuple[str, str, str]]:
    return [(m, f, form) for (m, f), words in MEASURES.items() if ctx.has(m, f) for form in words[forms]]


# ---- development families ---------------------------------------------------------------------------------


@family("measure_time", "dev")
def _measure_time(ctx: Ctx, split: str):
    for k, (m, f, form) in enumerate(_measures(ctx)):
        t = ctx.times[split][k % len(ctx.times[split])]
        yield _join(form, t.text), _q(m, [f], t=t), None


@family("measure_by_dim", "dev")
def _measure_by_dim(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        for j, dform in enumerate(DIMENSIONS[(m, d)]):
            t = ctx.times[split][(k + j) % len(ctx.times[split])]
            yield _join(MEASURES[(m, f)][0], "by", dform, t.text), _q(m, [f], [d], t), None


@family("top_n_by", "dev")
def _top_n_by(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        n = (3, 5, 10)[k % 3]
        t = ctx.times[split][k % len(ctx.times[split])]
        dform = DIMENSIONS[(m, d)][0]
        yield _join(f"top {n} {_plural(dform)} by", MEASURES[(m, f)][0], t.text), _ranked(m, f, d, t, "desc", n), None


@family("daily_measure", "dev")
def _daily(ctx: Ctx, split: str):
    for k, (m, f, form) in enumerate(_measures(ctx, slice(0, 1))):
        grain, word = (("day", "daily"), ("week", "weekly"), ("month", "monthly"))[k % 3]
        t = Time("last 30 days", {"relative": "last_30_days"}) if k % 2 else Time("", None)
        yield _join(word, form, t.text), _q(m, [f], t=t, time_grain=grain), None


@family("measure_on_platform", "dev")
def _on_platform(ctx: Ctx, split: str):
    for k, p in enumerate(ctx.platforms()):
        for j, f in enumerate(("spend", "clicks")):
            t = ctx.times[split][(k + j) % len(ctx.times[split])]
            word = PLATFORM_WORDS[p][0]
            filt = [{"field": "source_platform", "op": "eq", "value": p}]
            yield _join(f, "on", word, t.text), _q("ad_performance", [f], t=t, filters=filt), None


@family("how_much_spend", "dev")
def _how_much(ctx: Ctx, split: str):
    for t in ctx.times[split]:
        yield _join("how much did we spend", t.text) + "?", _q("ad_performance", ["spend"], t=t), None


@family("which_dim_highest", "dev")
def _which_highest(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS[:6]):
        t = ctx.times[split][k % len(ctx.times[split])]
        q = _join("which", DIMENSIONS[(m, d)][0], "had the highest", MEASURES[(m, f)][0], t.text) + "?"
        yield q, _ranked(m, f, d, t, "desc", 1), None


@family("exclude_platform", "dev")
def _exclude(ctx: Ctx, split: str):
    for p in ctx.platforms():
        filt = [{"field": "source_platform", "op": "ne", "value": p}]
        yield (
            f"spend excluding {PLATFORM_WORDS[p][0]} last 30 days",
            _q("ad_performance", ["spend"], t=Time("", {"relative": "last_30_days"}), filters=filt),
            None,
        )


@family("unknown_platform", "dev")
def _unknown_platform(ctx: Ctx, split: str):
    missing = [p for p in PLATFORM_WORDS if p not in ctx.platforms()]
    for p in missing[:3]:
        word = PLATFORM_WORDS[p][0]
        yield f"spend on {word} last month", None, word


@family("write_requests", "dev")
def _writes(ctx: Ctx, split: str):
    yield "delete all orders", None, None
    yield "drop table sessions", None, None


@family("request_verbs", "dev")
def _request(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        t = ctx.times[split][(k + 1) % len(ctx.times[split])]
        ask = ("could you fetch", "would you grab me", "please calculate")[k % 3]
        yield _join(ask, MEASURES[(m, f)][0], "by", DIMENSIONS[(m, d)][0], t.text), _q(m, [f], [d], t), None


@family("preceding_period", "dev")
def _preceding(ctx: Ctx, split: str):
    timed = [t for t in ctx.times[split] if t.range is not None and t.range.get("relative") != "this_month"]
    for k, (m, f, form) in enumerate(_measures(ctx, slice(0, 1))[:8]):
        t = timed[k % len(timed)]
        then = ("versus the preceding period", "against the one before")[k % 2]
        yield _join(form, t.text, then), _q(m, [f], t=t, compare="previous_period"), None


@family("measure_per_measure", "dev")
def _per_measure(ctx: Ctx, split: str):
    pairs = (
        ("ad_performance", "spend per click", "cpc", "source_platform"),
        ("ad_performance", "clicks per impression", "ctr", "campaign_name"),
        ("ad_performance", "spend per conversion", "platform_cpa", "source_platform"),
        ("orders", "revenue per order", "aov", "source_platform"),
    )
    for k, (m, words, ratio, d) in enumerate(pairs):
        t = ctx.times[split][k % len(ctx.times[split])]
        yield _join(words, "by", DIMENSIONS[(m, d)][0], t.text), _q(m, [ratio], [d], t), None
    yield "spend per impression last week", None, "spend per impression"  # CPM is per thousand: no such measure


@family("values_vs", "dev")
def _values_vs(ctx: Ctx, split: str):
    platforms = ctx.platforms()
    for k, (f, form) in enumerate((("spend", "spend"), ("clicks", "clicks"), ("cpc", "CPC"))):
        a, b = platforms[k % len(platforms)], platforms[(k + 1) % len(platforms)]
        t = ctx.times[split][k % len(ctx.times[split])]
        filt = [{"field": "source_platform", "op": "in", "value": sorted({a, b})}]
        q = _join(form, PLATFORM_WORDS[a][0], "vs", PLATFORM_WORDS[b][0], t.text)
        yield q, _q("ad_performance", [f], ["source_platform"], t, filters=filt), None


@family("prior_n_days", "dev")
def _prior_n(ctx: Ctx, split: str):
    for k, (m, f, form) in enumerate(_measures(ctx, slice(0, 1))[:6]):
        n = (7, 30)[k % 2]
        t = Time(f"last {n} days", {"relative": f"last_{n}_days"})
        yield _join(form, t.text, f"vs the prior {n} days"), _q(m, [f], t=t, compare="previous_period"), None


@family("last_vs_the_one_before", "dev")
def _last_vs_before(ctx: Ctx, split: str):
    last_end = ctx.today.replace(day=1) - timedelta(days=1)
    first = (last_end.replace(day=1) - timedelta(days=1)).replace(day=1)
    span = Time("", {"start": first.isoformat(), "end": last_end.isoformat()})
    for m, f, form in _measures(ctx, slice(0, 1))[:6]:
        yield f"{form} last month vs the month before", _q(m, [f], t=span, time_grain="month"), None


@family("missing_kinds", "dev")
def _missing_kinds(ctx: Ctx, split: str):
    yield "new vs returning customers", None, "returning"
    yield "repeat customers last month", None, "repeat"
    yield "customer retention by month", None, "retention"


# ---- held-out families (templates, wordings and time phrases not used above) ---------------------------------


@family("what_was_our", "heldout")
def _what_was_our(ctx: Ctx, split: str):
    for k, (m, f, form) in enumerate(_measures(ctx, slice(1, None))):
        t = ctx.times[split][k % len(ctx.times[split])]
        yield _join("what was our", form, t.text) + "?", _q(m, [f], t=t), None


@family("lower_per_no_punct", "heldout")
def _per(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        words = DIMENSIONS[(m, d)]
        dform = words[-1]
        mform = MEASURES[(m, f)][-1].lower()
        t = ctx.times[split][(k + 2) % len(ctx.times[split])]
        yield _join(mform, "per", dform, t.text), _q(m, [f], [d], t), None


@family("which_n_drive", "heldout")
def _which_n(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        n = (3, 5)[k % 2]
        t = ctx.times[split][k % len(ctx.times[split])]
        dform = DIMENSIONS[(m, d)][-1]
        verb = ("drove", "drives", "brought")[k % 3]
        q = _join(f"which {n} {_plural(dform)} {verb} the most", MEASURES[(m, f)][-1], t.text)
        yield q, _ranked(m, f, d, t, "desc", n), None


@family("how_much_did_we_make", "heldout")
def _make(ctx: Ctx, split: str):
    for t in ctx.times[split]:
        yield _join("How much did we make", t.text) + "?", _q("orders", ["revenue"], t=t), None


@family("misspelled_measures", "heldout")
def _misspelled(ctx: Ctx, split: str):
    for k, ((m, f), typos) in enumerate(MISSPELLED.items()):
        for j, typo in enumerate(typos):
            t = ctx.times[split][(k + j) % len(ctx.times[split])]
            yield _join(typo, t.text), _q(m, [f], t=t), None


@family("misspelled_platforms", "heldout")
def _misspelled_platforms(ctx: Ctx, split: str):
    for k, p in enumerate(ctx.platforms()):
        for j, typo in enumerate(PLATFORM_TYPOS.get(p, ())):
            t = ctx.times[split][(k + j) % len(ctx.times[split])]
            filt = [{"field": "source_platform", "op": "eq", "value": p}]
            yield (
                _join("impressions from", typo, t.text),
                _q("ad_performance", ["impressions"], t=t, filters=filt),
                None,
            )


@family("not_on_platform", "heldout")
def _not_on(ctx: Ctx, split: str):
    for p in ctx.platforms():
        filt = [{"field": "source_platform", "op": "ne", "value": p}]
        yield f"clicks not from {PLATFORM_WORDS[p][-1]} in total", _q("ad_performance", ["clicks"], filters=filt), None


@family("calendar_vs", "heldout")
def _calendar_vs(ctx: Ctx, split: str):
    this_month = ctx.today.replace(day=1)
    prev_month = (this_month - timedelta(days=1)).replace(day=1)
    this_week = ctx.today - timedelta(days=ctx.today.weekday())
    spans = {
        "month": {"start": prev_month.isoformat(), "end": ctx.today.isoformat()},
        "week": {"start": (this_week - timedelta(days=7)).isoformat(), "end": ctx.today.isoformat()},
    }
    for k, (m, f, form) in enumerate(_measures(ctx, slice(0, 1))[:8]):
        unit = ("month", "week")[k % 2]
        phrase = (f"{form} this {unit} vs last {unit}", f"compare {form} this {unit} to last {unit}")[k % 2]
        yield phrase, _q(m, [f], t=Time("", spans[unit]), time_grain=unit), None


@family("channel_drives", "heldout")
def _channel(ctx: Ctx, split: str):
    yield (
        "Which channel drives the most revenue?",
        _ranked("blended", "revenue", "source_platform", None, "desc", 1),
        None,
    )
    yield (
        "which platform brings the most new customers",
        _ranked("blended", "new_customers", "source_platform", None, "desc", 1),
        None,
    )


@family("unknown_things", "heldout")
def _unknown_things(ctx: Ctx, split: str):
    missing = [p for p in PLATFORM_WORDS if p not in ctx.platforms()]
    for p in missing[-2:]:
        word = PLATFORM_WORDS[p][-1]
        yield f"cost per click on {word} this week", None, word
    yield "top 5 products by revenue", None, "product"
    yield "revenue by product category last month", None, "product"
    yield "what's the weather in paris", None, "weather"


# ---- held-out families written after development stopped: run once, never tuned on ----------------------------


@family("show_me_broken_down", "heldout")
def _broken_down(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        t = ctx.times[split][(k + 3) % len(ctx.times[split])]
        q = _join("show me", MEASURES[(m, f)][0], "broken down by", DIMENSIONS[(m, d)][0], t.text)
        yield q, _q(m, [f], [d], t), None


@family("total_from_platform", "heldout")
def _total_from(ctx: Ctx, split: str):
    for k, p in enumerate(ctx.platforms()):
        t = ctx.times[split][(k + 1) % len(ctx.times[split])]
        filt = [{"field": "source_platform", "op": "eq", "value": p}]
        q = _join("what's the total ad spend from", PLATFORM_WORDS[p][-1], t.text)
        yield q, _q("ad_performance", ["spend"], t=t, filters=filt), None


@family("how_many_did_we_get", "heldout")
def _how_many(ctx: Ctx, split: str):
    for k, (m, f, noun) in enumerate(
        (
            ("orders", "orders", "orders"),
            ("ad_performance", "clicks", "clicks"),
            ("sessions", "sessions", "sessions"),
            ("blended", "new_customers", "new customers"),
        )
    ):
        t = ctx.times[split][k % len(ctx.times[split])]
        yield _join("how many", noun, "did we get", t.text) + "?", _q(m, [f], t=t), None


@family("ytd_by_dim", "heldout")
def _ytd(ctx: Ctx, split: str):
    ytd = Time("ytd", {"relative": "this_year"})
    for m, f, d in PAIRS[:5]:
        yield _join(MEASURES[(m, f)][0], "YTD by", DIMENSIONS[(m, d)][0]), _q(m, [f], [d], ytd), None


@family("lowest_dims", "heldout")
def _lowest(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        t = ctx.times[split][(k + 4) % len(ctx.times[split])]
        q = _join("the 2", _plural(DIMENSIONS[(m, d)][0]), "with the lowest", MEASURES[(m, f)][0], t.text)
        yield q, _ranked(m, f, d, t, "asc", 2), None


# ---- held-out families of the last batch: written after the reader was frozen, scored once, never tuned on ------


@family("can_you_pull", "heldout")
def _pull(ctx: Ctx, split: str):
    for k, p in enumerate(ctx.platforms()):
        for j, (f, form) in enumerate((("clicks", "clicks"), ("cpc", "CPC"))):
            t = ctx.times[split][(k + j + 2) % len(ctx.times[split])]
            filt = [{"field": "source_platform", "op": "eq", "value": p}]
            q = _join("can you pull", form, "for", PLATFORM_WORDS[p][0], t.text)
            yield q, _q("ad_performance", [f], t=t, filters=filt), None


@family("dim_breakdown_of", "heldout")
def _breakdown_of(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        t = ctx.times[split][(k + 5) % len(ctx.times[split])]
        yield _join(DIMENSIONS[(m, d)][0], "breakdown of", MEASURES[(m, f)][0], t.text), _q(m, [f], [d], t), None


@family("period_before", "heldout")
def _period_before(ctx: Ctx, split: str):
    periods = (Time("last 7 days", {"relative": "last_7_days"}), Time("this month", {"relative": "this_month"}))
    for k, (m, f, form) in enumerate(_measures(ctx, slice(0, 1))[:8]):
        t = periods[k % 2]
        yield _join(form, t.text, "compared with the period before"), _q(m, [f], t=t, compare="previous_period"), None


@family("bottom_n", "heldout")
def _bottom(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        t = ctx.times[split][(k + 6) % len(ctx.times[split])]
        q = _join("bottom 3", _plural(DIMENSIONS[(m, d)][0]), "by", MEASURES[(m, f)][0], t.text)
        yield q, _ranked(m, f, d, t, "asc", 3), None


@family("total_per_day", "heldout")
def _per_day(ctx: Ctx, split: str):
    t = Time("last 14 days", {"relative": "last_14_days"})
    for m, f, form in _measures(ctx, slice(0, 1))[:10]:
        yield _join("total", form, "per day", t.text), _q(m, [f], t=t, time_grain="day"), None


@family("without_platform", "heldout")
def _without(ctx: Ctx, split: str):
    for p in ctx.platforms():
        filt = [{"field": "source_platform", "op": "ne", "value": p}]
        t = Time("yesterday", {"relative": "yesterday"})
        yield (
            f"impressions without {PLATFORM_WORDS[p][0]} yesterday",
            _q("ad_performance", ["impressions"], t=t, filters=filt),
            None,
        )


# ---- held-out families of a fourth batch: written after the third batch's fixes, scored once, never tuned on ----


@family("give_me_for", "heldout")
def _give_me_for(ctx: Ctx, split: str):
    for k, p in enumerate(ctx.platforms()):
        for j, (f, form) in enumerate((("impressions", "impressions"), ("ctr", "click through rate"))):
            t = ctx.times[split][(k + j + 1) % len(ctx.times[split])]
            filt = [{"field": "source_platform", "op": "eq", "value": p}]
            q = _join("give me the", form, "for", PLATFORM_WORDS[p][-1], t.text)
            yield q, _q("ad_performance", [f], t=t, filters=filt), None


@family("want_to_see_split", "heldout")
def _want_split(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        t = ctx.times[split][(k + 1) % len(ctx.times[split])]
        q = _join("I want to see", MEASURES[(m, f)][-1], "split by", DIMENSIONS[(m, d)][-1], t.text)
        yield q, _q(m, [f], [d], t), None


@family("in_named_month", "heldout")
def _named_month(ctx: Ctx, split: str):
    last = ctx.today.replace(day=1) - timedelta(days=1)
    t = Time(f"in {last:%B}", {"start": last.replace(day=1).isoformat(), "end": last.isoformat()})
    for m, f, form in _measures(ctx, slice(-1, None))[:10]:
        yield _join(form, t.text), _q(m, [f], t=t), None


@family("what_dim_had_most", "heldout")
def _what_most(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        t = ctx.times[split][(k + 2) % len(ctx.times[split])]
        q = _join("what", DIMENSIONS[(m, d)][-1], "had the most", MEASURES[(m, f)][0], t.text) + "?"
        yield q, _ranked(m, f, d, t, "desc", 1), None


@family("for_each_dim", "heldout")
def _for_each(ctx: Ctx, split: str):
    for k, (m, f, d) in enumerate(PAIRS):
        t = ctx.times[split][(k + 3) % len(ctx.times[split])]
        yield _join(MEASURES[(m, f)][-1], "for each", DIMENSIONS[(m, d)][0], t.text), _q(m, [f], [d], t), None


@family("vs_prior_period", "heldout")
def _vs_prior(ctx: Ctx, split: str):
    timed = [t for t in ctx.times[split] if t.range is not None]
    for k, (m, f, form) in enumerate(_measures(ctx, slice(0, 1))[:10]):
        t = timed[k % len(timed)]
        yield _join(form, t.text, "vs prior period"), _q(m, [f], t=t, compare="previous_period"), None


def generate(vocabs: dict[str, Vocabulary], today: date, splits: tuple[str, ...] = ("dev", "heldout")) -> list[Gen]:
    """The corpus for the given tenants' vocabularies, family by family."""
    times = _times(today)
    out: list[Gen] = []
    seen: set[tuple[str, str]] = set()
    for tenant, vocab in sorted(vocabs.items()):
        ctx = Ctx(tenant, vocab, today, times)
        for name, (split, fn) in FAMILIES.items():
            if split not in splits:
                continue
            for question, expected, must_name in fn(ctx, split):
                if (tenant, question) in seen:
                    continue
                seen.add((tenant, question))
                out.append(Gen(name, split, tenant, question, expected, must_name))
    return out


__all__ = ["FAMILIES", "Gen", "generate"]
