"""What the simulator knows: the accounts it serves, its clock, its tokens, its faults, the requests it saw.

Accounts are every ad account, shop and analytics tool of every tenant in the configuration it was started
with (whatever the sources' modes: the simulated business is the same), so a live source names the simulated
account ids. Shops and analytics tools have no id in the simulated world; `site_account_id` gives them the one
their platform would (a shop's subdomain, a store hash, the site, a BigQuery dataset, a project id).
The clock is the as-of day: moving it forward restates recent days, as a real platform does between pulls.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from gata.config.tenants import GataConfig
from gata.connectors.base import RenderContext
from gata.connectors.registry import connector_module
from gata.simulation.cutoff import data_through, day_end, is_partial, simulate_until
from gata.simulation.world import AdAccount, World, build_world

TokenState = Literal["valid", "expired", "revoked"]
FaultKind = Literal["429", "500", "503", "throttle", "malformed", "stuck_job"]
CACHED_DAYS = 4096


def site_account_id(world: World, connector: str) -> str:
    """The id a shop or analytics tool of the simulated business has on its platform (what a live source's
    `accounts` names)."""
    ns, slug = world.namespace, world.tenant.slug
    ids = {
        "shopify": f"{slug.replace('_', '-')}-{ns}",  # the shop's myshopify.com subdomain
        "bigcommerce": f"{ns:x}",  # the store hash (render.py links sub-resources under it)
        "woocommerce": world.site_domain,  # the WordPress site
        "google_analytics": f"gata-sim-{ns}.analytics_{300_000_000 + ns * 100 + 1}",  # project.dataset
        "amplitude": str(ns * 10 + 1),  # the project id (render.py's `app`)
        "mixpanel": str(ns * 10 + 2),  # the project id
    }
    return ids[connector]


@dataclass(frozen=True)
class ServedAccount:
    tenant: str
    connector: str
    world: World
    account_id: str

    @property
    def account(self) -> AdAccount:
        return self.world.ad_account(self.connector)

    @property
    def family(self) -> tuple[str, ...]:
        """The connectors rendered together with this one from one simulation of a day: all the tenant's ad
        accounts (one request for a report renders the day for each), else this connector alone."""
        ads = tuple(a.connector for a in self.world.ad_accounts)
        return ads if self.connector in ads else (self.connector,)


@dataclass
class Fault:
    kind: FaultKind
    path_contains: str = ""
    times: int = 1
    retry_after: int = 1

    def matches(self, path: str) -> bool:
        return self.times > 0 and self.path_contains in path


@dataclass
class Job:
    id: str
    account: str
    params: dict
    stuck: bool = False
    polls: int = 0


@dataclass
class SimulatorState:
    config: GataConfig
    as_of: date = field(default_factory=lambda: datetime.now(UTC).date())
    tokens: dict[str, TokenState] = field(default_factory=dict)  # access tokens, or refresh tokens (OAuth2)
    access_tokens: dict[str, str] = field(default_factory=dict)  # issued access token -> its refresh token
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    jobs: dict[str, Job] = field(default_factory=dict)
    served: dict[tuple[str, str], dict] = field(default_factory=dict)  # (account, kind) -> {id: record}
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _accounts: dict[tuple[str, str], ServedAccount] = field(default_factory=dict, repr=False)
    _days: OrderedDict = field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        for tenant in self.config.tenants:
            world = build_world(tenant)
            for acct in world.ad_accounts:
                served = ServedAccount(tenant.slug, acct.connector, world, acct.account_id)
                self._accounts[(acct.connector, acct.account_id)] = served
            for connector in [s.connector for s in world.shops] + [t.connector for t in world.analytics]:
                if connector is not None:
                    served = ServedAccount(tenant.slug, connector, world, site_account_id(world, connector))
                    self._accounts[(connector, served.account_id)] = served

    # --- accounts and records ---

    def accounts(self, connectors: tuple[str, ...]) -> list[ServedAccount]:
        return [a for (c, _), a in self._accounts.items() if c in connectors]

    def account(self, connectors: tuple[str, ...], account_id: str) -> ServedAccount | None:
        return next((self._accounts[(c, account_id)] for c in connectors if (c, account_id) in self._accounts), None)

    def entities(self, served: ServedAccount) -> dict[str, list[dict]]:
        ctx = RenderContext(served.world, served.connector, self.as_of, self.data_through(self.as_of))
        return connector_module(served.connector).entities(ctx)

    def daily(self, served: ServedAccount, first: date, last: date) -> dict[str, list[dict]]:
        """Each daily object's records over the days (none after the clock), as known on the clock's day."""
        out: dict[str, list[dict]] = {}
        day = first
        while day <= min(last, self.as_of):
            for obj, records in self.day(served, day).items():
                out.setdefault(obj, []).extend(records)
            day += timedelta(days=1)
        return out

    def data_through(self, day: date) -> datetime | None:
        """When the clock's day is today, the API knows that day up to now, to the minute (so the pages of one
        read agree); any other day it knows whole."""
        if day != self.as_of:
            return None
        moment = data_through(self.as_of, datetime.now(UTC).replace(second=0, microsecond=0))
        return moment if is_partial(day, moment) else None

    def day(self, served: ServedAccount, day: date) -> dict:
        """One day rendered for the account's family at once (one simulation of the day feeds all)."""
        # the clock's moment shapes every day: the clock's day is cut there, and an older day's orders show
        # only the changes (fulfilment, refunds) made before it
        moment = self.data_through(self.as_of)
        key = (served.tenant, served.family, day, self.as_of, moment)
        with self._lock:
            rendered = self._days.get(key)
        if rendered is None:
            # every day is cut where the clock stands (the end of its day when that is over): the clock's day, and
            # the late sessions of the day before it that run past that moment
            sim = simulate_until(served.world, day, moment or day_end(self.as_of))
            rendered = {
                c: connector_module(c).daily(RenderContext(served.world, c, self.as_of, moment), sim)
                for c in served.family
            }
            with self._lock:
                self._days[key] = rendered
                while len(self._days) > CACHED_DAYS:
                    self._days.popitem(last=False)
        return rendered[served.connector]

    def remember(self, served: ServedAccount, kind: str, records: dict) -> None:
        """Records served, by id, for the routes that look one up later (a BigCommerce order's products, an
        Amplitude or Mixpanel profile): the platform knows what it has sent."""
        with self._lock:
            self.served.setdefault((served.account_id, kind), {}).update(records)

    def recall(self, served: ServedAccount, kind: str, key: object) -> dict | None:
        with self._lock:
            return self.served.get((served.account_id, kind), {}).get(key)

    # --- tokens, faults, requests ---

    def token(self, token: str | None) -> TokenState | None:
        return self.tokens.get(token) if token else None

    def issue_access_token(self, refresh_token: str) -> str:
        """OAuth2 refresh: a new access token bound to the refresh token (whose state it follows)."""
        with self._lock:
            issued = f"sim-access-{len(self.access_tokens) + 1}"
            self.access_tokens[issued] = refresh_token
        return issued

    def bearer(self, access_token: str | None) -> TokenState | None:
        """The state of an OAuth2 access token: that of the refresh token it was issued for."""
        refresh = self.access_tokens.get(access_token or "")
        return self.token(refresh) if refresh else None

    def start_job(self, id_format: str, account: str, params: dict, path: str) -> Job:
        """A new report job, its id `id_format` filled with a sequence number; a `stuck_job` fault matching
        `path` makes it one that never finishes."""
        stuck = self.take_stuck_job(path)
        with self._lock:
            job = Job(id_format.format(len(self.jobs) + 1), account, params, stuck=stuck)
            self.jobs[job.id] = job
        return job

    def oauth_bearer(self, authorization: str | None) -> TokenState | None:
        """The state behind an `Authorization: Bearer <access token>` header of an OAuth2 platform."""
        header = authorization or ""
        return self.bearer(header[7:] if header.lower().startswith("bearer ") else None)

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(path) and fault.kind != "stuck_job":
                    fault.times -= 1
                    return fault
        return None

    def take_stuck_job(self, path: str) -> bool:
        with self._lock:
            for fault in self.faults:
                if fault.kind == "stuck_job" and fault.matches(path):
                    fault.times -= 1
                    return True
        return False

    def log(self, method: str, path: str, params: dict, status: int) -> None:
        with self._lock:
            self.requests.append({"method": method, "path": path, "params": params, "status": status})
