"""Web-app user accounts: one tenant each, or admin over every tenant, in `<workspace>/auth/users.json`.

Only Argon2id hashes are stored (argon2-cffi's defaults): unlike API keys, passwords are chosen by people and
can be guessed from a dictionary, so the hash must be slow. The file is rewritten atomically (temp file +
rename) and re-read whenever it changes on disk, so `gata users create|delete|passwd` takes effect in a running
server at once. Each record has a random `id` and a `credential_version`: a session is bound to both, so
deleting (and re-creating) a user, changing the password, the role or the tenant, or signing out everywhere
ends every session of that user at its next request, in whichever process the change was made.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gata.jsonfile import WatchedJson
from gata.workspace import Workspace

ADMIN = "admin"
TENANT = "tenant"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.@-]{1,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
COMMON_PASSWORDS = Path(__file__).parent / "common_passwords.txt"

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
    id: str = ""  # random per record: a re-created user is another user to every session
    credential_version: int = 1  # bumped by a password, role or tenant change and by "sign out everywhere"

    def may_read(self, tenant: str) -> bool:
        return self.role == ADMIN or self.tenant == tenant


def check_username(username: str) -> str:
    if not USERNAME.match(username):
        raise UserError(
            f"username {username!r} is not valid: 2 to 64 characters, lower-case letters, digits and _ . @ -, "
            "starting with a letter or digit"
        )
    return username


@cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_password(password: str, username: str | None = None) -> str:
    """Long enough, not one of the most used passwords, not the username."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password is too short: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"the password is too long: at most {MAX_PASSWORD} characters")
    if password.strip().lower() in _common_passwords():
        raise UserError("the password is one of the most commonly used passwords: choose another")
    if username and password.strip().lower() == username.strip().lower():
        raise UserError("the password must not be the username")
    return password


def _parse(raw: dict) -> dict[str, User]:
    users = {}
    for record in raw.get("users", []):
        user = User(**record)
        if not user.id:  # a record written before ids existed: a stable id from what it holds
            digest = hashlib.sha256(f"{user.username}|{user.created_at}|{user.password_hash}".encode())
            user = replace(user, id=digest.hexdigest()[:16])
        users[user.username] = user
    return users


class UserStore:
    def __init__(self, workspace: Workspace):
        self.path: Path = workspace.auth_dir / "users.json"
        self._file = WatchedJson(self.path, _parse)

    def _load(self) -> dict[str, User]:
        return self._file.read()

    def _save(self, users: dict[str, User]) -> None:
        self._file.write({"users": [asdict(u) for u in users.values()]})

    def create(self, username: str, password: str, tenant: str | None) -> User:
        """A new user of one tenant (or admin when tenant is None)."""
        check_username(username)
        check_password(password, username)
        with self._file.changing() as current:
            users = dict(current)
            if username in users:
                raise UserError(f"user '{username}' already exists (delete it first to change it)")
            user = User(
                username=username,
                role=TENANT if tenant else ADMIN,
                tenant=tenant,
                password_hash=_hasher.hash(password),
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                id=secrets.token_hex(8),
            )
            users[username] = user
            self._save(users)
        return user

    def delete(self, username: str) -> None:
        with self._file.changing() as current:
            users = dict(current)
            if username not in users:
                raise UserError(f"no user '{username}'")
            del users[username]
            self._save(users)

    def _change(self, username: str, **changes) -> User:
        """The user with `changes` and a new credential version: every session of theirs ends."""
        with self._file.changing() as current:
            users = dict(current)
            if username not in users:
                raise UserError(f"no user '{username}'")
            old = users[username]
            users[username] = replace(old, credential_version=old.credential_version + 1, **changes)
            self._save(users)
        return users[username]

    def set_password(self, username: str, password: str) -> User:
        check_password(password, username)
        return self._change(username, password_hash=_hasher.hash(password))

    def set_access(self, username: str, tenant: str | None) -> User:
        """Make the user a user of `tenant`, or an admin when None."""
        return self._change(username, role=TENANT if tenant else ADMIN, tenant=tenant)

    def sign_out_everywhere(self, username: str) -> User:
        return self._change(username)

    def delete_tenant_users(self, tenant: str) -> list[str]:
        """Delete every user of `tenant` (their sessions end with them); the usernames deleted."""
        with self._file.changing() as current:
            gone = sorted(u.username for u in current.values() if u.role == TENANT and u.tenant == tenant)
            if gone:
                self._save({name: u for name, u in current.items() if name not in gone})
        return gone

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
