"""Every live platform against the simulator, the same checks: lands exactly what simulated mode lands;
429, 5xx and the platform's throttling retried with no duplicate; an expired or revoked token fails the sync
naming tenant, source and remedy with nothing half-landed; a malformed page fails the run and a rerun lands
all; a sync re-reads the look-back window only; two accounts land side by side and reconcile; `connect`.

`make test` runs the cheap checks on every platform and each costly one (a full pull or two per case) on two
platforms, each platform taking part in at least one of them; `make reliability`
(GATA_RELIABILITY=long) runs every check on every platform."""

from __future__ import annotations

import time
from datetime import timedelta

import live_fixtures
import pytest
from live_fixtures import (
    END,
    OTHER_TENANT,
    PLATFORMS,
    TENANT,
    Platform,
    account_id,
    live_tenant,
    nothing_landed,
    rows,
    tables,
    write_config,
)

from conftest import LONG, RAW_AD_REPORT
from gata.connectors.live.errors import CredentialsError, MalformedResponseError, ReportTimeoutError
from gata.connectors.live.pull import connect
from gata.connectors.simulator.app import platform_modules
from gata.ingest.land import dataset_name
from gata.ingest.run import generate_sync, ingest_tenant, land_pending
from gata.workspace import Workspace

simulator, sim, sim_config = live_fixtures.simulator, live_fixtures.sim, live_fixtures.sim_config  # fixtures
reference, other_reference = live_fixtures.reference, live_fixtures.other_reference
DAYS = live_fixtures.DAYS
TOKEN = "platform-token-for-tests"


def _ready(p: Platform, sim, monkeypatch) -> Platform:
    """The platform's token valid on the simulator and its secrets in the environment."""
    sim.token(TOKEN, "valid")
    for name, value in p.env(TENANT, TOKEN).items():
        monkeypatch.setenv(name, value)
    return p


def on(*quick: str):
    """Run a costly check on these platforms in `make test`, on all of them in `make reliability`."""
    return pytest.mark.parametrize("platform", list(PLATFORMS) if LONG else list(quick), indirect=True)


@pytest.fixture(params=list(PLATFORMS))
def platform(request, sim, monkeypatch) -> Platform:
    return _ready(PLATFORMS[request.param], sim, monkeypatch)


@pytest.fixture(params=[name for name, p in PLATFORMS.items() if p.job_path])
def job_platform(request, sim, monkeypatch) -> Platform:
    """A platform that reads reports as asynchronous jobs."""
    return _ready(PLATFORMS[request.param], sim, monkeypatch)


def live_config(tmp_path, sim, sim_config, p: Platform, accounts: dict | None = None, **options):
    accounts = accounts or {c: [account_id(sim_config, TENANT, c)] for c in p.connectors}
    tenant = live_tenant({c: sim.url(p.prefix) for c in accounts}, accounts, **options)
    return write_config(tmp_path / "tenants.yaml", [tenant])


def report_requests(sim, p: Platform) -> list[dict]:
    return [r for r in sim.requests() if p.is_report(r) and r["status"] == 200]


def test_live_lands_exactly_what_simulated_mode_lands(tmp_path, sim, sim_config, platform, reference):
    ws = Workspace.resolve(tmp_path / "ws")
    ingest_tenant(live_config(tmp_path, sim, sim_config, platform), TENANT, ws, days=DAYS, end_date=END)
    for connector in (*platform.connectors, "shopify"):
        assert tables(ws, TENANT, connector) == tables(reference, TENANT, connector), connector
    assert tables(ws, TENANT, platform.connectors[0])[platform.report][1] > 100


