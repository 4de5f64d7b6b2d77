"""OAuth2 refresh-token flow (Google Ads, Microsoft Advertising, Amazon Ads): a requests auth that trades
the stored refresh token for a short-lived access token, renews it a minute before it expires, and turns a
refused refresh (`invalid_grant`: expired or revoked) into a CredentialsError naming what to renew. The token
endpoint is retried on 429, 5xx and connection errors as the API is (a token server's hiccup is no reason to
fail a sync)."""

from __future__ import annotations

import time

import requests
from requests.auth import AuthBase

from gata.connectors.live.errors import ApiError, without_query
from gata.connectors.live.http import LiveContext, body, retrying_client

RENEW_BEFORE_SECONDS = 60


class RefreshTokenAuth(AuthBase):
    def __init__(self, ctx: LiveContext, token_url: str, form: dict[str, str], header: str = "Authorization") -> None:
        self.ctx, self.token_url, self._form, self.header = ctx, token_url, form, header
        self._token: str | None = None
        self._expires = 0.0
        self._client = retrying_client(ctx.options)

    def __repr__(self) -> str:
        return f"RefreshTokenAuth({without_query(self.token_url)})"

    def access_token(self) -> str:
        if self._token is None or time.monotonic() > self._expires - RENEW_BEFORE_SECONDS:
            self._refresh()
        assert self._token is not None
        return self._token

    def _refresh(self) -> None:
        try:
            response = self._client.session.post(
                self.token_url,
                data={"grant_type": "refresh_token", **self._form},
                timeout=self.ctx.options.request_timeout_seconds,
            )
        except requests.RequestException as exc:
            raise self.ctx.error(
                ApiError,
                f"the token endpoint {without_query(self.token_url)} failed: {type(exc).__name__}",
                "rerun later",
            ) from None
        data = body(response) or {}
        if response.status_code in (400, 401) and data.get("error") in (
            "invalid_grant",
            "invalid_client",
            "unauthorized_client",
        ):
            what = data.get("error_description") or data["error"]
            raise self.ctx.credentials_error(f"the OAuth2 refresh was refused: {what}", "refresh_token")
        if response.status_code != 200 or not data.get("access_token"):
            raise self.ctx.error(
                ApiError,
                f"the token endpoint {without_query(self.token_url)} answered {response.status_code}",
                "rerun later",
            )
        self._token = str(data["access_token"])
        self._expires = time.monotonic() + float(data.get("expires_in", 3600))

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self.header] = f"Bearer {self.access_token()}"
        return request
