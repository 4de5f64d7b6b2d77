"""`gata users create|list|delete` for real, on an empty workspace: what is stored, and every refusal named."""

from __future__ import annotations

import json
import stat
import subprocess

from conftest import GATA


def gata(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([GATA, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_create_list_delete_and_what_is_stored(tmp_path):
    ws = ["--workspace", str(tmp_path)]
    made = gata("users", "create", "ann", "--tenant", "tyrell_corp", "--password-stdin", *ws, stdin="correct horse\n")
    assert made.returncode == 0, made.stderr
    assert "created user ann (tenant tyrell_corp)" in made.stdout
    assert gata("users", "create", "boss", "--admin", "--password-stdin", *ws, stdin="battery staple\n").returncode == 0
    path = tmp_path / "auth" / "users.json"
    stored = json.loads(path.read_text())["users"]
    assert [(u["username"], u["role"], u["tenant"]) for u in stored] == [
        ("ann", "tenant", "tyrell_corp"),
        ("boss", "admin", None),
    ]
    assert all(u["password_hash"].startswith("$argon2id$") for u in stored)
    assert "correct horse" not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    listed = gata("users", "list", *ws).stdout
    assert "ann" in listed and "tyrell_corp" in listed and "argon2" not in listed
    assert gata("users", "delete", "ann", *ws).returncode == 0
    assert [u["username"] for u in json.loads(path.read_text())["users"]] == ["boss"]


def test_refusals_name_the_problem(tmp_path):
    ws = ["--workspace", str(tmp_path)]
    cases = [
        (["users", "create", "ann", "--password-stdin"], "give --tenant TENANT or --admin"),
        (["users", "create", "ann", "--admin", "--tenant", "tyrell_corp", "--password-stdin"], "not both"),
        (["users", "create", "ann", "--tenant", "no_such", "--password-stdin"], "unknown tenant 'no_such'"),
        (["users", "create", "Ann Smith", "--admin", "--password-stdin"], "username 'Ann Smith' is not valid"),
        (["users", "delete", "nobody"], "no user 'nobody'"),
    ]
    for args, message in cases:
        proc = gata(*args, *ws, stdin="long enough password\n")
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
    short = gata("users", "create", "ann", "--admin", "--password-stdin", *ws, stdin="short\n")
    assert short.returncode == 2 and "too short: at least 10 characters" in short.stderr
    assert gata("users", "create", "ann", "--admin", "--password-stdin", *ws, stdin="long enough\n").returncode == 0
    again = gata("users", "create", "ann", "--admin", "--password-stdin", *ws, stdin="long enough\n")
    assert again.returncode == 2 and "user 'ann' already exists" in again.stderr