@on("meta", "google")
def test_throttling_and_server_errors_are_retried_without_duplicates(tmp_path, sim, sim_config, platform, reference):
    sim.fault("429", platform.report_path, times=2, retry_after=1)
    sim.fault("throttle", platform.entity_path, times=1, retry_after=0)
    sim.fault("500", platform.report_path, times=1)
    sim.fault("503", platform.entity_path, times=1)
    ws = Workspace.resolve(tmp_path / "ws")
    started = time.monotonic()
    ingest_tenant(live_config(tmp_path, sim, sim_config, platform), TENANT, ws, days=DAYS, end_date=END)
    assert time.monotonic() - started >= 1  # Retry-After honoured
    statuses = [r["status"] for r in sim.requests()]
    module = next(m for m in platform_modules() if platform.prefix == m.PREFIX)
    throttled_429 = module.throttled(0).status_code == 429  # Google and Amazon throttle with a 429 themselves
    assert (statuses.count(429), statuses.count(500), statuses.count(503)) == (2 + throttled_429, 1, 1)
    for connector in platform.connectors:
        assert tables(ws, TENANT, connector) == tables(reference, TENANT, connector)
        report = f'"{dataset_name(TENANT, connector)}".{platform.report}'
        [(total, distinct)] = rows(ws, f"select count(*), count(distinct _gata_natural_id) from {report}")
        assert total == distinct


@on("linkedin", "amazon")
@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_a_bad_token_fails_the_sync_naming_tenant_source_and_remedy_and_lands_nothing(
    tmp_path, sim, sim_config, platform, state
):
    cfg = live_config(tmp_path, sim, sim_config, platform)
    ws = Workspace.resolve(tmp_path / "ws")
    ingest_tenant(cfg, TENANT, ws, days=10, end_date=END)
    watched = (*platform.connectors, "shopify")
    before = {c: tables(ws, TENANT, c) for c in watched}
    sim.token(TOKEN, state)
    sim.clock(END + timedelta(days=2))
    try:
        with pytest.raises(CredentialsError) as failed:
            generate_sync(cfg, TENANT, ws, through=END + timedelta(days=2))
    finally:
        sim.token(TOKEN, "valid")
    message, source = str(failed.value), platform.connectors[0]
    assert f"tenant '{TENANT}'" in message and f"source '{source}'" in message
    assert state in message
    secret_env = f"SOURCES__ACME_LIVE__{source.upper()}__{platform.token_secret.upper()}"
    assert f"gata connect {TENANT} {source}" in message and secret_env in message
    assert TOKEN not in message
    assert {c: tables(ws, TENANT, c) for c in watched} == before  # nothing half-landed


@on("tiktok", "bing")
def test_a_malformed_page_fails_the_run_and_a_rerun_lands_everything(tmp_path, sim, sim_config, platform, reference):
    cfg = live_config(tmp_path, sim, sim_config, platform)
    ws = Workspace.resolve(tmp_path / "ws")
    sim.fault("malformed", platform.report_path, times=1)
    with pytest.raises(MalformedResponseError, match="malformed page"):
        ingest_tenant(cfg, TENANT, ws, days=DAYS, end_date=END)
    assert nothing_landed(ws, platform.connectors[0])
    ingest_tenant(cfg, TENANT, ws, days=DAYS, end_date=END)
    for connector in platform.connectors:
        assert tables(ws, TENANT, connector) == tables(reference, TENANT, connector)


def test_a_report_job_that_never_finishes_times_out_by_the_setting(tmp_path, sim, sim_config, job_platform):
    sim.fault("stuck_job", job_platform.job_path, times=1)
    ws = Workspace.resolve(tmp_path / "ws")
    cfg = live_config(tmp_path, sim, sim_config, job_platform, report_timeout_seconds=1.5)
    started = time.monotonic()
    with pytest.raises(ReportTimeoutError, match=r"did not finish within 1.5 s.*report_timeout_seconds"):
        ingest_tenant(cfg, TENANT, ws, days=DAYS, end_date=END)
    assert 1.4 <= time.monotonic() - started < 60
    assert nothing_landed(ws, job_platform.connectors[0])


