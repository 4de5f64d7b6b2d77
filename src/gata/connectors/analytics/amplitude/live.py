"""Amplitude client: the Export API for events and the Dashboard REST API's user activity for profiles.

- Auth: the project's API key and secret key, HTTP basic. An account is the project id (a key pair opens one
  project); the base URL may hold `{account}` (the simulator serves each project under its own path).
- Events: `GET /api/2/export?start=YYYYMMDDTHH&end=YYYYMMDDTHH` answers a zip holding one gzipped JSON-lines file
  per hour, or 404 when the range holds no data. Hours are those the events were *uploaded* in, so the client
  asks one hour past the window (an event of 23:59:59 arrives after midnight) and keeps the events whose
  `event_time` falls in the window; one request per day keeps each zip small.
- Deduplication: an event re-sent with the same `$insert_id` (an SDK retry) is kept once.
- Users: the profiles of the window's users, `GET /api/2/useractivity?user=<amplitude id>` (`userData`), landed
  as render.py's `users` records (`canonical_amplitude_id` -> `amplitude_id`, `properties` -> `user_properties`).
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from datetime import date, timedelta

import requests
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.errors import ApiError, MalformedResponseError
from gata.connectors.live.http import ApiClient, ErrorRules, LiveContext, body
from gata.connectors.live.source import Account, Records

BASE_URL = "https://amplitude.com"
SECRETS = ("api_key", "secret_key")
USER_FIELDS = ("amplitude_id", "user_id", "device_ids", "first_used", "country", "city", "platform", "user_properties")
RENAMED = {"amplitude_id": "canonical_amplitude_id", "user_properties": "properties"}
RERUN = "nothing was landed; rerun the sync"


def _no_data(response: requests.Response) -> bool:
    return response.status_code == 404 and response.request.path_url.split("?")[0].endswith("/export")


def _message(response: requests.Response) -> str:
    data = body(response)
    return str(data.get("error") or data) if isinstance(data, dict) else response.text[:300]


def _auth_problem(response: requests.Response) -> str | None:
    if response.status_code in (401, 403):
        return f"Amplitude refused the API key (revoked, or the secret key does not match): {_message(response)}"
    return None


RULES = ErrorRules(
    failed=lambda r: r.status_code >= 400 and not _no_data(r),
    auth_problem=_auth_problem,
    message=_message,
    secret="api_key",
)


def client(ctx: LiveContext, secrets: Secrets) -> ApiClient:
    auth = HttpBasicAuth(username=secrets["api_key"], password=secrets["secret_key"])
    return ApiClient(ctx, ctx.options.base_url or BASE_URL, RULES, auth=auth)


def _export(api: ApiClient, account: str, start: str, end: str) -> list[dict]:
    url = api.account_url(account, f"api/{api.ctx.api_version[1:]}/export")
    response = api.send(requests.Request("GET", url, params={"start": start, "end": end}))
    if _no_data(response):
        return []
    events = []
    try:
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith(".json.gz"):
                    text = gzip.decompress(archive.read(name)).decode("utf-8")
                    events.extend(json.loads(line) for line in text.splitlines() if line.strip())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise api.malformed(response, f"not a zip of gzipped JSON lines: {type(exc).__name__}") from None
    if any(not isinstance(e, dict) for e in events):
        raise api.malformed(response, "an event is not an object")
    return events


def accounts(api: ApiClient) -> list[Account]:
    """The configured project, if the key pair opens it (an export of one hour: data or 404 both say yes)."""
    found = []
    hour = (date.today() - timedelta(days=1)).strftime("%Y%m%dT00")
    for account in api.ctx.accounts:
        try:
            _export(api, account, hour, hour)
        except ApiError:
            continue  # another project's key
        found.append(Account(account, f"Amplitude project {account}"))
    return found


def entities(api: ApiClient, account: str) -> Records:
    return iter(())


def daily(api: ApiClient, account: str, first: date, last: date) -> Records:
    seen: set[str] = set()
    users: dict[int, None] = {}
    day = first
    while day <= last:
        stamp = day.strftime("%Y%m%d")
        hours = [(f"{stamp}T00", f"{stamp}T23")]
        if day == last:  # the window's last events were uploaded in the next day's first hour
            hours.append(((day + timedelta(days=1)).strftime("%Y%m%dT00"),) * 2)
        batch = []
        for start, end in hours:
            for event in _export(api, account, start, end):
                insert_id, day_of_event = event.get("$insert_id"), str(event.get("event_time", ""))[:10]
                if insert_id in seen or not first.isoformat() <= day_of_event <= last.isoformat():
                    continue
                seen.add(insert_id)
                users.setdefault(event["amplitude_id"], None)
                batch.append(event)
        day += timedelta(days=1)
        yield "events", batch
    yield "users", [_user(api, account, amplitude_id) for amplitude_id in users]


def _user(api: ApiClient, account: str, amplitude_id: int) -> dict:
    url = api.account_url(account, f"api/{api.ctx.api_version[1:]}/useractivity")
    data = api.json("GET", url, params={"user": amplitude_id}).get("userData")
    keys = [RENAMED.get(f, f) for f in USER_FIELDS]
    if not isinstance(data, dict) or any(k not in data for k in keys):
        raise api.ctx.error(MalformedResponseError, f"user {amplitude_id} came without its profile", RERUN)
    return {f: data[k] for f, k in zip(USER_FIELDS, keys, strict=True)}
