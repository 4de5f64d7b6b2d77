"""Server-side sign-in sessions: the browser holds only an opaque random token.

The cookie carries a 256-bit random token; the server keeps its SHA-256 digest with the user's record id and
credential version, the expiry and the session's CSRF token. A session is valid only while the user record
it was issued for still has that id and version (`gata.web.users`), so deleting a user, changing their
password, role or tenant, or "sign out everywhere" ends it at once, even when another process made the change.
Sessions are kept in `<workspace>/auth/sessions.json` (digests only, atomic writes, re-read when it changes,
changed under a cross-process lock) so a restart does not sign everyone out and no process overwrites a
sign-in or a revocation made by another.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from gata.jsonfile import WatchedJson
from gata.workspace import Workspace

COOKIE = "gata_session"


@dataclass(frozen=True)
class Session:
    username: str
    csrf_token: str
    created: float
    expires: float
    user_id: str = ""
    credential_version: int = 0

    def belongs_to(self, user) -> bool:
        """Whether this session was issued for this very user record at its current credentials."""
        return bool(self.user_id) and self.user_id == user.id and self.credential_version == user.credential_version


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_KNOWN = {f.name for f in fields(Session)}


def _parse(raw: dict) -> dict[str, Session]:
    return {d: Session(**{k: v for k, v in s.items() if k in _KNOWN}) for d, s in raw.get("sessions", {}).items()}


class SessionStore:
    def __init__(self, workspace: Workspace, ttl_seconds: float):
        self.path: Path = workspace.auth_dir / "sessions.json"
        self.ttl = ttl_seconds
        self._file = WatchedJson(self.path, _parse)

    def _save(self, sessions: dict[str, Session]) -> None:
        now = time.time()
        live = {d: s for d, s in sessions.items() if s.expires > now}
        self._file.write({"sessions": {d: asdict(s) for d, s in live.items()}})

    def create(self, user) -> tuple[str, Session]:
        """A new session of this user record; the token goes into the cookie and is never stored."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        session = Session(
            user.username, secrets.token_urlsafe(32), now, now + self.ttl, user.id, user.credential_version
        )
        with self._file.changing() as current:
            self._save({**current, _digest(token): session})
        return token, session

    def get(self, token: str | None) -> Session | None:
        if not token or len(token) > 100:
            return None
        session = self._file.read().get(_digest(token))
        if session is None or session.expires <= time.time():
            return None
        return session

    def delete(self, token: str) -> None:
        digest = _digest(token)
        with self._file.changing() as current:
            if digest in current:
                self._save({d: s for d, s in current.items() if d != digest})

    def revoke_users(self, usernames: set[str]) -> int:
        """Drop every session of these users (their records' versions already make them invalid: this keeps
        the file small). The number dropped."""
        with self._file.changing() as current:
            kept = {d: s for d, s in current.items() if s.username not in usernames}
            if len(kept) != len(current):
                self._save(kept)
        return len(current) - len(kept)
