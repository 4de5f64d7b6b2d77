"""A tenant's optional semantic overlay: labels, descriptions, formats, synonyms, extra measures and joins.

The overlay lives next to the tenants file as `semantic/<slug>.yaml`. It only ever adds to or relabels the
generated models; extra measures are declarative (an aggregate over a column, or a ratio of two measures),
never code or SQL, so an overlay cannot reach outside the tenant's own tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

NAME = r"^[a-z][a-z0-9_]{0,62}$"
FORMATS = ("currency", "integer", "number", "percent", "ratio", "seconds", "date", "timestamp", "text", "boolean")


class OverlayError(ValueError):
    """An overlay file that cannot be used, with every problem named."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldOverlay(_Strict):
    label: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=1000)
    format: Literal[FORMATS] | None = None  # type: ignore[valid-type]
    synonyms: list[str] = Field(default_factory=list, max_length=50)


class Condition(_Strict):
    column: str = Field(pattern=NAME)
    op: Literal["eq", "ne", "in", "not_in"] = "eq"
    value: str | int | float | bool | list[str | int | float | bool]


class Ratio(_Strict):
    numerator: str = Field(pattern=NAME)
    denominator: str = Field(pattern=NAME)
    scale: float = 1.0


class ExtraMeasure(FieldOverlay):
    aggregate: Literal["sum", "avg", "min", "max", "count", "count_distinct"] | None = None
    column: str | None = Field(None, pattern=NAME)
    where: list[Condition] = Field(default_factory=list)
    ratio: Ratio | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ExtraMeasure:
        if (self.aggregate is None) == (self.ratio is None):
            raise ValueError("an extra measure needs exactly one of 'aggregate' (with 'column') or 'ratio'")
        if self.aggregate not in (None, "count") and self.column is None:
            raise ValueError(f"aggregate '{self.aggregate}' needs a 'column'")
        return self


class JoinOverlay(_Strict):
    column: str = Field(pattern=NAME, description="Column of this model.")
    to_column: str = Field(pattern=NAME, description="Column of the joined model; unique there.")


class ModelOverlay(_Strict):
    label: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=1000)
    synonyms: list[str] = Field(default_factory=list, max_length=50)
    dimensions: dict[str, FieldOverlay] = Field(default_factory=dict)
    measures: dict[str, ExtraMeasure | FieldOverlay] = Field(default_factory=dict)
    joins: dict[str, JoinOverlay] = Field(default_factory=dict)


class Overlay(_Strict):
    models: dict[str, ModelOverlay] = Field(default_factory=dict)


def overlay_path(config_dir: Path, slug: str) -> Path:
    return config_dir / "semantic" / f"{slug}.yaml"


def load_overlay(config_dir: Path | None, slug: str) -> Overlay:
    """The tenant's overlay, or an empty one when the tenant has none."""
    if config_dir is None:
        return Overlay()
    path = overlay_path(config_dir, slug)
    if not path.exists():
        return Overlay()
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise OverlayError(f"{path}: not valid YAML ({exc})") from None
    try:
        return Overlay.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise OverlayError(f"{path}: {problems}") from None
