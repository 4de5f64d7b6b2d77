"""Connecting a live source from the web app (admins only): what each live source needs, "Test connection" and
the masked state of what is stored.

`POST /onboarding/connections/test` runs the check `gata connect` runs (`gata.connectors.live.pull.connect`)
with the secrets typed in (a blank one keeps the stored value: rotating one secret leaves the others), and on
success stores them as part 1 stores them: in the 0600 TOML file `GATA_SECRETS_FILE` names, section
`[sources.<tenant>.<connector>]`. No answer ever holds a secret's value: the state is the names stored. For a
tenant whose source is live already, accounts and options not given are those of the tenants file (rotating a
credential on the tenant's page types the secret only).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError

from gata.api.routers.onboarding import Admin
from gata.api.schemas import ERRORS
from gata.config.errors import ConfigError
from gata.config.loader import GENERATION_BY_DOMAIN, LOGIC_BY_DOMAIN, load_catalog, load_config
from gata.config.tenants import SLUG_PATTERN, LiveOptions, SourceConfig
from gata.connectors.live.credentials import Secrets, lookup, store_secrets
from gata.connectors.live.errors import CredentialsError, LiveSourceError
from gata.connectors.live.pull import connect
from gata.connectors.live.source import LIVE_MODULES, live_module

router = APIRouter(prefix="/onboarding/connections", tags=["onboarding"], responses=ERRORS)
# sources whose accounts the credentials cannot list: the admin names them (a shop's domain, a project id)
TYPED_ACCOUNTS = {
    "shopify": "the shop's myshopify.com subdomain, e.g. acme-store",
    "bigcommerce": "the store hash, e.g. abc123xyz",
    "woocommerce": "the site's host name, e.g. shop.example.com",
    "amplitude": "the project id",
}
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


class ConnectRequest(BaseModel):
    tenant: Slug
    connector: str
    secrets: dict[str, str] = Field(default_factory=dict, description="Typed secrets; a blank one keeps the stored.")
    accounts: list[str] = Field(default_factory=list, description="Accounts typed in (shops, Amplitude).")
    options: dict[str, Any] = Field(default_factory=dict, description="Live options: base_url, auth_url, ...")


class AccountOut(BaseModel):
    id: str
    name: str
    currency: str | None = None


class ConnectAnswer(BaseModel):
    connector: str
    accounts: list[AccountOut]
    missing: list[str] = Field(description="Accounts typed in that the credentials cannot read.")
    stored: list[str] = Field(description="Names of the secrets stored (never their values).")


class Connection(BaseModel):
    connector: str
    connected: bool
    stored: list[str]


def _module(connector: str):
    if connector not in LIVE_MODULES:
        raise HTTPException(404, f"'{connector}' has no live client; live sources: {', '.join(LIVE_MODULES)}")
    return live_module(connector)


@router.get("/sources")
def live_sources(who: Admin) -> dict[str, Any]:
    """Per live source: the secrets it needs (and may use), whether accounts are typed in, and what they are."""
    out = {}
    for connector in LIVE_MODULES:
        module = live_module(connector)
        out[connector] = {
            "secrets": list(module.SECRETS),
            "optional_secrets": list(getattr(module, "OPTIONAL_SECRETS", ())),
            "account_hint": TYPED_ACCOUNTS.get(connector),
            "oauth": "refresh_token" in module.SECRETS,
        }
    return out


@router.get("/{tenant}/{connector}", response_model=Connection)
def connection(tenant: Slug, connector: str, who: Admin) -> Connection:
    module = _module(connector)
    names = (*module.SECRETS, *getattr(module, "OPTIONAL_SECRETS", ()))
    try:
        stored = [n for n in names if lookup(tenant, connector, n) is not None]
    except CredentialsError as exc:
        raise HTTPException(409, str(exc)) from None
    return Connection(connector=connector, connected=all(n in stored for n in module.SECRETS), stored=stored)


def _configured(request: Request, tenant: str, connector: str) -> SourceConfig | None:
    """The tenant's source as the tenants file has it, when it is live there."""
    try:
        source = load_config(request.app.state.tenants_file, strict=False).tenant(tenant).sources.get(connector)
    except (KeyError, ConfigError, OSError):
        return None
    return source if source is not None and source.live else None


@router.post("/test", response_model=ConnectAnswer, responses={400: {"description": "The source refused."}})
def test_connection(body: ConnectRequest, who: Admin, request: Request) -> ConnectAnswer:
    module = _module(body.connector)
    configured = _configured(request, body.tenant, body.connector)
    if configured is not None:
        body = body.model_copy(
            update={
                "accounts": body.accounts or configured.accounts,
                "options": body.options or configured.options.model_dump(exclude_defaults=True),
            }
        )
    names = (*module.SECRETS, *getattr(module, "OPTIONAL_SECRETS", ()))
    unknown = sorted(set(body.secrets) - set(names))
    if unknown:
        raise HTTPException(422, f"unknown secret(s) {', '.join(unknown)}; '{body.connector}' takes {', '.join(names)}")
    typed = {n: v.strip() for n, v in body.secrets.items() if v.strip()}
    try:
        values = {n: typed.get(n) or lookup(body.tenant, body.connector, n) for n in names}
    except CredentialsError as exc:
        raise HTTPException(409, str(exc)) from None
    values = {n: v for n, v in values.items() if v}
    missing = [n for n in module.SECRETS if n not in values]
    if missing:
        raise HTTPException(400, f"'{body.connector}' needs {', '.join(missing)}")
    if body.connector in TYPED_ACCOUNTS and not body.accounts:
        raise HTTPException(400, f"name the account: {TYPED_ACCOUNTS[body.connector]}")
    catalog = load_catalog()
    domain = catalog[body.connector].domain
    try:
        options = LiveOptions.model_validate(body.options)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'options'}: {e['msg']}" for e in exc.errors())
        raise HTTPException(422, f"options: {problems}") from None
    source = SourceConfig(
        connector=body.connector,
        domain=domain,
        mode="live",
        accounts=body.accounts,
        options=options,
        generation=GENERATION_BY_DOMAIN[domain](),
        logic=LOGIC_BY_DOMAIN[domain](),
    )
    try:
        readable, absent = connect(body.tenant, source, catalog, Secrets(body.tenant, body.connector, values))
    except LiveSourceError as exc:
        raise HTTPException(400, f"{exc.problem}; {exc.action}") from None
    if not readable:
        raise HTTPException(400, f"the credentials read no account of '{body.connector}'")
    try:
        store_secrets(body.tenant, body.connector, typed)
    except CredentialsError as exc:
        raise HTTPException(409, str(exc)) from None
    accounts = [AccountOut(id=a.id, name=a.name, currency=a.currency) for a in readable]
    return ConnectAnswer(connector=body.connector, accounts=accounts, missing=absent, stored=sorted(values))
