"""Schema of `supported_connectors.yaml`: which connectors exist, their objects, natural keys and roles."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

CONNECTOR_ID = r"^[a-z][a-z0-9_]{1,62}$"


class Domain(StrEnum):
    paid_ads = "paid_ads"
    ecommerce = "ecommerce"
    analytics = "analytics"


class AdRole(StrEnum):
    """What a paid-ads object is to the one paid-ads engine: its extraction emits that role's canonical columns
    (warehouse/macros/extract/paid_ads/_common.sql) and the engine joins the objects by role."""

    report = "report"  # the daily report at ad level: the rows of fct_ad_performance
    campaign_report = "campaign_report"  # the same report summed per campaign: never read by the engine
    campaigns = "campaigns"
    ad_groups = "ad_groups"
    ads = "ads"
    accounts = "accounts"


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
    role: AdRole | None = Field(None, description="Paid-ads objects: the canonical shape the object is extracted to.")

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

    @field_validator("objects")
    @classmethod
    def _roles_fit_the_domain(cls, v: dict[str, ConnectorObject], info: ValidationInfo) -> dict[str, ConnectorObject]:
        """Every paid-ads object has a role, one daily report, no role twice; other domains have no roles."""
        roles = {name: obj.role for name, obj in v.items()}
        if info.data.get("domain") != Domain.paid_ads:
            if any(roles.values()):
                raise ValueError("only paid_ads objects take a role")
            return v
        if missing := [name for name, role in roles.items() if role is None]:
            raise ValueError(f"paid_ads objects need a role ({', '.join(AdRole)}): {', '.join(missing)} has none")
        for role in AdRole:
            holders = [name for name, r in roles.items() if r == role]
            if len(holders) > 1:
                raise ValueError(f"role {role.value} is taken by more than one object: {', '.join(holders)}")
        report = next((name for name, role in roles.items() if role == AdRole.report), None)
        if report is None:
            raise ValueError("a paid_ads connector needs one object with role report (its daily ad-level report)")
        if v[report].grain != "daily":
            raise ValueError(f"the report object {report} must have grain daily")
        return v

    def role_object(self, role: AdRole) -> str | None:
        """The object playing a paid-ads role, or None when the connector has no such object."""
        return next((name for name, obj in self.objects.items() if obj.role == role), None)

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
