"""An in-process answer service over the served demo's snapshots (the same files the API reads).

Imported by the tests that use it: a conftest.py here would shadow the suite's own `conftest` module,
which other tests import helpers from."""

from __future__ import annotations

import pytest

from gata.nl.answer import AnswerService
from gata.semantic.service import SemanticService
from gata.semantic.store import SnapshotStore
from gata.settings import Settings


@pytest.fixture(scope="module")
def answers(served):
    svc = AnswerService(SemanticService(SnapshotStore(served.ws)), Settings(_env_file=None))
    yield svc
    svc.semantic.store.close()  # this process also opens snapshots directly in other tests
