"""Credentials of live sources, from dlt's config providers and never from tenants.yaml.

A secret `name` of source `connector` of tenant `tenant` is looked up, first found wins, in:
1. the environment: SOURCES__<TENANT>__<CONNECTOR>__<NAME> (dlt's environment provider);
2. `.dlt/secrets.toml` of the working directory, section [sources.<tenant>.<connector>] (dlt's TOML provider);
3. the TOML file GATA_SECRETS_FILE names, same sections; it must be readable by its owner only (mode 0600).
Values are held in `Secrets`, whose repr shows names only, so a secret never reaches a log or a record.
The web app's connect step stores what an admin typed in the third place (`store_secrets`), the only one a
running service may write.
"""

from __future__ import annotations

import os
import stat
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import dlt
import tomlkit

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


def stored_names(tenant: str, connector: str) -> list[str]:
    """The secret names found for the source (values never leave this module)."""
    names = set(_secrets_file(tenant, connector))
    return sorted(n for n in names if lookup(tenant, connector, n) is not None)


def store_secrets(tenant: str, connector: str, values: dict[str, str]) -> None:
    """Write the source's secrets into the file GATA_SECRETS_FILE names (created mode 0600, replaced whole so a
    reader never sees half of it), keeping every other section and the names not given."""
    path = os.environ.get(SECRETS_FILE_ENV)
    if not path:
        raise CredentialsError(
            tenant, connector, "the service has no secrets file to store credentials in", f"set {SECRETS_FILE_ENV}"
        )
    target = Path(path)
    if target.exists():
        _secrets_file(tenant, connector)  # refuses a file others can read
    doc = tomlkit.parse(target.read_text(encoding="utf-8")) if target.exists() else tomlkit.document()
    section = doc.setdefault("sources", tomlkit.table(is_super_table=True))
    section = section.setdefault(tenant, tomlkit.table(is_super_table=True))
    table = section.setdefault(connector, tomlkit.table())
    for name, value in values.items():
        table[name] = value
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(tomlkit.dumps(doc))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
