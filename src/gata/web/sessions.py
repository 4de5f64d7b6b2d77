"""Server-side sign-in sessions: the browser holds only an opaque random token.

The cookie carries a 256-bit random token; the server keeps its SHA-256 digest with the username, the expiry
and the session's CSRF token. So a session ends for real on logout or expiry (a copied cookie is worthless
afterwards), nothing about the user is readable in the cookie, and no signing secret has to be managed.
Sessions are kept in `<workspace>/auth/sessions.json` (digests only, atomic writes) so a restart of the
service does not sign everyone out.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from gata.jsonfile import write_private_json
from gata.workspace import Workspace

COOKIE = "gata_session"


@dataclass(frozen=True)
class Session:
    username: str
    csrf_token: str
    created: float
    expires: float


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, workspace: Workspace, ttl_seconds: float):
        self.path: Path = workspace.auth_dir / "sessions.json"
        self.ttl = ttl_seconds
        self._lock = threading.RLock()
        self._sessions: dict[str, Session] = self._read()

    def _read(self) -> dict[str, Session]:
        try:
            raw = json.loads(self.path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return {d: Session(**s) for d, s in raw.get("sessions", {}).items()}

    def _save(self) -> None:
        now = time.time()
        self._sessions = {d: s for d, s in self._sessions.items() if s.expires > now}
        write_private_json(self.path, {"sessions": {d: asdict(s) for d, s in self._sessions.items()}})

    def create(self, username: str) -> tuple[str, Session]:
        """A new session; the token goes into the cookie and is never stored."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        session = Session(username, secrets.token_urlsafe(32), now, now + self.ttl)
        with self._lock:
            self._sessions[_digest(token)] = session
            self._save()
        return token, session

    def get(self, token: str | None) -> Session | None:
        if not token or len(token) > 100:
            return None
        session = self._sessions.get(_digest(token))
        if session is None:
            return None
        if session.expires <= time.time():
            self.delete(token)
            return None
        return session

    def delete(self, token: str) -> None:
        with self._lock:
            if self._sessions.pop(_digest(token), None) is not None:
                self._save()
