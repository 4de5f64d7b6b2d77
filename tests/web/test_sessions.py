"""Sessions over plain HTTP against real servers: server-side expiry, Secure cookies behind https, survival of
a restart, and the limit on failed sign-ins."""

from __future__ import annotations

import re
import time

import httpx
import web_fixtures
from web_fixtures import create_user, password_of, user_of

web = web_fixtures.web
TENANT = "tyrell_corp"


def sign_in(client: httpx.Client, username: str, password: str, **headers) -> httpx.Response:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    data = {"username": username, "password": password, "csrf_token": token, "next": "/app"}
    return client.post("/login", data=data, headers=headers)


def test_sessions_expire_on_the_server(web, server):
    base = server(GATA_SESSION_HOURS="0.0005")  # 1.8 s
    with httpx.Client(base_url=base) as client:
        user = user_of(TENANT)
        assert sign_in(client, user, password_of(user)).status_code == 303
        assert client.get(f"/semantic-layer/{TENANT}/models").status_code == 200
        time.sleep(2.5)
        r = client.get(f"/semantic-layer/{TENANT}/models")
        assert r.status_code == 401
        assert client.get(f"/app/{TENANT}").headers["location"].startswith("/login")


def test_cookies_are_secure_behind_https_and_sessions_survive_a_restart(web, server):
    user = user_of(TENANT)
    proxied = server(GATA_TRUSTED_PROXIES="127.0.0.1")
    with httpx.Client(base_url=proxied) as client:
        # a configured proxy's X-Forwarded-Proto is believed: the request counts as https
        r = sign_in(client, user, password_of(user), **{"X-Forwarded-Proto": "https"})
        assert r.status_code == 303
        cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("gata_session="))
        assert "gata_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()
    with httpx.Client(base_url=web.base) as client:
        assert sign_in(client, user, password_of(user)).status_code == 303
        token = client.cookies["gata_session"]
    # a new process on the same workspace (a restart) knows the session
    base = server()
    with httpx.Client(base_url=base, cookies={"gata_session": token}) as client:
        assert client.get(f"/semantic-layer/{TENANT}/models").status_code == 200


def test_failed_sign_ins_are_limited(web):
    create_user(web.ws.root, "guess-target", "--tenant", TENANT)
    with httpx.Client(base_url=web.base) as client:
        for _ in range(10):
            assert sign_in(client, "guess-target", "wrong guess!").status_code == 401
        r = sign_in(client, "guess-target", password_of("guess-target"))  # even the right one, for now
        assert r.status_code == 429 and "Too many failed sign-ins" in r.text
        assert 0 < int(r.headers["retry-after"]) <= 15 * 60
        # other users are not affected
        other = user_of("wayne_enterprises")
        assert sign_in(client, other, password_of(other)).status_code == 303
