"""Time in a question: the period ("last 30 days", "in March", "Q3", "since June 1"), the grain ("daily",
"by week") and period comparison ("vs previous period", "week over week").

Deterministic given `today`: the same words and day always give the same range. Periods that have a
relative name in the semantic layer (`last_30_days`, `this_month`, ...) are returned in that form, so the
structured query reads as the user said it; other periods are absolute days, ending no later than today.
Bare month names need a cue ("in May", "May 2025", "May 3") so that "may" the verb is not a month.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from gata.nl.text import NUMBER_WORDS
from gata.semantic.query import DateRange

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
ORDINAL_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
UNITS = ("day", "week", "month", "quarter", "year")

_MONTH = (
    r"(?P<{n}>jan(?:uary)?|feb(?:ruary)?|march|mar|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NUM = r"(?P<{n}>\d{{1,4}}|" + "|".join(NUMBER_WORDS) + ")"
_DAYNUM = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_MONTH_M = _MONTH.format(n="m")
# the period just before the one asked about, however it is said ("the previous period", "the period
# before", "the preceding one"); and a whole calendar unit before this one ("last month", "the month before")
PREVIOUS_PERIOD = (
    r"(?:the )?(?:(?:previous|prior|preceding|last|earlier) (?:period|one)"
    r"|(?:period|one) (?:just |right |immediately )?(?:before|prior|earlier))"
)
SAME_LAST_YEAR = r"(?:period|time|days?|week|month|quarter) (?:last year|a year (?:ago|earlier|before))"
PREVIOUS_UNIT = (
    r"(?:the )?(?:(?:last|previous|prior|preceding) (?P<u>week|month|quarter|year)"
    r"|(?P<u2>week|month|quarter|year) (?:just |right |immediately )?before)"
)
_NUM_N = _NUM.format(n="n")


@functools.cache
def _date_pattern(p: str) -> str:
    """A calendar day: 2026-06-01, June 1(st)( 2026), 1(st) June( 2026)."""
    return (
        rf"(?:(?P<{p}iso>\d{{4}}-\d{{2}}-\d{{2}})"
        rf"|{_MONTH.format(n=p + 'm1')} {_DAYNUM.format(n=p + 'd1')}(?: ?,? (?P<{p}y1>\d{{4}}))?"
        rf"|{_DAYNUM.format(n=p + 'd2')} (?:of )?{_MONTH.format(n=p + 'm2')}(?: ?,? (?P<{p}y2>\d{{4}}))?)"
    )


class TimeError(ValueError):
    """A time expression that names an impossible day (June 31) or two periods at once."""


@dataclass
class TimeReading:
    date_range: DateRange | None = None
    grain: str | None = None  # day..year, or "auto" ("over time", "trend"): chosen from the period's length
    compare: bool = False
    calendar: str | None = None  # week | month | quarter | year: two whole calendar periods side by side
    calendar_note: str = ""  # which two, as the answer says it
    all_time: bool = False  # the question says "all time" / "ever"
    spans: list[tuple[int, int]] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _unit_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def _latest_year(month: int, day: int, today: date) -> int:
    """The year of the most recent such day that is not in the future."""
    return today.year if (month, day) <= (today.month, today.day) else today.year - 1


class _Parser:
    def __init__(self, text: str, today: date):
        self.text = text
        self.work = text  # matched spans are blanked so that each word is read once
        self.today = today
        self.out = TimeReading()
        self.default_range: DateRange | None = None  # from "week over week" when no period is named
        self.calendar: str | None = None  # "vs last month": this month to date and the whole last month
        self.all_time = False
        self.compare_days: int | None = None  # "vs the prior 30 days": the length the period must have

    def consume(self, m: re.Match) -> None:
        self.out.spans.append(m.span())
        self.out.phrases.append(m.group().strip())
        self.work = self.work[: m.start()] + " " * (m.end() - m.start()) + self.work[m.end() :]

    def set_range(self, rng: DateRange, m: re.Match) -> None:
        if self.out.date_range is not None and self.out.date_range != rng:
            raise TimeError(f"the question names two periods ('{self.out.phrases[-1]}' and '{m.group().strip()}')")
        self.out.date_range = rng
        self.consume(m)

    def day(self, m: re.Match, p: str) -> date:
        g = m.groupdict()
        try:
            if g.get(p + "iso"):
                return date.fromisoformat(g[p + "iso"])
            month = MONTHS[g.get(p + "m1") or g[p + "m2"]]
            d = int(g.get(p + "d1") or g[p + "d2"])
            year = g.get(p + "y1") or g.get(p + "y2")
            return date(int(year) if year else _latest_year(month, d, self.today), month, d)
        except ValueError:
            raise TimeError(f"'{m.group().strip()}' is not a calendar day") from None

    def absolute(self, start: date, end: date, m: re.Match) -> None:
        end = min(end, self.today)
        if end < start:
            raise TimeError(f"'{m.group().strip()}' is in the future")
        self.set_range(DateRange(start=start, end=end), m)

    def each(self, pattern: str):
        return list(re.finditer(pattern, self.work))

    def parse(self) -> TimeReading:
        self._comparisons()
        self._explicit_days()
        self._months_quarters_years()
        self._relative()
        self._grains()
        if self.compare_days is not None:
            days = DateRange(relative=f"last_{self.compare_days}_days")
            if self.out.date_range not in (None, days):
                n = self.compare_days
                raise TimeError(f"the {n} days before are compared with the last {n} days, not another period")
            self.out.date_range = days
        if self.calendar is not None:
            self._calendar(self.calendar)
        if self.all_time and self.out.date_range is not None:
            raise TimeError("the question names 'all time' and a period")
        self.out.all_time = self.all_time
        return self.out

    def _calendar(self, unit: str) -> None:
        """Two calendar periods, one row each: this unit to date beside the whole one before ("this month vs
        last month"), or, when last one is named, it beside the whole one before it ("last week vs the week
        before"), rather than the same number of days just before."""
        last = DateRange(relative=f"last_{unit}")
        if self.out.date_range not in (None, DateRange(relative=f"this_{unit}"), last):
            raise TimeError(
                f"compare with the {unit} before from this {unit} or last {unit} (the period named is another one)"
            )
        start = _unit_start(self.today, unit)
        if self.out.date_range == last:
            end = start - timedelta(days=1)
            first = _unit_start(_unit_start(end, unit) - timedelta(days=1), unit)
            self.out.calendar_note = f"last {unit} beside the whole {unit} before it, one row per {unit}"
        else:
            end, first = self.today, _unit_start(start - timedelta(days=1), unit)
            self.out.calendar_note = f"this {unit} to date beside the whole of last {unit}, one row per {unit}"
        self.out.date_range = DateRange(start=first, end=end)
        if self.out.grain not in (None, unit):
            raise TimeError(f"comparing this {unit} with last {unit} shows one row per {unit}")
        self.out.grain = unit
        self.out.calendar = unit

    def _comparisons(self) -> None:
        for m in self.each(rf"\b(?:the )?same {SAME_LAST_YEAR}\b"):
            raise TimeError(
                f"'{m.group().strip()}': a comparison with the year before is not read yet; compare with the "
                "period just before ('vs previous period') or ask for the years side by side ('by year')"
            )
        against = r"\b(?:vs\.?|versus|compared (?:to|with)|against" + (r"|to|with)" if "compar" in self.text else ")")
        for m in self.each(rf"(?:{against}|\bover|\brelative to) {PREVIOUS_PERIOD}\b"):
            self.out.compare = True
            self.consume(m)
        # "last 30 days vs the prior 30 days": the period before, of the length named (which must be the period's)
        for m in self.each(
            rf"{against} (?:the )?(?:previous|prior|preceding|last) {_NUM_N} (?P<u>{'|'.join(UNITS)})s?\b"
        ):
            n, unit = _number(m.group("n")), m.group("u")
            if unit not in ("day", "week") or n < 1:
                raise TimeError(
                    f"'{m.group().strip()}': a period is compared with the one just before it, of the same length "
                    "(ask 'vs previous period')"
                )
            self.out.compare = True
            self.compare_days = n * (7 if unit == "week" else 1)
            self.consume(m)
        for m in self.each(r"\bperiod over period\b|\bpop\b"):
            self.out.compare = True
            self.consume(m)
        shorthand = {"wow": "week", "mom": "month", "qoq": "quarter", "yoy": "year"}
        for m in self.each(r"\b(?:(day|week|month|quarter|year) over \1|(wow|mom|qoq|yoy))\b"):
            unit = m.group(1) or shorthand[m.group(2)]
            self.out.compare = True
            days = {"week": 7, "month": 30, "quarter": 90, "year": 365}.get(unit)
            self.consume(m)
            self.default_range = DateRange(relative=f"last_{days}_days" if days else "yesterday")
        # "this month vs last month": whole calendar periods side by side (the current one to date and the
        # whole previous one), one row per period, rather than the days just before
        for m in self.each(rf"{against} {PREVIOUS_UNIT}\b"):
            self.consume(m)
            self.calendar = m.group("u") or m.group("u2")
        for m in self.each(r"\ball[- ]time\b|\balltime\b|\bever\b|\blifetime\b|\bsince (?:the )?(?:start|beginning)\b"):
            self.all_time = True
            self.consume(m)

    def _explicit_days(self) -> None:
        a, b = _date_pattern("a"), _date_pattern("b")
        for m in self.each(rf"\b(?:between|from) {a} (?:and|to|until|till|through|-) {b}\b"):
            start, end = self.day(m, "a"), self.day(m, "b")
            if end < start:
                raise TimeError(f"'{m.group().strip()}' ends before it starts")
            self.absolute(start, end, m)
        for m in self.each(rf"\b(?:since|from|after|starting) {a}\b"):
            self.absolute(self.day(m, "a"), self.today, m)
        for m in self.each(rf"\b(?:since|from|starting) (?:the )?(?:start|beginning) of {_MONTH_M}\b"):
            self._since_month(m)
        for m in self.each(rf"\b(?:since|from|starting) {_MONTH_M}(?! \d)\b"):
            self._since_month(m)
        for m in self.each(rf"\b(?:on )?{a}\b"):
            d = self.day(m, "a")
            self.absolute(d, d, m)

    def _since_month(self, m: re.Match) -> None:
        month = MONTHS[m.group("m")]
        self.absolute(date(_latest_year(month, 1, self.today), month, 1), self.today, m)

    def _months_quarters_years(self) -> None:
        month = _MONTH_M
        for m in self.each(rf"\b(?:(?:in|during|for|of|over) )?{month} (?P<y>\d{{4}})\b"):
            mo, y = MONTHS[m.group("m")], int(m.group("y"))
            self.absolute(date(y, mo, 1), _month_end(y, mo), m)
        for m in self.each(rf"\b(?:in|during|for|of|over|throughout) (?:the month of )?{month}\b"):
            mo = MONTHS[m.group("m")]
            y = _latest_year(mo, 1, self.today)
            self.absolute(date(y, mo, 1), _month_end(y, mo), m)
        quarter = r"(?:q(?P<q>[1-4])|(?:the )?(?P<oq>first|second|third|fourth|1st|2nd|3rd|4th) quarter)"
        for m in self.each(rf"\b(?:(?:in|during|for|of|over) )?{quarter}(?: (?:of )?(?P<y>\d{{4}}))?\b"):
            q = int(m.group("q")) if m.group("q") else ORDINAL_QUARTERS[m.group("oq")]
            first = 3 * (q - 1) + 1
            y = int(m.group("y")) if m.group("y") else _latest_year(first, 1, self.today)
            self.absolute(date(y, first, 1), _month_end(y, first + 2), m)
        for m in self.each(r"\b(?:in|during|for|of|over|throughout) (?:the year )?(?P<y>(?:19|20)\d{2})\b"):
            y = int(m.group("y"))
            self.absolute(date(y, 1, 1), date(y, 12, 31), m)

    def _relative(self) -> None:
        units = "|".join(UNITS)
        for m in self.each(r"\btoday\b|\byesterday\b"):
            self.set_range(DateRange(relative=m.group()), m)
        num = _NUM_N
        for m in self.each(
            rf"\b(?:(?:in|over|for|during) )?(?:the )?(?:last|past|previous|trailing|prior) {num} (?P<u>{units})s?\b"
        ):
            n, unit = _number(m.group("n")), m.group("u")
            if n < 1:
                raise TimeError(f"'{m.group().strip()}' is an empty period")
            if unit in ("day", "week"):
                days = n * (7 if unit == "week" else 1)
                if days > 3660:
                    raise TimeError(f"'{m.group().strip()}' is longer than ten years")
                self.set_range(DateRange(relative=f"last_{days}_days"), m)
                continue
            months = n * {"month": 1, "quarter": 3, "year": 12}[unit]
            this_month = self.today.replace(day=1)
            y, mo = divmod(this_month.year * 12 + this_month.month - 1 - months, 12)
            self.absolute(date(y, mo + 1, 1), this_month - timedelta(days=1), m)
        for m in self.each(rf"\b(?:(?:in|over|for|during) )?(?:the )?(?:last|previous|prior|past) (?P<u>{units})\b"):
            unit = m.group("u")
            self.set_range(DateRange(relative="yesterday" if unit == "day" else f"last_{unit}"), m)
        for m in self.each(
            rf"\b(?:(?:in|for|during|so far) )?(?:this|the current|current) (?P<u>{units})(?: so far| to date)?\b"
        ):
            unit = m.group("u")
            self.set_range(DateRange(relative="today" if unit == "day" else f"this_{unit}"), m)
        for m in self.each(rf"\b(?P<u>{units}) to date\b|\b(?P<s>wtd|mtd|qtd|ytd)\b"):
            unit = m.group("u") or {"w": "week", "m": "month", "q": "quarter", "y": "year"}[m.group("s")[0]]
            self.set_range(DateRange(relative=f"this_{unit}"), m)
        if self.default_range is not None and self.out.date_range is None:
            self.out.date_range = self.default_range

    def _grains(self) -> None:
        adverbs = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}
        adverbs.update(annually="year", annual="year")
        for m in self.each(r"\b(daily|weekly|monthly|quarterly|yearly|annually|annual)\b"):
            self._grain(adverbs[m.group(1)], m)
        for m in self.each(r"\b(?:by|per|each|every|a|for each|for every) (day|week|month|quarter|year|date)\b"):
            self._grain("day" if m.group(1) == "date" else m.group(1), m)
        for m in self.each(r"\bday by day\b|\bday to day\b"):
            self._grain("day", m)
        for m in self.each(r"\b(?:over time|time series|trends?|trending|evolution|timeline)\b"):
            self._grain("auto", m)

    def _grain(self, grain: str, m: re.Match) -> None:
        if self.out.grain not in (None, "auto", grain) and grain != "auto":
            raise TimeError(f"the question asks for two time grains ('{self.out.grain}' and '{grain}')")
        if self.out.grain is None or self.out.grain == "auto":
            self.out.grain = grain
        self.consume(m)


def parse_time(text: str, today: date) -> TimeReading:
    """Read the time expressions of a normalised question. Raises TimeError for impossible ones."""
    return _Parser(text, today).parse()


def auto_grain(start: date | None, end: date | None) -> str:
    """The grain of "over time" for a period: days up to two months, weeks up to half a year, then months."""
    if start is None or end is None:
        return "day"
    days = (end - start).days + 1
    return "day" if days <= 62 else "week" if days <= 190 else "month"
