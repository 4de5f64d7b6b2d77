"""Red-team findings 1 and 9 over plain HTTP against real servers: a session is bound to its user record's id
and credential version, so deletion and re-creation, a password, role or tenant change and "sign out
everywhere" end it at once, even when another process (the CLI, a second server) made the change; the
password policy; sign-in throttling per username and per address with forwarded headers not believed; and the
primitives tenant offboarding uses."""

from __future__ import annotations

import re
import subprocess

import httpx
import pytest
import web_fixtures
from web_fixtures import create_user, create_web_users, password_of

from conftest import DEMO, GATA, Served, start_server
from gata.api.offboarding import revoke_tenant_access
from gata.web.throttle import SignInThrottle

web = web_fixtures.web
TENANT, OTHER = "tyrell_corp", "wayne_enterprises"
MODELS = f"/semantic-layer/{TENANT}/models"


def sign_in(base: str, username: str, password: str | None = None, **headers) -> httpx.Client:
    """A client signed in over the real form (or not: check `.last_status`)."""
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    data = {"username": username, "password": password or password_of(username), "csrf_token": token, "next": "/app"}
    client.last_status = client.post("/login", data=data, headers=headers).status_code  # type: ignore[attr-defined]
    return client


def csrf_of(client: httpx.Client) -> str:
    page = client.get("/account")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def gata(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GATA, *args], input=stdin, capture_output=True, text=True, timeout=120)


def reads(client: httpx.Client, tenant: str = TENANT) -> int:
    return client.get(f"/semantic-layer/{tenant}/models").status_code


def test_a_deleted_and_recreated_user_does_not_inherit_the_old_sessions(web: Served):
    """The red team's case: delete a user, re-create the name for another tenant; the old cookie read that
    tenant's data. Now the record is another one (new id): the old session ends."""
    ws = str(web.ws.root)
    create_user(web.ws.root, "lifecycle-recreated", "--tenant", TENANT)
    old = sign_in(web.base, "lifecycle-recreated")
    assert reads(old) == 200
    assert gata("users", "delete", "lifecycle-recreated", "--workspace", ws).returncode == 0
    create_user(web.ws.root, "lifecycle-recreated", "--tenant", OTHER)
    assert reads(old, OTHER) == 401 and reads(old) == 401
    new = sign_in(web.base, "lifecycle-recreated")
    assert reads(new, OTHER) == 200 and reads(new) == 404


def test_gata_users_passwd_ends_every_session_in_the_running_server(web: Served):
    ws = str(web.ws.root)
    create_user(web.ws.root, "lifecycle-passwd", "--tenant", TENANT)
    first, second = sign_in(web.base, "lifecycle-passwd"), sign_in(web.base, "lifecycle-passwd")
    assert reads(first) == reads(second) == 200
    proc = gata(
        "users", "passwd", "lifecycle-passwd", "--password-stdin", "--workspace", ws, stdin="a new long secret 7\n"
    )
    assert proc.returncode == 0 and "signed out" in proc.stdout, proc.stderr
    assert reads(first) == reads(second) == 401
    assert sign_in(web.base, "lifecycle-passwd").last_status == 401  # the old password
    assert reads(sign_in(web.base, "lifecycle-passwd", "a new long secret 7")) == 200


