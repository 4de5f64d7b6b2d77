"""The OAuth2 token endpoint the simulated platforms share (Google, Microsoft, Amazon): a refresh token the
simulator knows as valid buys an access token; an expired or revoked one gets `invalid_grant`."""

from __future__ import annotations

from fastapi import Form
from fastapi.responses import JSONResponse

from gata.connectors.simulator.state import SimulatorState

REFUSED = "Token has been expired or revoked."  # Google's words; Microsoft and Amazon say as little


def token_endpoint(state: SimulatorState):
    def token(
        grant_type: str = Form(...),  # noqa: B008 (FastAPI form parameters)
        refresh_token: str = Form(""),  # noqa: B008
        client_id: str = Form(""),  # noqa: B008
    ) -> JSONResponse:
        if grant_type != "refresh_token" or not client_id:
            return JSONResponse(
                {"error": "invalid_request", "error_description": "refresh_token grant with client_id"}, 400
            )
        status = state.token(refresh_token)
        if status is None:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "Bad Request (unknown refresh token)"}, 400
            )
        if status != "valid":
            return JSONResponse({"error": "invalid_grant", "error_description": REFUSED}, 400)
        return JSONResponse(
            {"access_token": state.issue_access_token(refresh_token), "expires_in": 3599, "token_type": "Bearer"}
        )

    return token
