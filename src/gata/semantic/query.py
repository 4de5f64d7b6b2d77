"""The structured query: what a dashboard, notebook or LLM sends instead of SQL, and what comes back."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FIELD = r"^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62})?$"
MAX_LIMIT = 10_000
MAX_FILTER_DEPTH = 8  # nested and/or groups: deeper is never a real question, and would exhaust the stack
# what one query may ask for: far above any dashboard's or question's needs, and low enough that compiling the
# costliest allowed query (pure Python in ibis, growing with every condition and value) stays around a second
MAX_CONDITIONS = 30  # conditions in all filters, groups included
MAX_VALUES = 500  # filter values in all conditions
MAX_VALUE_CHARS = 500  # characters of one text value
INT64 = (-(2**63), 2**63 - 1)
Scalar = str | int | float | bool | date
FilterOp = Literal[
    "eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "starts_with", "is_null", "is_not_null"
]
TimeGrain = Literal["day", "week", "month", "quarter", "year"]
RELATIVE_RANGES = (
    "today, yesterday, last_N_days (N from 1 to 3660), this_week, last_week, this_month, last_month, "
    "this_quarter, last_quarter, this_year, last_year"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Condition(_Strict):
    """One condition. On a dimension it filters rows; on a measure it filters groups (after aggregation)."""

    field: str = Field(pattern=FIELD, description="A dimension or measure, own or joined (`campaigns.campaign_name`).")
    op: FilterOp = Field("eq", description="Comparison; `in`/`not_in` take a list, `is_null`/`is_not_null` none.")
    value: Scalar | list[Scalar] | None = Field(None, description="Compared value; bound as a typed literal.")

    @model_validator(mode="after")
    def _values_are_plain(self) -> Condition:
        for v in self.value if isinstance(self.value, list) else [self.value]:
            _check_scalar(v, self.field)
        return self

    @model_validator(mode="after")
    def _value_fits_op(self) -> Condition:
        if self.op in ("is_null", "is_not_null"):
            if self.value is not None:
                raise ValueError(f"op '{self.op}' takes no value")
        elif self.op in ("in", "not_in"):
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(f"op '{self.op}' needs a non-empty list value")
            if len(self.value) > 1000:
                raise ValueError(f"op '{self.op}' takes at most 1000 values")
        elif self.value is None or isinstance(self.value, list):
            raise ValueError(f"op '{self.op}' needs a single value")
        return self


def _check_scalar(v: Any, field: str) -> None:
    """Values a column can hold: finite numbers within 64 bits, text without NUL of a bounded length."""
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"filter on '{field}': {v} is not a number a field can hold (NaN and infinity are refused)")
    if isinstance(v, int) and not isinstance(v, bool) and not INT64[0] <= v <= INT64[1]:
        raise ValueError(f"filter on '{field}': {v} is outside the 64-bit integer range")
    if isinstance(v, str):
        if "\x00" in v:
            raise ValueError(f"filter on '{field}': a value contains a NUL character")
        if len(v) > MAX_VALUE_CHARS:
            raise ValueError(f"filter on '{field}': a value is longer than {MAX_VALUE_CHARS} characters")


def _count(item: Condition | Group) -> tuple[int, int]:
    """(conditions, values) in a filter item."""
    if isinstance(item, Condition):
        return 1, len(item.value) if isinstance(item.value, list) else int(item.value is not None)
    parts = [_count(m) for m in item.members]
    return sum(c for c, _ in parts), sum(v for _, v in parts)


class Group(_Strict):
    """All (`and`) or any (`or`) of its members."""

    and_: list[Condition | Group] | None = Field(None, alias="and", max_length=100)
    or_: list[Condition | Group] | None = Field(None, alias="or", max_length=100)
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _exactly_one(self) -> Group:
        if (self.and_ is None) == (self.or_ is None) or not (self.and_ or self.or_):
            raise ValueError("a filter group has exactly one non-empty key: 'and' or 'or'")
        return self

    @property
    def members(self) -> list[Condition | Group]:
        return self.and_ or self.or_ or []

    @property
    def kind(self) -> str:
        return "AND" if self.and_ is not None else "OR"


def _depth(item: Condition | Group) -> int:
    """Levels of and/or groups above the deepest condition (a condition alone is 0)."""
    if isinstance(item, Condition):
        return 0
    return 1 + max(_depth(m) for m in item.members)


class DateRange(_Strict):
    """An absolute range (`start`, `end`, inclusive days) or a relative one (`relative`)."""

    start: date | None = None
    end: date | None = None
    relative: str | None = Field(None, max_length=40, description=f"One of: {RELATIVE_RANGES}.")

    @model_validator(mode="after")
    def _one_form(self) -> DateRange:
        absolute = self.start is not None or self.end is not None
        if absolute == (self.relative is not None):
            raise ValueError("give either 'start' and 'end', or 'relative'")
        if absolute and (self.start is None or self.end is None):
            raise ValueError("an absolute date range needs both 'start' and 'end'")
        if absolute and self.end < self.start:  # type: ignore[operator]
            raise ValueError("'end' is before 'start'")
        return self


class OrderBy(_Strict):
    field: str = Field(pattern=FIELD)
    direction: Literal["asc", "desc"] = "asc"


class SemanticQuery(_Strict):
    """A question in business terms. Values are bound as typed literals by the compiler, never spliced as text."""

    model: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$", description="ad_performance, orders, sessions, ...")
    dimensions: list[str] = Field(default_factory=list, max_length=20)
    measures: list[str] = Field(default_factory=list, max_length=30)
    filters: list[Condition | Group] = Field(default_factory=list, max_length=50)
    time_dimension: str | None = Field(None, pattern=FIELD, description="Default: the model's own time dimension.")
    time_grain: TimeGrain | None = Field(None, description="Groups by the time dimension truncated to this grain.")
    date_range: DateRange | None = None
    compare: Literal["previous_period"] | None = Field(
        None, description="Adds <measure>_previous, _delta and _pct_change for the period just before date_range."
    )
    settled_only: bool = Field(
        False,
        description="Platform-reported measures (conversions, conversion value, platform ROAS/CPA) are still "
        "restated for the last days of the ad platforms' attribution window. True moves the date range back, its "
        "length kept, to end on the last settled day (and the compared period with it), so a comparison is like "
        "for like. False keeps the range; the "
        "result's `unsettled` says which days are settling, and a comparison of those measures has no delta.",
    )
    order_by: list[OrderBy] = Field(default_factory=list, max_length=10)
    limit: int = Field(1000, ge=1, le=MAX_LIMIT)

    @model_validator(mode="after")
    def _shape(self) -> SemanticQuery:
        import re

        for name in [*self.dimensions, *self.measures]:
            if not re.match(FIELD, name):
                raise ValueError(f"'{name}' is not a field name (lower-case words, optionally `model.field`)")
        if not self.dimensions and not self.measures:
            raise ValueError("ask for at least one dimension or measure")
        for i, item in enumerate(self.filters):
            if _depth(item) > MAX_FILTER_DEPTH:
                raise ValueError(f"filters[{i}] nests and/or groups more than {MAX_FILTER_DEPTH} levels deep")
        counts = [_count(item) for item in self.filters]
        if sum(c for c, _ in counts) > MAX_CONDITIONS:
            raise ValueError(f"filters hold more than {MAX_CONDITIONS} conditions")
        if sum(v for _, v in counts) > MAX_VALUES:
            raise ValueError(f"filters hold more than {MAX_VALUES} values")
        if self.compare and self.date_range is None:
            raise ValueError("'compare' needs a 'date_range' (the period to compare with the one before)")
        if self.compare and not self.measures:
            raise ValueError("'compare' needs at least one measure")
        if self.settled_only and self.date_range is None:
            raise ValueError("'settled_only' needs a 'date_range' (the range is what moves back to the settled days)")
        return self

    def fingerprint(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_defaults=False)


class Column(BaseModel):
    name: str
    type: str = Field(description="integer, number, string, date, timestamp or boolean")
    format: str = Field(description="currency, integer, number, percent, ratio, seconds, date, text, boolean")
    label: str
    currency: str | None = Field(None, description="ISO code for currency-formatted columns.")


class Unsettled(BaseModel):
    """Days of a queried period whose platform-reported measures are still being restated."""

    period: Literal["current", "previous"]
    measures: list[str]
    start: date
    end: date
    restated_days: int = Field(description="How long the sources restate a day (the catalog's restated_days).")


class QueryResult(BaseModel):
    sql: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    row_count: int
    elapsed_ms: float
    date_range: dict[str, date] | None = Field(None, description="The absolute range a relative one resolved to.")
    unsettled: list[Unsettled] = Field(
        default_factory=list, description="Settling days in the period (and the compared one), per measure group."
    )
    notes: list[str] = Field(
        default_factory=list,
        description="What a reader should know to read the figures (partial and settling days, history).",
    )
    data_version: str
    cached: bool = False
    data_through: datetime | None = Field(
        None,
        description="When the data stops (UTC), if its last day is partial: the run read that day up to this "
        "moment. None: every day is complete.",
    )
    partial_days: list[date] = Field(
        default_factory=list,
        description="Days in the result's period that are partial (loaded up to data_through): their totals "
        "are lower than a full day's.",
    )
