"""Connector id -> the module that renders it. Adding a connector: one module, one line here, one entry
in supported_connectors.yaml. A platform is a folder (render.py, live.py, simulator.py)."""

from __future__ import annotations

import importlib
from functools import cache

from gata.connectors.base import ConnectorModule

MODULES = {
    "facebook_ads": "gata.connectors.paid_ads.meta.render",
    "instagram_ads": "gata.connectors.paid_ads.meta.render",
    "google_ads": "gata.connectors.paid_ads.google.render",
    "bing_ads": "gata.connectors.paid_ads.bing.render",
    "linkedin_ads": "gata.connectors.paid_ads.linkedin.render",
    "amazon_ads": "gata.connectors.paid_ads.amazon.render",
    "tiktok_ads": "gata.connectors.paid_ads.tiktok.render",
    "shopify": "gata.connectors.ecommerce.shopify.render",
    "bigcommerce": "gata.connectors.ecommerce.bigcommerce.render",
    "woocommerce": "gata.connectors.ecommerce.woocommerce.render",
    "google_analytics": "gata.connectors.analytics.ga4.render",
    "amplitude": "gata.connectors.analytics.amplitude.render",
    "mixpanel": "gata.connectors.analytics.mixpanel.render",
}


@cache
def connector_module(connector_id: str) -> ConnectorModule:
    try:
        return importlib.import_module(MODULES[connector_id])  # type: ignore[return-value]
    except KeyError:
        raise KeyError(f"no renderer for connector '{connector_id}'; known: {', '.join(MODULES)}") from None
