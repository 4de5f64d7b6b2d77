"""Credentials of live sources, from dlt's config providers and never from tenants.yaml.

A secret `name` of source `connector` of tenant `tenant` is looked up, first found wins, in:
1. the environment: SOURCES__<TENANT>__<CONNECTOR>__<NAME> (dlt's environment provider);
2. `.dlt/secrets.toml` of the working directory, section [sources.<tenant>.<connector>] (dlt's TOML provider);
3. the TOML file GATA_SECRETS_FILE names, same sections; it must be readable by its owner only (mode 0600).
Values are held in `Secrets`, whose repr shows names only, so a secret never reaches a log or a record.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import dlt

from gata.connectors.live.errors import CredentialsError

SECRETS_FILE_ENV = "GATA_SECRETS_FILE"


def env_name(tenant: str, connector: str, name: str) -> str:
    return f"SOURCES__{tenant}__{connector}__{name}".upper()


def where_to_put(tenant: str, connector: str, name: str) -> str:
    return (
        f"set {env_name(tenant, connector, name)}, or {name} under [sources.{tenant}.{connector}] in "
        f".dlt/secrets.toml or in the file {SECRETS_FILE_ENV} names (mode 0600)"
    )


def _secrets_file(tenant: str, connector: str) -> dict:
    path = os.environ.get(SECRETS_FILE_ENV)
    if not path:
        return {}
    p = Path(path)
    if not p.is_file():
        raise CredentialsError(
            tenant, connector, f"the secrets file {p} does not exist", f"create it or unset {SECRETS_FILE_ENV}"
        )
    mode = stat.S_IMODE(p.stat().st_mode)
    if mode & 0o077:
        raise CredentialsError(
            tenant, connector, f"the secrets file {p} is readable by others (mode {mode:04o})", f"run chmod 600 {p}"
        )
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CredentialsError(tenant, connector, f"the secrets file {p} is not valid TOML ({exc})", "fix it") from None
    return doc.get("sources", {}).get(tenant, {}).get(connector, {})


def lookup(tenant: str, connector: str, name: str) -> str | None:
    value = dlt.secrets.get(f"sources.{tenant}.{connector}.{name}")
    if value is None:
        value = _secrets_file(tenant, connector).get(name)
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class Secrets:
    tenant: str
    connector: str
    _values: dict[str, str] = field(repr=False)

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def __repr__(self) -> str:
        return f"Secrets({self.tenant}/{self.connector}: {', '.join(sorted(self._values))})"


def load_secrets(tenant: str, connector: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Secrets:
    values = {n: v for n in (*required, *optional) if (v := lookup(tenant, connector, n)) is not None}
    missing = [n for n in required if n not in values]
    if missing:
        raise CredentialsError(
            tenant,
            connector,
            f"no {', '.join(missing)} found",
            "; ".join(where_to_put(tenant, connector, n) for n in missing),
        )
    return Secrets(tenant, connector, values)
