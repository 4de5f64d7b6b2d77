"""API keys: one tenant each, or admin. Only SHA-256 digests are stored, in `<workspace>/auth/api_keys.json`.

Keys are 256-bit random secrets, so a fast digest is as safe as a password hash here (nothing to guess
from a dictionary) and costs microseconds per request instead of tens of milliseconds.
A key reads `gata_<key id>_<secret>`; the id finds the record, the digest is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from gata.jsonfile import WatchedJson
from gata.workspace import Workspace

_KEY = re.compile(r"^gata_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
ADMIN = "admin"
TENANT = "tenant"


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    role: str  # tenant | admin
    tenant: str | None
    digest: str
    created_at: str
    name: str = ""
    revoked: bool = False


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyStore:
    """Reads the key file again whenever it changes on disk, so `gata keys create` takes effect at once."""

    def __init__(self, workspace: Workspace):
        self.path: Path = workspace.auth_dir / "api_keys.json"
        self._file = WatchedJson(self.path, lambda raw: {k["key_id"]: ApiKey(**k) for k in raw.get("keys", [])})

    def _load(self) -> dict[str, ApiKey]:
        return self._file.read()

    def _save(self, keys: dict[str, ApiKey]) -> None:
        self._file.write({"keys": [asdict(k) for k in keys.values()]})

    def create(self, tenant: str | None, name: str = "") -> tuple[ApiKey, str]:
        """A new key; the secret is returned once and never stored."""
        key_id = secrets.token_hex(6)
        secret = f"gata_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(
            key_id=key_id,
            role=TENANT if tenant else ADMIN,
            tenant=tenant,
            digest=_digest(secret),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            name=name,
        )
        with self._file.changing() as current:
            self._save({**current, key_id: record})
        return record, secret

    def _revoke_where(self, match) -> list[str]:
        with self._file.changing() as current:
            hit = [k for k, rec in current.items() if match(rec) and not rec.revoked]
            if hit:
                self._save({k: replace(rec, revoked=True) if k in hit else rec for k, rec in current.items()})
        return hit

    def revoke(self, key_id: str) -> bool:
        """Revoke one key; False when there is no such key."""
        if key_id not in self._load():
            return False
        self._revoke_where(lambda rec: rec.key_id == key_id)
        return True

    def revoke_tenant(self, tenant: str) -> list[str]:
        """Revoke every key of `tenant` (admin keys are nobody's tenant); the key ids revoked."""
        return self._revoke_where(lambda rec: rec.role == TENANT and rec.tenant == tenant)

    def forget_tenant(self, tenant: str) -> int:
        """Delete every key record of `tenant`, revoked ones included (a purge); the number deleted."""
        with self._file.changing() as current:
            kept = {k: rec for k, rec in current.items() if not (rec.role == TENANT and rec.tenant == tenant)}
            if len(kept) != len(current):
                self._save(kept)
        return len(current) - len(kept)

    def list(self) -> list[ApiKey]:
        return list(self._load().values())

    def verify(self, presented: str) -> ApiKey | None:
        m = _KEY.match(presented)
        if not m:
            return None
        record = self._load().get(m.group(1))
        if record is None or record.revoked:
            return None
        return record if hmac.compare_digest(record.digest, _digest(presented)) else None
