"""Schema of `supported_connectors.yaml`: which connectors exist, their objects and natural keys."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

CONNECTOR_ID = r"^[a-z][a-z0-9_]{1,62}$"


class Domain(StrEnum):
    paid_ads = "paid_ads"
    ecommerce = "ecommerce"
    analytics = "analytics"


class ConnectorObject(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    primary_key: list[str] = Field(min_length=1, description="Paths of the natural key; `/` steps into nested objects.")
    grain: str = Field("entity", pattern="^(entity|daily)$", description="daily objects carry one row per day.")
    restated_days: int = Field(
        0,
        ge=0,
        le=90,
        description="Daily objects: for how many days after its day the API may still change a record "
        "(attribution windows, order lifecycles). A sync re-reads that many past days and lands what changed.",
    )

    @field_validator("primary_key")
    @classmethod
    def _paths_not_blank(cls, v: list[str]) -> list[str]:
        if any(not p or p.startswith("/") or p.endswith("/") for p in v):
            raise ValueError("primary key paths must be non-empty and must not start or end with '/'")
        return v

    def key_paths(self) -> list[tuple[str, ...]]:
        return [tuple(p.split("/")) for p in self.primary_key]


class Connector(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=CONNECTOR_ID)
    name: str
    domain: Domain
    api_version: str
    master_model_id: str = Field(pattern=CONNECTOR_ID)
    live: bool = Field(False, description="A live client exists: a tenant may set `mode: live` for it.")
    objects: dict[str, ConnectorObject] = Field(min_length=1)

    def master_model_name(self, object_name: str) -> str:
        return f"platform_mm__{self.master_model_id}_{object_name}"


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    connectors: dict[str, Connector]

    def ids(self) -> list[str]:
        return list(self.connectors)

    def in_domain(self, domain: Domain) -> list[str]:
        return [cid for cid, c in self.connectors.items() if c.domain == domain]

    def __getitem__(self, connector_id: str) -> Connector:
        return self.connectors[connector_id]
