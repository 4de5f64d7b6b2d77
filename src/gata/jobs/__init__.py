"""Background pipeline jobs: the web app's onboarding runs in its own process, never in the server's.

A job is a child process (`python -m gata.jobs.worker`), so the API keeps answering while dbt builds, and a
job survives the server restarting. Its progress is its record (`store.py`); exclusivity per tenant and the
queue for the warehouse are the pipeline's own locks (`gata.warehouse.locks`).
"""
