"""Process settings from the environment (GATA_*), shared by the CLI, the pipeline and the API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATA_", extra="ignore")

    workspace: Path = Field(Path("workspace"), description="Folder of the tenant databases, generated files and runs.")
    tenants_file: Path | None = Field(
        None, description="Tenants file the CLI reads and the web app's wizard adds tenants to (default: tenants.yaml)."
    )
    duckdb_memory_limit: str = Field(
        "2GB", description="Memory limit of DuckDB in each pipeline process (landing and building one tenant)."
    )
    duckdb_threads: int | None = Field(
        None, ge=1, le=256, description="DuckDB and dbt threads per pipeline process (default: cores / parallel runs)."
    )
    parallel_tenants: int | None = Field(
        None,
        ge=1,
        le=256,
        description="Tenants onboarded, synced or replayed at once, each in its own process (default: one per core).",
    )
    orchestrator: Literal["embedded", "dagster"] = Field(
        "embedded",
        description="Who runs the web wizard's onboarding: its own worker process (embedded), or Dagster's tenants "
        "sensor (dagster: the job is queued for the sensor, which tags its run with the job).",
    )
    dagster_max_runs: int = Field(
        2, ge=1, le=1000, description="Dagster runs in progress at once (each a whole tenant), in the local instance."
    )
    dagster_sensor_seconds: int = Field(
        30, ge=1, le=3600, description="How often Dagster's tenants sensor compares its partitions with the file."
    )
    dagster_onboard_days: int = Field(
        30, ge=1, le=3660, description="Days of history a tenant onboarded by Dagster's sensor gets (wizard: its own)."
    )
    dagster_retries: int = Field(
        3, ge=0, le=20, description="Retries of a Dagster tenant run after a transient source error."
    )
    dagster_retry_seconds: float = Field(
        30.0, ge=0, le=3600, description="Wait before the first retry; doubled at each further one."
    )
    serving_memory_limit: str = Field("1GB", description="Memory limit of each tenant snapshot the API reads.")
    serving_threads: int | None = Field(
        None,
        ge=1,
        le=256,
        description="DuckDB threads one tenant's query may use in the API (default: every core but one, so a "
        "tenant's costliest query always leaves a core to the other tenants).",
    )
    session_hours: float = Field(
        12.0, gt=0, le=24 * 30, description="How long a web-app sign-in lasts before the user signs in again."
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For/-Proto are believed "
        "(default none: the client address is the connection's).",
    )
    signin_failures_per_user: int = Field(
        10, ge=1, description="Failed sign-ins of one username (from anywhere) before it waits 15 minutes."
    )
    signin_failures_per_address: int = Field(
        100, ge=1, description="Failed sign-ins from one client address (any usernames) before it waits 15 minutes."
    )
    max_body_bytes: int = Field(
        1_000_000, ge=1_000, description="Largest request body; a bigger one is refused (413) before it is read."
    )
    max_header_bytes: int = Field(16_384, ge=1_024, description="Largest request line and headers (431 above).")
    max_json_depth: int = Field(32, ge=4, le=512, description="Deepest nesting of a JSON body (400 deeper).")
    query_timeout: float = Field(
        10.0, gt=0, le=3600, description="Seconds one query or export may run before it is interrupted (503)."
    )
    tenant_concurrency: int = Field(
        1,
        ge=1,
        le=64,
        description="Queries, questions and exports one tenant runs at once; more wait their turn. Compiling a "
        "query is Python holding the GIL, so a second one of the same tenant would only take turns from others.",
    )
    compile_workers: int = Field(
        2,
        ge=0,
        le=32,
        description="Processes that compile semantic queries for `gata serve` (0: in the server's process). ibis "
        "compiles holding the GIL, so in the server one tenant's costly query would stall every other tenant.",
    )
    compile_timeout: float = Field(
        30.0,
        gt=0,
        le=600,
        description="Seconds a query may wait for and take to compile in a worker before the worker is replaced (503).",
    )
    tenant_queue: int = Field(16, ge=0, le=1000, description="How many may wait for a turn; more are refused (429).")
    tenant_wait: float = Field(10.0, ge=0, le=300, description="Seconds one may wait for a turn before a 429.")
    tenant_rate: float = Field(50.0, gt=0, description="Queries, questions and exports one tenant starts per second.")
    tenant_burst: int = Field(100, ge=1, description="How many a tenant may start at once above its rate.")
    tenant_cpu_share: float = Field(
        0.25, gt=0, le=64, description="CPU-seconds a second one tenant's queries may use, on average (429 beyond)."
    )
    tenant_cpu_burst: float = Field(
        3.0, gt=0, description="CPU-seconds a tenant may use at once before its share applies (a dashboard's load)."
    )
    max_export_rows: int = Field(1_000_000, ge=1, description="Most rows one Arrow export may stream.")
    result_cache: bool = Field(True, description="Cache query results per tenant and data version.")
    host: str = Field("127.0.0.1", description="Address `gata serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port of `gata serve`.")
    motherduck_database: str | None = Field(
        None,
        description="Land and build each tenant in a MotherDuck database instead of its local DuckDB file: a name "
        "template such as `gata_{slug}` (a name without `{slug}` gets `_<slug>` appended: one database per tenant).",
    )
    motherduck_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("GATA_MOTHERDUCK_TOKEN", "MOTHERDUCK_TOKEN")
    )
    nl_interpreter: Literal["builtin", "llm"] = Field(
        "builtin", description="How `/ask` reads questions by default: built-in rules, or the LLM below."
    )
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible API base, e.g. http://localhost:11434/v1 (Ollama), for `/ask`."
    )
    llm_model: str | None = Field(None, description="Model name sent to the LLM endpoint.")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key of the LLM endpoint, if it needs one.")
    llm_timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for one LLM reply.")


def parallel_runs(settings: Settings, tenants: int) -> int:
    """How many tenant runs go at once: the setting, else one per core; never more than there are tenants."""
    return max(1, min(tenants, settings.parallel_tenants or os.cpu_count() or 1))


def serving_threads(settings: Settings) -> int:
    return settings.serving_threads or max(1, (os.cpu_count() or 1) - 1)


def pipeline_duckdb_limits(settings: Settings) -> dict[str, str | int]:
    """DuckDB's bounds in a pipeline process (landing, publishing; dbt reads the same settings from its
    profile): past the memory limit DuckDB spills to disk instead of growing with the tenant's history, and
    parallel runs share the cores instead of oversubscribing them."""
    limits: dict[str, str | int] = {"memory_limit": settings.duckdb_memory_limit}
    if settings.duckdb_threads:
        limits["threads"] = settings.duckdb_threads
    return limits


def bound_pipeline_connection(con: Any, settings: Settings) -> None:
    """Apply the pipeline's DuckDB bounds to an open connection (SET, not connect-time config: another
    connection of this process to the same file may already be open with the defaults)."""
    for name, value in pipeline_duckdb_limits(settings).items():
        con.execute(f"set {name} = '{str(value).replace(chr(39), '')}'")


def threads_per_run(settings: Settings, runs: int) -> int:
    """DuckDB/dbt threads of one pipeline process, so parallel runs share the cores instead of oversubscribing."""
    return settings.duckdb_threads or max(1, (os.cpu_count() or 1) // max(1, runs))


@contextmanager
def cores_shared(settings: Settings, runs: int) -> Iterator[None]:
    """This process is one of `runs` pipeline runs at once (a Dagster run beside the others its instance allows):
    the DuckDB and dbt threads of everything it starts (read from GATA_DUCKDB_THREADS) are its share of the
    cores, as in `gata sync --all`'s processes, instead of every run taking all of them."""
    if settings.duckdb_threads:
        yield
        return
    before = os.environ.get("GATA_DUCKDB_THREADS")
    os.environ["GATA_DUCKDB_THREADS"] = str(threads_per_run(settings, runs))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("GATA_DUCKDB_THREADS", None)
        else:
            os.environ["GATA_DUCKDB_THREADS"] = before


def motherduck_database_for(settings: Settings, slug: str) -> str | None:
    """The tenant's MotherDuck database name, or None when tenants live in local DuckDB files."""
    template = settings.motherduck_database
    if not template:
        return None
    return template.replace("{slug}", slug) if "{slug}" in template else f"{template}_{slug}"
