"""Per-tenant observability: every run captured in the warehouse, drift, lineage, health served per tenant."""
