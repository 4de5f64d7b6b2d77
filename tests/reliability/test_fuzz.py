"""Fuzzing every endpoint from the OpenAPI document, with a key per tenant: no request may get a server
error, and no response to one tenant's key may carry another tenant's rows (their campaign and order ids,
which embed each tenant's id namespace, or their slug as a row's tenant)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from conftest import DEMO

EXAMPLES = 15  # per operation and tenant key


def _markers(served, slug: str) -> set[str]:
    """Values only this tenant's data holds."""
    with served.snapshot(slug) as con:
        ids = {r[0] for r in con.execute(f'select campaign_id from "dim_{slug}__campaigns"').fetchall()}
        ids |= {r[0] for r in con.execute(f'select order_id from "fct_{slug}__orders" limit 200').fetchall()}
    return {str(i) for i in ids} | {f'"tenant_slug":"{slug}"', f'"tenant_slug": "{slug}"'}


@pytest.mark.parametrize("tenant", DEMO)
def test_fuzzed_requests_get_no_server_error_and_no_other_tenants_rows(served, tenant):
    schema = schemathesis.openapi.from_url(served.base + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    foreign = set().union(*(_markers(served, other) for other in DEMO if other != tenant))
    seen: dict[int, int] = {}
    calls = [0]

    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def fuzz(case):
            # half the cases address the key's own tenant, so they reach a real query compiler; the rest
            # exercise other tenants' names, unknown ones and malformed paths
            calls[0] += 1
            if case.path_parameters and "tenant" in case.path_parameters and calls[0] % 2:
                case.path_parameters["tenant"] = tenant
            response = case.call(headers=served.headers(tenant), timeout=60)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            body = response.content  # bytes: Arrow IPC answers carry their strings as UTF-8 too
            assert response.status_code < 500, (case.path, case.path_parameters, case.body, body[:500])
            leaked = [m for m in foreign if m.encode() in body]
            assert not leaked, (case.path, case.path_parameters, leaked[:3])

        fuzz()
    print(f"\n{tenant}: {sum(seen.values())} fuzzed requests, status counts {dict(sorted(seen.items()))}")
    assert sum(seen.values()) >= 150 and seen.get(200, 0) >= 30, seen
