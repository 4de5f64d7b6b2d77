"""What a platform's live client provides, and the registry of clients by connector id.

A client module (gata.connectors.paid_ads.<platform>.live) defines:
- `SECRETS`: the secret names it needs (looked up by gata.connectors.live.credentials), and optionally
  `OPTIONAL_SECRETS`, used where present (TikTok's app_id and secret, to list advertisers);
- `client(ctx, secrets) -> ApiClient`: an authenticated session (refreshing OAuth2 tokens where the platform
  uses them);
- `accounts(api) -> list[Account]`: the accounts the credentials can read (`gata connect`);
- `entities(api, account)` and `daily(api, account, first, last)`: (object, records) pairs, records exactly as
  the API returns them (a list of dicts, or an Arrow table where the API's rows are typed: BigQuery's), objects
  named as in supported_connectors.yaml;
- optionally `changes(api, account, first_day, since, last)`: for a sync, the records of the window starting on
  `first_day` that changed on or after `since` (an API that filters on an update time: Shopify's orders).

A client of a shop or analytics tool reads hosts per account (a shop's own domain): its `base_url` option may
hold `{account}`, filled by `ApiClient.account_url`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from gata.connectors.live.credentials import Secrets
from gata.connectors.live.http import ApiClient, LiveContext

LIVE_MODULES = {
    "facebook_ads": "gata.connectors.paid_ads.meta.live",
    "instagram_ads": "gata.connectors.paid_ads.meta.live",
    "tiktok_ads": "gata.connectors.paid_ads.tiktok.live",
    "google_ads": "gata.connectors.paid_ads.google.live",
    "linkedin_ads": "gata.connectors.paid_ads.linkedin.live",
    "bing_ads": "gata.connectors.paid_ads.bing.live",
    "amazon_ads": "gata.connectors.paid_ads.amazon.live",
    "shopify": "gata.connectors.ecommerce.shopify.live",
    "bigcommerce": "gata.connectors.ecommerce.bigcommerce.live",
    "woocommerce": "gata.connectors.ecommerce.woocommerce.live",
    "google_analytics": "gata.connectors.analytics.ga4.live",
    "amplitude": "gata.connectors.analytics.amplitude.live",
    "mixpanel": "gata.connectors.analytics.mixpanel.live",
}


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    currency: str | None = None


Records = Iterator[tuple[str, list[dict]]]


class LiveModule(Protocol):
    SECRETS: tuple[str, ...]
    client: Callable[[LiveContext, Secrets], ApiClient]
    accounts: Callable[[ApiClient], list[Account]]
    entities: Callable[[ApiClient, str], Records]
    daily: Callable[[ApiClient, str, date, date], Records]


def live_module(connector: str) -> LiveModule:
    try:
        return importlib.import_module(LIVE_MODULES[connector])  # type: ignore[return-value]
    except KeyError:
        raise KeyError(f"no live client for '{connector}'; live clients: {', '.join(LIVE_MODULES)}") from None


def date_spans(first: date, last: date, days: int) -> list[tuple[date, date]]:
    """[first, last] cut into spans of at most `days` days (APIs cap a report's range: TikTok 30, Amazon 31)."""
    spans, start = [], first
    while start <= last:
        end = min(last, start + timedelta(days=days - 1))
        spans.append((start, end))
        start = end + timedelta(days=1)
    return spans
