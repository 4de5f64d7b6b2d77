"""Caches are per tenant and data version: republishing one tenant drops only that tenant's entries."""

from __future__ import annotations

from gata.config import load_config
from gata.semantic.query import SemanticQuery
from gata.semantic.service import SemanticService
from gata.semantic.store import SnapshotStore
from gata.warehouse.publish import publish_snapshot

Q = SemanticQuery.model_validate({"model": "orders", "dimensions": ["source_platform"], "measures": ["revenue"]})


def test_publishing_a_tenant_invalidates_only_its_cache(served):
    svc = SemanticService(SnapshotStore(served.ws))
    try:
        _check_invalidation(served, svc)
    finally:
        svc.store.close()  # this process also opens snapshots directly in other tests


def _check_invalidation(served, svc: SemanticService) -> None:
    a, b = "tyrell_corp", "wayne_enterprises"
    first_a, first_b = svc.query(a, Q), svc.query(b, Q)
    assert not first_a.cached and svc.query(a, Q).cached and svc.query(b, Q).cached
    publish_snapshot(served.ws, load_config().tenant(a))
    again_a, again_b = svc.query(a, Q), svc.query(b, Q)
    assert not again_a.cached and again_a.data_version != first_a.data_version
    assert again_a.rows == first_a.rows, "same data, new version"
    assert again_b.cached and again_b.data_version == first_b.data_version
    assert svc.query(a, Q).cached


def test_an_old_snapshot_keeps_answering_queries_that_started_on_it(served):
    store = SnapshotStore(served.ws)
    try:
        _check_old_snapshot(served, store)
    finally:
        store.close()


def _check_old_snapshot(served, store: SnapshotStore) -> None:
    slug = "wayne_enterprises"
    old = store.get(slug)
    publish_snapshot(served.ws, load_config().tenant(slug))
    publish_snapshot(served.ws, load_config().tenant(slug))  # the old file is now pruned from disk
    assert not old.path.exists()
    cur = old.cursor()
    assert cur.execute(f'select count(*) from "fct_{slug}__orders"').fetchone()[0] > 0
    cur.close()
    new = store.get(slug)
    assert new.version != old.version and new.path.exists()
    old.connection.close()  # replaced, so no longer the store's to close


def test_a_tenants_queries_leave_a_core_to_the_others(served, monkeypatch):
    """The API's snapshots run a query on every core but one (GATA_SERVING_THREADS overrides): one tenant's
    costliest query cannot take the cores another tenant's dashboard needs."""
    from gata.settings import Settings, serving_threads

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert serving_threads(Settings()) == 3
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert serving_threads(Settings()) == 1
    monkeypatch.setenv("GATA_SERVING_THREADS", "5")
    store = SnapshotStore(served.ws, threads=serving_threads(Settings()))
    try:
        cur = store.get("tyrell_corp").cursor()
        assert cur.execute("select current_setting('threads')").fetchone()[0] == 5
        cur.close()
    finally:
        store.close()
