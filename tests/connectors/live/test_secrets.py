"""A planted secret goes nowhere: not in a log line, a run record, an API answer or any workspace file, whether
the run succeeds or fails; and a secrets file others can read is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import live_fixtures
import pytest
from live_fixtures import END, TENANT, account_id, live_tenant, write_config

from gata.connectors.live.credentials import SECRETS_FILE_ENV, load_secrets
from gata.connectors.live.errors import CredentialsError
from gata.connectors.simulator.server import free_port

simulator, sim, sim_config = live_fixtures.simulator, live_fixtures.sim, live_fixtures.sim_config  # fixtures
GATA = str(Path(sys.executable).parent / "gata")
META = ("facebook_ads", "instagram_ads")


def secrets_file(path: Path, secret: str, mode: int = 0o600) -> Path:
    """Meta's access tokens and Google Ads' OAuth2 client secret and refresh token, all the planted secret."""
    sections = [f'[sources.{TENANT}.{c}]\naccess_token = "{secret}"\n' for c in META]
    sections.append(
        f'[sources.{TENANT}.google_ads]\nrefresh_token = "{secret}"\nclient_secret = "{secret}"\n'
        f'client_id = "gata-client"\ndeveloper_token = "dev-token"\n'
    )
    path.write_text("\n".join(sections))
    path.chmod(mode)
    return path


def api_answers(env: dict, key: str) -> list[str]:
    port = free_port()
    proc = subprocess.Popen(
        [GATA, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        paths = ["summary", "runs", "runs/latest/models", "freshness", "tests", "identity-resolution", "drift"]
        answers = [httpx.get(f"{base}/observability/{TENANT}/{p}", headers=headers, timeout=60).text for p in paths]
        answers.append(httpx.get(f"{base}/observability/{TENANT}/lineage?table=ad_performance", headers=headers).text)
        answers.append(httpx.get(f"{base}/semantic-layer/{TENANT}/models", headers=headers, timeout=60).text)
        query = {"model": "ad_performance", "dimensions": ["campaign_name"], "measures": ["spend"]}
        answers.append(
            httpx.post(f"{base}/semantic-layer/{TENANT}/query", json=query, headers=headers, timeout=60).text
        )
        assert any('"spend"' in a for a in answers)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    return [*answers, out.decode(), err.decode()]


def test_a_planted_secret_appears_in_no_log_record_answer_or_file(tmp_path, sim, sim_config):
    secret = f"planted-{uuid.uuid4().hex}"
    sim.token(secret)
    accounts = {c: [account_id(sim_config, TENANT, c)] for c in (*META, "google_ads")}
    urls = {**{c: sim.url("meta") for c in META}, "google_ads": sim.url("google")}
    write_config(tmp_path / "tenants.yaml", [live_tenant(urls, accounts)])
    ws = tmp_path / "ws"
    env = {
        **os.environ,
        SECRETS_FILE_ENV: str(secrets_file(tmp_path / "secrets.toml", secret)),
        "GATA_WORKSPACE": str(ws),
        "GATA_TENANTS_FILE": str(tmp_path / "tenants.yaml"),
    }
    seen: list[str] = []

    def gata(*args: str, ok: bool = True) -> str:
        proc = subprocess.run([GATA, *args], env=env, capture_output=True, text=True, timeout=900)
        seen.extend([proc.stdout, proc.stderr])
        assert (proc.returncode == 0) == ok, proc.stdout[-2000:] + proc.stderr[-2000:]
        return proc.stdout + proc.stderr

    assert accounts["facebook_ads"][0] in gata("connect", TENANT, "facebook_ads")
    assert accounts["google_ads"][0] in gata("connect", TENANT, "google_ads")
    gata("onboard", TENANT, "--days", "5", "--end-date", END.isoformat())
    sim.token(secret, "revoked")
    try:
        failed = gata("sync", TENANT, "--through", (END + timedelta(days=1)).isoformat(), ok=False)
        failed += gata("connect", TENANT, "instagram_ads", ok=False)
    finally:
        sim.token(secret, "valid")
    assert "revoked" in failed and f"tenant '{TENANT}'" in failed
    key = gata("keys", "create", "--admin").strip().splitlines()[-1]
    seen += api_answers(env, key)
    seen.append(json.dumps(sim.requests()))
    assert all(secret not in text for text in seen)
    files = [p for p in ws.rglob("*") if p.is_file()]
    assert len(files) > 10 and any(p.name.startswith("ingest-") for p in files)  # run records are there
    assert [p for p in files if secret.encode() in p.read_bytes()] == []


def test_a_secrets_file_others_can_read_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRETS_FILE_ENV, str(secrets_file(tmp_path / "secrets.toml", "x-token", 0o644)))
    monkeypatch.delenv(f"SOURCES__{TENANT.upper()}__FACEBOOK_ADS__ACCESS_TOKEN", raising=False)
    with pytest.raises(CredentialsError, match=r"readable by others \(mode 0644\).*chmod 600"):
        load_secrets(TENANT, "facebook_ads", ("access_token",))
    (tmp_path / "secrets.toml").chmod(0o600)
    secrets = load_secrets(TENANT, "facebook_ads", ("access_token",))
    assert secrets["access_token"] == "x-token" and "x-token" not in repr(secrets)
