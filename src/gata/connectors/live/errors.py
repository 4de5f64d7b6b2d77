"""Errors of live sources: each names the tenant, the source, the problem and what to do about it.

Messages never carry a credential: URLs are cut at their query string, response bodies are the API's own
error text (which echoes no token)."""

from __future__ import annotations


class LiveSourceError(RuntimeError):
    """A live pull that cannot go on. Raised before anything is staged for landing, so nothing lands."""

    def __init__(self, tenant: str, connector: str, problem: str, action: str) -> None:
        self.tenant, self.connector, self.problem, self.action = tenant, connector, problem, action
        super().__init__(f"tenant '{tenant}', source '{connector}': {problem}; {action}")


class CredentialsError(LiveSourceError):
    """Missing, expired, revoked or refused credentials."""


class ApiError(LiveSourceError):
    """The API answered with an error that retrying did not cure."""


class MalformedResponseError(LiveSourceError):
    """A page that is not the JSON the API documents."""


class ReportTimeoutError(LiveSourceError):
    """An asynchronous report job that did not finish within report_timeout_seconds."""


def without_query(url: str) -> str:
    """A URL safe to show: paging links of some APIs carry the access token in their query string."""
    return url.split("?", 1)[0]