def test_changing_the_password_in_the_app_signs_out_every_other_session(web: Served):
    create_user(web.ws.root, "lifecycle-app", "--tenant", TENANT)
    here, elsewhere = sign_in(web.base, "lifecycle-app"), sign_in(web.base, "lifecycle-app")
    token = csrf_of(here)
    form = {
        "current": password_of("lifecycle-app"),
        "new": "another long secret 9",
        "confirm": "x",
        "csrf_token": token,
    }
    assert here.post("/account/password", data=form).status_code == 422  # the two new passwords differ
    for new, status, message in (
        ("password123", 422, "most commonly used passwords"),
        ("lifecycle-app", 422, "must not be the username"),
        ("short", 422, "too short"),
    ):
        r = here.post("/account/password", data={**form, "new": new, "confirm": new})
        assert r.status_code == status and message in r.text, (new, r.status_code)
    wrong = here.post("/account/password", data={**form, "current": "not it at all", "confirm": form["new"]})
    assert wrong.status_code == 403 and "current password is wrong" in wrong.text
    assert (
        here.post("/account/password", data={**form, "confirm": form["new"], "csrf_token": "forged"}).status_code == 403
    )
    assert reads(elsewhere) == 200  # nothing changed yet
    r = here.post("/account/password", data={**form, "confirm": form["new"]})
    assert r.status_code == 303
    assert reads(here) == 200 and "other sessions were signed out" in here.get(r.headers["location"]).text
    assert reads(elsewhere) == 401


def test_a_tenant_change_and_sign_out_everywhere_end_sessions(web: Served):
    ws = str(web.ws.root)
    create_user(web.ws.root, "lifecycle-moved", "--tenant", TENANT)
    moved = sign_in(web.base, "lifecycle-moved")
    assert gata("users", "access", "lifecycle-moved", "--tenant", OTHER, "--workspace", ws).returncode == 0
    assert reads(moved) == 401 and reads(moved, OTHER) == 401
    again = sign_in(web.base, "lifecycle-moved")
    assert reads(again, OTHER) == 200 and reads(again) == 404
    assert gata("users", "sign-out", "lifecycle-moved", "--workspace", ws).returncode == 0
    assert reads(again, OTHER) == 401
    # by the user, from the account page
    mine, other = sign_in(web.base, "lifecycle-moved"), sign_in(web.base, "lifecycle-moved")
    r = mine.post("/account/sign-out-everywhere", data={"csrf_token": csrf_of(mine)})
    assert r.status_code == 303 and reads(mine, OTHER) == 401 and reads(other, OTHER) == 401
    # by an admin key, for another user
    victim = sign_in(web.base, "lifecycle-moved")
    r = httpx.post(f"{web.base}/admin/users/lifecycle-moved/sign-out-everywhere", headers=web.headers(TENANT))
    assert r.status_code == 403 and reads(victim, OTHER) == 200  # a tenant key is not an admin
    r = httpx.post(f"{web.base}/admin/users/lifecycle-moved/sign-out-everywhere", headers=web.headers("admin"))
    assert r.status_code == 200 and reads(victim, OTHER) == 401
    r = httpx.post(f"{web.base}/admin/users/nobody-at-all/sign-out-everywhere", headers=web.headers("admin"))
    assert r.status_code == 404


def test_two_server_processes_keep_each_others_sign_ins_and_see_revocations(web: Served):
    """Each process used to hold the sessions read at start-up and overwrite the file with them."""
    create_user(web.ws.root, "lifecycle-two", "--tenant", TENANT)
    proc, other_base = start_server(web.ws)
    try:
        a = sign_in(web.base, "lifecycle-two")
        b = sign_in(other_base, "lifecycle-two")
        a_on_b = httpx.Client(base_url=other_base, cookies=a.cookies, timeout=60)
        b_on_a = httpx.Client(base_url=web.base, cookies=b.cookies, timeout=60)
        assert reads(a) == reads(b) == reads(a_on_b) == reads(b_on_a) == 200
        r = b.post("/account/sign-out-everywhere", data={"csrf_token": csrf_of(b)})  # on the second process
        assert r.status_code == 303
        assert reads(a) == reads(a_on_b) == 401  # seen by the first at its next request
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize(
    "password, message",
    [("12345678", "too short"), ("password123", "most commonly used"), ("Qwerty12345", "most commonly used")],
)
def test_weak_passwords_are_refused_by_the_cli(tmp_path, password, message):
    proc = gata("users", "create", "weak", "--admin", "--password-stdin", "--workspace", str(tmp_path), stdin=password)
    assert proc.returncode == 2 and message in proc.stderr
    same = gata(
        "users",
        "create",
        "samename123",
        "--admin",
        "--password-stdin",
        "--workspace",
        str(tmp_path),
        stdin="samename123",
    )
    assert same.returncode == 2 and "must not be the username" in same.stderr


