"""Response bodies of the API, so the OpenAPI document describes every answer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    detail: str = Field(description="What is wrong, naming the offending value and the valid ones.")


class Health(BaseModel):
    status: str
    version: str
    tenants_served: int | None = Field(None, description="Only for an admin key or session.")


class ModelSummary(BaseModel):
    name: str
    label: str
    description: str
    dimensions: int
    measures: int
    joins: list[str]


class ModelList(BaseModel):
    tenant: str
    data_version: str
    models: list[ModelSummary]


class DimensionDoc(BaseModel):
    name: str
    label: str
    description: str
    format: str
    is_time: bool
    synonyms: list[str]


class MeasureDoc(BaseModel):
    name: str
    label: str
    description: str
    format: str
    currency: str | None
    additive: bool = Field(
        description="A sum or count (a missing period is 0); false for a ratio or mean (a missing period has none)."
    )
    synonyms: list[str]


class JoinOn(BaseModel):
    column: str
    to_column: str


class JoinedField(BaseModel):
    name: str
    label: str
    format: str


class JoinDoc(BaseModel):
    model: str
    label: str
    on: JoinOn
    dimensions: list[str] = Field(description="The joined model's dimensions, as a query spells them.")
    fields: list[JoinedField] = Field(description="The same dimensions with the labels and formats results use.")


class ModelDetail(BaseModel):
    name: str
    label: str
    description: str
    synonyms: list[str]
    time_dimension: str
    time_dimensions: list[str]
    time_grains: list[str]
    dimensions: list[DimensionDoc]
    measures: list[MeasureDoc]
    joins: list[JoinDoc]


ERRORS = {
    400: {"model": ErrorBody, "description": "The request names something that does not exist or cannot be combined."},
    401: {"model": ErrorBody, "description": "No API key, or not a valid one."},
    404: {"model": ErrorBody, "description": "No such tenant for this key, or no such model/table."},
}
