"""Tenants as one dynamic partition set, kept equal to the tenants file by the tenants sensor.

Dynamic rather than static: a tenant added by the wizard or by hand becomes a partition without reloading
the code location (Dagster advises under 100,000 partitions per asset: a fleet's size)."""

from __future__ import annotations

import dagster as dg

TENANTS = dg.DynamicPartitionsDefinition(name="tenants")


def partition_changes(
    current: list[str], wanted: list[str]
) -> tuple[list[str], list[str], list[dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest]]:
    """(added, removed, the requests that make the partitions equal to `wanted`)."""
    added = sorted(set(wanted) - set(current))
    removed = sorted(set(current) - set(wanted))
    requests: list[dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest] = []
    if added:
        requests.append(TENANTS.build_add_request(added))
    if removed:
        requests.append(TENANTS.build_delete_request(removed))
    return added, removed, requests
