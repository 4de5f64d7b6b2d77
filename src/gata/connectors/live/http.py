"""HTTP for live clients: dlt's retrying requests session, dlt's paginators and auth classes, strict checks.

Every request is retried on 429, 5xx and connection errors, and on what the platform says is throttling
(`ErrorRules.throttled`: Meta's error codes 4, 17, 613, 800xx, TikTok's 40100, ...), with exponential back-off
that honours Retry-After (dlt's `Client`). After the last attempt, or on any other error, the request fails
with a `LiveSourceError` naming the tenant, source, the API's own message and what to do. A page that is not
the documented JSON fails too: a silently empty page would lose data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from dlt.common import jsonpath
from dlt.sources.helpers.requests.retry import Client
from dlt.sources.helpers.rest_client.paginators import BasePaginator
from requests.auth import AuthBase

from gata.config.catalog import Catalog
from gata.config.tenants import LiveOptions, SourceConfig
from gata.connectors.live.credentials import Secrets, where_to_put
from gata.connectors.live.errors import (
    ApiError,
    CredentialsError,
    LiveSourceError,
    MalformedResponseError,
    without_query,
)


@dataclass(frozen=True)
class LiveContext:
    """One live source of one tenant: who it is for, what it reads and how."""

    tenant: str
    connector: str
    accounts: list[str]
    options: LiveOptions
    api_version: str

    def error(self, kind: type[LiveSourceError], problem: str, action: str) -> LiveSourceError:
        return kind(self.tenant, self.connector, problem, action)

    def credentials_error(self, problem: str, secret: str) -> CredentialsError:
        action = f"store a new one ({where_to_put(self.tenant, self.connector, secret)}), then check it with " + (
            f"`gata connect {self.tenant} {self.connector}`"
        )
        return CredentialsError(self.tenant, self.connector, problem, action)


def api_version(source: SourceConfig, catalog: Catalog) -> str:
    return source.options.api_version or catalog[source.connector].api_version


@dataclass(frozen=True)
class ErrorRules:
    """How one platform says 'slow down' and 'your credentials are no good', and where its message is."""

    throttled: Callable[[requests.Response], bool] = lambda r: False
    failed: Callable[[requests.Response], bool] = lambda r: r.status_code >= 400  # TikTok: code != 0 in a 200
    auth_problem: Callable[[requests.Response], str | None] = lambda r: None  # e.g. "the access token has expired"
    message: Callable[[requests.Response], str] = lambda r: r.text[:300]
    secret: str = "access_token"  # the secret to renew when auth_problem is found


def retrying_client(options: LiveOptions, retry_condition: Callable | None = None) -> Client:
    """dlt's retrying HTTP client with the source's attempts, back-off and time-out: 429, 5xx and connection
    errors are retried, and whatever else `retry_condition` says is throttling."""
    return Client(
        request_timeout=options.request_timeout_seconds,
        raise_for_status=False,
        request_max_attempts=options.max_attempts,
        request_backoff_factor=options.backoff_seconds,
        request_max_retry_delay=options.max_retry_delay_seconds,
        respect_retry_after_header=True,
        retry_condition=retry_condition,
    )


def body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@dataclass
class ApiClient:
    """A retrying session bound to one live source, its base URL, auth and error rules."""

    ctx: LiveContext
    base_url: str
    rules: ErrorRules
    auth: AuthBase | None = None
    headers: dict[str, str] = field(default_factory=dict)
    secrets: Secrets | None = field(default=None, repr=False)  # for calls beyond the auth (TikTok's app secret)
    requests_sent: int = 0

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._client = retrying_client(
            self.ctx.options, lambda response, exc: response is not None and self.rules.throttled(response)
        )

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def account_url(self, account: str, path: str) -> str:
        """`path` under the account's own host: a base URL holding `{account}` (https://{account}.myshopify.com)
        gets the account filled in; one without it is the same for every account."""
        return self.url(path).replace("{account}", quote(account, safe=""))

    def send(self, request: requests.Request) -> requests.Response:
        request.auth = request.auth or self.auth
        request.headers = {**self.headers, **(request.headers or {})}
        return self._send(request)

    def download(self, url: str) -> requests.Response:
        """A pre-signed URL (a report file on a storage host): neither the auth nor the default headers (tokens)
        are sent to it."""
        return self._send(requests.Request("GET", url))

    def _send(self, request: requests.Request) -> requests.Response:
        session = self._client.session
        try:
            response = session.send(session.prepare_request(request), timeout=self.ctx.options.request_timeout_seconds)
        except requests.RequestException as exc:
            raise self.ctx.error(
                ApiError, f"{request.method} {without_query(request.url)} failed: {type(exc).__name__}", "rerun later"
            ) from None
        self.requests_sent += 1
        self.check(response)
        return response

    def check(self, response: requests.Response) -> None:
        problem = self.rules.auth_problem(response)
        if problem:
            raise self.ctx.credentials_error(problem, self.rules.secret)
        if self.rules.failed(response) or self.rules.throttled(response):
            what = "still throttled after every retry" if self.rules.throttled(response) else "error"
            raise self.ctx.error(
                ApiError,
                f"{response.request.method} {without_query(response.url)} answered {response.status_code} ({what}): "
                f"{self.rules.message(response)}",
                "rerun later; if it persists, check the source's options (api_version, accounts)",
            )

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.send(requests.Request(method, self.url(path), **kwargs))
        data = body(response)
        if data is None:
            raise self.malformed(response, "not JSON")
        return data

    def malformed(self, response: requests.Response, why: str) -> MalformedResponseError:
        return self.ctx.error(
            MalformedResponseError,
            f"{response.request.method} {without_query(response.url)} returned a malformed page ({why})",
            "nothing was landed; rerun the sync (if it persists, report it to the platform)",
        )

    def pages(
        self,
        path: str,
        paginator: BasePaginator,
        data_selector: str,
        params: dict[str, Any] | None = None,
        method: str = "GET",
        json_body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Iterator[list[dict]]:
        """Each page's records, with dlt's paginator moving the request along. A page without a list at
        `data_selector` ("$": the page is the list) is malformed; a 204 (No Content) is an empty page."""
        request = requests.Request(method, self.url(path), params=dict(params or {}), json=json_body, headers=headers)
        paginator.init_request(request)
        while True:
            response = self.send(request)
            data = [] if response.status_code == 204 else body(response)
            if data_selector == "$":
                found = [data]
            else:
                found = jsonpath.find_values(data_selector, data) if isinstance(data, dict) else []
            if len(found) != 1 or not isinstance(found[0], list):
                raise self.malformed(response, f"no list at '{data_selector}'")
            records = found[0]
            if any(not isinstance(r, dict) for r in records):
                raise self.malformed(response, "a record is not an object")
            paginator.update_state(response, records)
            paginator.update_request(request)
            yield records
            if not paginator.has_next_page:
                return
