"""Amplitude, simulated: /amplitude/{project}/api/2/export and /amplitude/{project}/api/2/useractivity.

The project id in the path stands in for "the project the key pair opens". The export answers a zip with a
folder named after the project and one gzipped JSON-lines file per upload hour
(`{project}_{YYYY-MM-DD}_{H}#0.json.gz`), holding render.py's events by `server_upload_time`; an SDK retry is
played by sending every 50th event a second time with a new `uuid` and the same `$insert_id`. A range with no
data is a 404. useractivity answers the `userData` of a user the export has sent. Auth is HTTP basic with an
API key the simulator knows as valid and a non-empty secret key.
"""

from __future__ import annotations

import gzip
import io
import json
import uuid
import zipfile
from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gata.connectors.simulator.auth import basic_credentials
from gata.connectors.simulator.state import ServedAccount, SimulatorState

PREFIX = "amplitude"
CONNECTORS = ("amplitude",)
BASE_SUFFIX = "/{account}"  # each account is its own host: the base URL names it
RETRIED_EVERY = 50
HOUR = "%Y%m%dT%H"


class ApiFailure(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def failure_response(request: Request, exc: ApiFailure) -> JSONResponse:
    return JSONResponse({"error": exc.message}, exc.status)


def throttled(retry_after: int) -> JSONResponse:
    return JSONResponse({"error": "Too many requests"}, 429, headers={"Retry-After": str(retry_after)})


def _hour(text: str | None, name: str) -> datetime:
    try:
        return datetime.strptime(text or "", HOUR)
    except ValueError:
        raise ApiFailure(400, f"{name} must be YYYYMMDDTHH") from None


def _retried(event: dict) -> dict:
    """The same event sent again by the SDK: Amplitude gives it a new uuid."""
    return {**event, "uuid": str(uuid.UUID(int=uuid.UUID(event["uuid"]).int ^ 0xFFFF, version=4))}


def router(state: SimulatorState) -> APIRouter:
    def served(request: Request, project: str) -> ServedAccount:
        key, secret = basic_credentials(request)
        if state.token(key) != "valid" or not secret:
            raise ApiFailure(401, "Invalid API key or secret key")
        acct = state.account(CONNECTORS, project)
        if acct is None:
            raise ApiFailure(403, "The API key does not belong to this project")
        return acct

    r = APIRouter(prefix="/{project}/api/2")

    @r.get("/export")
    def export(request: Request, project: str):
        acct = served(request, project)
        start, end = _hour(request.query_params.get("start"), "start"), _hour(request.query_params.get("end"), "end")
        if end < start or end - start > timedelta(days=365):
            raise ApiFailure(400, "end must follow start, at most 365 days later")
        hours: dict[str, list[dict]] = {}
        day = start.date() - timedelta(days=1)  # uploads of an hour may carry the previous day's last events
        while day <= min(end.date(), state.as_of):
            rendered = state.day(acct, day)
            state.remember(acct, "users", {u["amplitude_id"]: u for u in rendered.get("users", [])})
            for k, event in enumerate(rendered.get("events", [])):
                uploaded = datetime.strptime(event["server_upload_time"][:13], "%Y-%m-%d %H")
                if start <= uploaded <= end:
                    file = f"{project}/{project}_{uploaded:%Y-%m-%d}_{uploaded.hour}#0.json.gz"
                    hours.setdefault(file, []).append(event)
                    if k % RETRIED_EVERY == RETRIED_EVERY - 1:
                        hours[file].append(_retried(event))
            day += timedelta(days=1)
        if not hours:
            raise ApiFailure(404, "Raw data files were not found.")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for name, events in hours.items():
                lines = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events)
                archive.writestr(name, gzip.compress(lines.encode(), mtime=0))
        return Response(buffer.getvalue(), media_type="application/zip")

    @r.get("/useractivity")
    def useractivity(request: Request, project: str):
        acct = served(request, project)
        try:
            user = state.recall(acct, "users", int(request.query_params.get("user", "")))
        except ValueError:
            raise ApiFailure(400, "user must be an Amplitude id") from None
        if user is None:
            raise ApiFailure(404, "User not found")
        renamed = {"amplitude_id": "canonical_amplitude_id", "user_properties": "properties"}
        data = {renamed.get(k, k): v for k, v in user.items()}
        return {"userData": {**data, "merged_amplitude_ids": [], "num_events": None}, "events": []}

    return r
