"""Mixpanel client: the Raw Export API for events and the Engage API for people.

- Auth: a service account (username and secret), HTTP basic; an account is a project id, sent as
  `project_id`. Hosts: data.mixpanel.com for the export, mixpanel.com for the rest (EU residency: point
  `base_url` at the EU hosts; with `base_url` set both are under it).
- Events: `GET /api/2.0/export?from_date&to_date` (inclusive days, project time zone UTC) answers JSON lines,
  one `{event, properties}` per line; one request per day. The raw export keeps duplicates that Mixpanel's
  reports hide: an event is kept once per (event, distinct_id, time, $insert_id), as Mixpanel deduplicates.
- People: the profiles of the window's identified users, `POST /api/2.0/engage` with `distinct_ids`, paged
  by `page` and the `session_id` of the first answer.
- `gata connect` reads `GET /api/app/me`: the projects the service account may read.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import MalformedResponseError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.source import Account, Records

BASE_URL = "https://mixpanel.com"
EXPORT_URL = "https://data.mixpanel.com"
SECRETS = ("username", "secret")
ENGAGE_BATCH = 1000
RERUN = "nothing was landed; rerun the sync"


def _message(response: requests.Response) -> str:
    data = body(response)
    return str(data.get("error") or data) if isinstance(data, dict) else response.text[:300]


def _auth_problem(response: requests.Response) -> str | None:
    if response.status_code == 401:
        return f"Mixpanel refused the service account (revoked, or its secret rotated): {_message(response)}"
    return None


RULES = ErrorRules(auth_problem=_auth_problem, message=_message, secret="secret")


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    auth = HttpBasicAuth(username=secrets["username"], password=secrets["secret"])
    return ApiClient(ctx, ctx.options.base_url or BASE_URL, RULES, auth=auth)


def _export_url(api: ApiClient) -> str:
    base = api.ctx.options.base_url or EXPORT_URL
    return f"{base.rstrip('/')}/api/{api.ctx.api_version}/export"


def accounts(api: ApiClient) -> list[Account]:
    me = api.json("GET", "api/app/me")
    projects = (me.get("results") or {}).get("projects") or {}
    return [Account(str(pid), str(p.get("name", ""))) for pid, p in projects.items() if isinstance(p, dict)]


def entities(api: ApiClient, account: str) -> Records:
    return iter(())


def _events(api: ApiClient, account: str, day: date) -> list[dict]:
    params = {"project_id": account, "from_date": day.isoformat(), "to_date": day.isoformat()}
    response = api.send(requests.Request("GET", _export_url(api), params=params))
    try:
        events = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    except ValueError:
        raise api.malformed(response, "a line is not JSON") from None
    if any(not isinstance(e, dict) or not isinstance(e.get("properties"), dict) for e in events):
        raise api.malformed(response, "an event is not {event, properties}")
    return events


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    seen: set[tuple] = set()
    identified: dict[str, None] = {}
    day = first
    while day <= last:
        batch = []
        for e in _events(api, account, day):
            p = e["properties"]
            key = (e.get("event"), p.get("distinct_id"), p.get("time"), p.get("$insert_id"))
            if key in seen:
                continue
            seen.add(key)
            if p.get("$user_id"):
                identified.setdefault(p["$user_id"], None)
            batch.append(e)
        yield "events", batch
        day += timedelta(days=1)
    ids = list(identified)
    for k in range(0, len(ids), ENGAGE_BATCH):
        yield "people", _people(api, account, ids[k : k + ENGAGE_BATCH])


def _people(api: ApiClient, account: str, distinct_ids: list[str]) -> list[dict]:
    form: dict = {"distinct_ids": json.dumps(distinct_ids)}
    people, page = [], 0
    while True:
        answer = api.json("POST", f"api/{api.ctx.api_version}/engage", params={"project_id": account}, data=form)
        results = answer.get("results")
        if not isinstance(results, list):
            raise api.ctx.error(MalformedResponseError, "an Engage answer came without results", RERUN)
        people.extend(results)
        if len(results) < int(answer.get("page_size") or ENGAGE_BATCH) or not results:
            return people
        page += 1
        form = {**form, "page": page, "session_id": answer.get("session_id")}
