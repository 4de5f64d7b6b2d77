"""Web-app user accounts: one tenant each, or admin over every tenant, in `<workspace>/auth/users.json`.

Only Argon2id hashes are stored (argon2-cffi's defaults): unlike API keys, passwords are chosen by people and
can be guessed from a dictionary, so the hash must be slow. The file is rewritten atomically (temp file +
rename) and re-read whenever it changes on disk, so `gata users create|delete` takes effect in a running
server at once (a deleted user's sessions stop working on their next request).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gata.jsonfile import WatchedJson
from gata.workspace import Workspace

ADMIN = "admin"
TENANT = "tenant"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.@-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

_hasher = PasswordHasher()
# verified against when the user does not exist, so a wrong username costs as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class UserError(ValueError):
    """A user cannot be created or deleted as asked; the message names why."""


@dataclass(frozen=True)
class User:
    username: str
    role: str  # tenant | admin
    tenant: str | None
    password_hash: str
    created_at: str

    def may_read(self, tenant: str) -> bool:
        return self.role == ADMIN or self.tenant == tenant


def check_username(username: str) -> str:
    if not USERNAME.match(username):
        raise UserError(
            f"username {username!r} is not valid: 2 to 64 characters, lower-case letters, digits and _ . @ -, "
            "starting with a letter or digit"
        )
    return username


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password is too short: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"the password is too long: at most {MAX_PASSWORD} characters")
    return password


class UserStore:
    def __init__(self, workspace: Workspace):
        self.path: Path = workspace.auth_dir / "users.json"
        self._file = WatchedJson(self.path, lambda raw: {u["username"]: User(**u) for u in raw.get("users", [])})
        self._lock = self._file.lock

    def _load(self) -> dict[str, User]:
        return self._file.read()

    def _save(self, users: dict[str, User]) -> None:
        self._file.write({"users": [asdict(u) for u in users.values()]})

    def create(self, username: str, password: str, tenant: str | None) -> User:
        """A new user of one tenant (or admin when tenant is None)."""
        check_username(username)
        check_password(password)
        with self._lock:
            users = dict(self._load())
            if username in users:
                raise UserError(f"user '{username}' already exists (delete it first to change it)")
            user = User(
                username=username,
                role=TENANT if tenant else ADMIN,
                tenant=tenant,
                password_hash=_hasher.hash(password),
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            users[username] = user
            self._save(users)
        return user

    def delete(self, username: str) -> None:
        with self._lock:
            users = dict(self._load())
            if username not in users:
                raise UserError(f"no user '{username}'")
            del users[username]
            self._save(users)

    def get(self, username: str) -> User | None:
        return self._load().get(username)

    def list(self) -> list[User]:
        return sorted(self._load().values(), key=lambda u: u.username)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right; None otherwise (same work either way)."""
        user = self.get(username)
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return user