@on("amazon", "linkedin")
def test_a_sync_rereads_the_lookback_window_only_and_lands_the_restated_rows(tmp_path, sim, sim_config, platform):
    """Onboard as of END, sync three days later: simulated and live land the same rows (conversions restated
    inside the 7-day window replaced); days before the window are neither asked for nor touched."""
    later, window_start = END + timedelta(days=3), END - timedelta(days=6)
    cfg = live_config(tmp_path, sim, sim_config, platform)
    live, simulated = Workspace.resolve(tmp_path / "live"), Workspace.resolve(tmp_path / "simulated")
    for config, ws in ((cfg, live), (sim_config, simulated)):
        ingest_tenant(config, TENANT, ws, days=20, end_date=END)
    report = f'"{dataset_name(TENANT, platform.connectors[0])}".{platform.report}'
    [(first_load,)] = rows(live, f"select min(_dlt_load_id) from {report}")
    sim.clock(later)
    sim.clear_requests()
    for config, ws in ((cfg, live), (sim_config, simulated)):
        land_pending(generate_sync(config, TENANT, ws, through=later), ws)
    for connector in platform.connectors:
        assert tables(live, TENANT, connector) == tables(simulated, TENANT, connector)
    assert {platform.first_asked(r["params"]) for r in report_requests(sim, platform)} == {window_start.isoformat()}
    before_window = f"select distinct _dlt_load_id from {report} where {platform.day_column} < ?"
    assert rows(live, before_window, [window_start.isoformat()]) == [(first_load,)]  # not re-read
    restated = f"select count(*) from {report} where {platform.day_column} between ? and ? and _dlt_load_id > ?"
    assert rows(simulated, restated, [window_start.isoformat(), f"{END} 99", first_load])[0][0] > 0


@on("bing", "tiktok")
def test_two_accounts_land_side_by_side_and_reconcile(tmp_path, sim, sim_config, platform, reference, other_reference):
    connector = platform.connectors[0]
    ids = [account_id(sim_config, TENANT, connector), account_id(sim_config, OTHER_TENANT["slug"], connector)]
    cfg = live_config(tmp_path, sim, sim_config, platform, accounts={connector: ids})
    ws = Workspace.resolve(tmp_path / "ws")
    ingest_tenant(cfg, TENANT, ws, days=DAYS, end_date=END)
    table, spend, impressions, clicks = RAW_AD_REPORT[connector]
    totals = f"select count(*), {spend}, {impressions}, {clicks} from " + '"{}".' + table
    [landed] = rows(ws, totals.format(dataset_name(TENANT, connector)))
    [mine] = rows(reference, totals.format(dataset_name(TENANT, connector)))
    [theirs] = rows(
        other_reference, totals.format(dataset_name(OTHER_TENANT["slug"], connector)), tenant=OTHER_TENANT["slug"]
    )
    assert landed == tuple(a + b for a, b in zip(mine, theirs, strict=True))
    assert mine[0] > 0 and theirs[0] > 0


def test_connect_lists_readable_accounts_and_names_the_missing_ones(tmp_path, sim, sim_config, platform):
    cfg = live_config(tmp_path, sim, sim_config, platform)
    tenant, connector = cfg.tenant(TENANT), platform.connectors[0]
    readable, missing = connect(tenant, tenant.source(connector), cfg.catalog)
    assert account_id(sim_config, TENANT, connector) in {a.id for a in readable} and missing == []
    assert account_id(sim_config, OTHER_TENANT["slug"], connector) in {a.id for a in readable}
    bad = tenant.source(connector).model_copy(update={"accounts": ["999"]})
    assert connect(tenant, bad, cfg.catalog)[1] == ["999"]
    sim.token(TOKEN, "revoked")
    try:
        with pytest.raises(CredentialsError, match="revoked"):
            connect(tenant, tenant.source(connector), cfg.catalog)
    finally:
        sim.token(TOKEN, "valid")


def test_a_missing_token_names_where_to_put_it(tmp_path, sim, sim_config, platform, monkeypatch):
    cfg = live_config(tmp_path, sim, sim_config, platform)
    source, secret = platform.connectors[0], platform.token_secret
    monkeypatch.delenv(f"SOURCES__ACME_LIVE__{source.upper()}__{secret.upper()}")
    with pytest.raises(
        CredentialsError, match=f"no {secret} found.*SOURCES__ACME_LIVE__{source.upper()}__{secret.upper()}"
    ):
        ingest_tenant(cfg, TENANT, Workspace.resolve(tmp_path / "ws"), days=3, end_date=END)