def test_the_throttle_counts_usernames_and_addresses_separately_and_forgets_one_key_at_a_time():
    throttle = SignInThrottle(per_user=3, per_address=5, max_keys=10)
    for n in range(3):  # one username from many addresses
        throttle.failed("ann", f"10.0.0.{n}")
    assert throttle.retry_after("ann", "10.9.9.9") > 0  # any address
    assert throttle.retry_after("bob", "10.0.0.1") == 0
    for n in range(5):  # one address across many usernames: a password spray
        throttle.failed(f"user{n}", "10.1.1.1")
    assert throttle.retry_after("zed", "10.1.1.1") > 0
    for n in range(20):  # more keys than the store holds: only the least recent ones are forgotten
        throttle.failed(f"spray{n}", f"10.2.2.{n}")
    assert len(throttle.users) == 10 and len(throttle.addresses) == 10
    assert throttle.retry_after("spray19", "10.3.3.3") == 0 and "spray19" in throttle.users._times


def test_a_password_spray_from_one_address_is_throttled_and_forwarded_for_is_not_believed(web: Served, monkeypatch):
    monkeypatch.setenv("GATA_SIGNIN_FAILURES_PER_ADDRESS", "15")  # its own server: 127.0.0.1 is every test's address
    proc, base = start_server(web.ws)
    try:
        create_user(web.ws.root, "lifecycle-locked", "--tenant", TENANT)
        for n in range(10):
            assert sign_in(base, "lifecycle-locked", f"wrong guess {n}!").last_status == 401
        # the username is locked; claiming another address in X-Forwarded-For changes nothing (no trusted proxy)
        assert sign_in(base, "lifecycle-locked", **{"X-Forwarded-For": "203.0.113.7"}).last_status == 429
        other = "lifecycle-fine"
        create_user(web.ws.root, other, "--tenant", TENANT)
        assert sign_in(base, other).last_status == 303  # another username from the same address still may
        # one password sprayed across usernames from one address: the address waits, whatever the username
        for n in range(5):
            assert sign_in(base, f"sprayed-{n}", "password!!").last_status == 401
        r = sign_in(base, other)
        assert r.last_status == 429
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_offboarding_primitives_revoke_keys_users_and_sessions_of_one_tenant(web: Served):
    ws = web.ws
    create_user(ws.root, "offboard-user", "--tenant", TENANT)
    user = sign_in(web.base, "offboard-user")
    key = gata("keys", "create", TENANT, "--workspace", str(ws.root)).stdout.strip().splitlines()[-1]
    other_key = web.keys[OTHER]
    assert reads(user) == 200
    assert httpx.get(f"{web.base}{MODELS}", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    revoked = revoke_tenant_access(ws, TENANT)
    assert "offboard-user" in revoked.users and revoked.sessions >= 1 and len(revoked.keys) >= 1
    assert httpx.get(f"{web.base}{MODELS}", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert reads(user) == 401
    assert (
        httpx.get(
            f"{web.base}/semantic-layer/{OTHER}/models", headers={"Authorization": f"Bearer {other_key}"}
        ).status_code
        == 200
    )
    assert httpx.get(f"{web.base}{MODELS}", headers=web.headers("admin")).status_code == 200
    # the served demo's own key and web user of the tenant are gone too: the rest of the session gets new ones
    web.keys[TENANT] = gata("keys", "create", TENANT, "--workspace", str(ws.root)).stdout.strip().splitlines()[-1]
    create_web_users(web)
    for slug in DEMO:
        assert httpx.get(f"{web.base}/semantic-layer/{slug}/models", headers=web.headers(slug)).status_code == 200
