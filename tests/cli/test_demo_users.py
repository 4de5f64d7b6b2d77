"""`gata demo` prints a web user per tenant and an admin; a new run replaces them with new passwords."""

from __future__ import annotations

from gata.cli.warehouse_cmds import _demo_users
from gata.web.users import UserStore
from gata.workspace import Workspace


def test_demo_users_sign_in_and_a_new_run_replaces_their_passwords(tmp_path):
    ws = Workspace.resolve(tmp_path / "ws")
    first = dict(_demo_users(ws, ["tyrell_corp", "stark_industries"]))
    users = UserStore(ws)
    assert set(first) == {"tyrell-corp-demo", "stark-industries-demo", "admin-demo"}
    for name, password in first.items():
        assert users.authenticate(name, password) is not None
    assert users.get("tyrell-corp-demo").tenant == "tyrell_corp" and users.get("admin-demo").tenant is None
    second = dict(_demo_users(ws, ["tyrell_corp", "stark_industries"]))
    assert users.authenticate("tyrell-corp-demo", first["tyrell-corp-demo"]) is None
    assert users.authenticate("tyrell-corp-demo", second["tyrell-corp-demo"]) is not None
