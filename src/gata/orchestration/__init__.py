"""The fleet on Dagster: tenants as dynamic partitions, a run per tenant that calls the CLI's own functions.

`gata.orchestration.definitions` is the code location (`dagster dev -m gata.orchestration.definitions`). Each
module holds one part: `resource` (where the workspace and tenants file are), `partitions` (the tenant set),
`assets` (the per-tenant run and the asset graph it reports), `jobs`, `schedules`, `sensors`, `instance` (a
local Dagster instance configured from GATA settings). Nothing here builds data itself: a run is
`gata.warehouse.onboard.onboard` or `gata.warehouse.sync.sync_tenant`, so locks, run records and snapshots
are those of `gata onboard` / `gata sync`.
"""
