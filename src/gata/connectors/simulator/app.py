"""The simulator app: each platform's routes under its own prefix (the stand-in for its host), the admin
routes under /_simulator, and one middleware that logs requests and plays scripted faults.

    /meta/v19.0/...          graph.facebook.com       (gata.connectors.paid_ads.meta.simulator)
    /tiktok/open_api/v1.3/...  business-api.tiktok.com  (gata.connectors.paid_ads.tiktok.simulator)
    /google/v16/...            googleads.googleapis.com (gata.connectors.paid_ads.google.simulator)
    /google/token              oauth2.googleapis.com/token
    /linkedin/...              api.linkedin.com/rest    (gata.connectors.paid_ads.linkedin.simulator)
    /bing/{CampaignManagement,Reporting,CustomerManagement}/v13/...  *.api.bingads.microsoft.com
    /bing/token                login.microsoftonline.com/common/oauth2/v2.0/token
    /amazon/...                advertising-api.amazon.com (gata.connectors.paid_ads.amazon.simulator)
    /amazon/token              api.amazon.com/auth/o2/token
    /shopify/{shop}/admin/api/{version}/graphql.json   {shop}.myshopify.com  (gata.connectors.ecommerce.shopify)
    /bigcommerce/stores/{hash}/{v2,v3}/...             api.bigcommerce.com   (...ecommerce.bigcommerce)
    /woocommerce/{site}/wp-json/wc/v3/...              the shop's WordPress site (...ecommerce.woocommerce)
    /bigquery/projects/...     bigquery.googleapis.com/bigquery/v2 (GA4's export; gata.connectors.analytics.ga4)
    /bigquery/token            oauth2.googleapis.com/token
    /amplitude/{project}/api/2/...  amplitude.com    (gata.connectors.analytics.amplitude)
    /mixpanel/api/...          data.mixpanel.com and mixpanel.com (gata.connectors.analytics.mixpanel)

A live source reaches it through `options.base_url: http://HOST:PORT/<prefix>` (for a platform with a host
per account, `http://HOST:PORT/<prefix>/{account}`).
"""

from __future__ import annotations

import importlib
from datetime import date
from types import ModuleType

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gata.connectors.simulator.state import Fault, FaultKind, SimulatorState, TokenState

PLATFORMS = (
    "gata.connectors.paid_ads.meta.simulator",
    "gata.connectors.paid_ads.tiktok.simulator",
    "gata.connectors.paid_ads.google.simulator",
    "gata.connectors.paid_ads.linkedin.simulator",
    "gata.connectors.paid_ads.bing.simulator",
    "gata.connectors.paid_ads.amazon.simulator",
    "gata.connectors.ecommerce.shopify.simulator",
    "gata.connectors.ecommerce.bigcommerce.simulator",
    "gata.connectors.ecommerce.woocommerce.simulator",
    "gata.connectors.analytics.ga4.simulator",
    "gata.connectors.analytics.amplitude.simulator",
    "gata.connectors.analytics.mixpanel.simulator",
)
SECRET_PARAMS = {"access_token", "client_secret", "refresh_token", "developer_token", "secret"}


def platform_modules() -> list[ModuleType]:
    return [importlib.import_module(m) for m in PLATFORMS]


class ClockBody(BaseModel):
    as_of: date


class TokenBody(BaseModel):
    token: str = Field(min_length=1)
    state: TokenState = "valid"


class FaultBody(BaseModel):
    kind: FaultKind
    path_contains: str = ""
    times: int = Field(1, ge=1)
    retry_after: int = Field(1, ge=0)


def _admin(app: FastAPI, state: SimulatorState) -> None:
    @app.post("/_simulator/clock")
    def set_clock(body: ClockBody) -> dict:
        state.as_of = body.as_of
        return {"as_of": state.as_of.isoformat()}

    @app.post("/_simulator/tokens")
    def set_token(body: TokenBody) -> dict:
        state.tokens[body.token] = body.state
        return {"tokens": len(state.tokens)}

    @app.post("/_simulator/faults")
    def add_fault(body: FaultBody) -> dict:
        state.faults.append(Fault(**body.model_dump()))
        return {"faults": len(state.faults)}

    @app.delete("/_simulator/faults")
    def clear_faults() -> dict:
        state.faults.clear()
        return {"faults": 0}

    @app.get("/_simulator/requests")
    def requests_seen() -> list[dict]:
        return list(state.requests)

    @app.delete("/_simulator/requests")
    def clear_requests() -> dict:
        state.requests.clear()
        return {"requests": 0}

    @app.get("/_simulator/accounts")
    def accounts() -> list[dict]:
        return [
            {"prefix": m.PREFIX, "connector": a.connector, "account_id": a.account_id, "tenant": a.tenant}
            for m in platform_modules()
            for a in state.accounts(m.CONNECTORS)
        ]


def create_app(state: SimulatorState) -> FastAPI:
    app = FastAPI(title="GATA API simulators", docs_url="/_simulator/docs", openapi_url="/_simulator/openapi.json")
    app.state.simulator = state
    modules = {m.PREFIX: m for m in platform_modules()}

    @app.middleware("http")
    async def faults_and_log(request: Request, call_next) -> Response:
        path = request.url.path
        if path.startswith("/_simulator"):
            return await call_next(request)
        module = modules.get(path.strip("/").split("/", 1)[0])
        fault = state.take_fault(path)
        if fault is None:
            response = await call_next(request)
        elif fault.kind == "429":
            response = JSONResponse({"error": "rate limited"}, 429, headers={"Retry-After": str(fault.retry_after)})
        elif fault.kind in ("500", "503"):
            response = JSONResponse({"error": "server error"}, int(fault.kind))
        elif fault.kind == "throttle" and module is not None:
            response = module.throttled(fault.retry_after)
        else:  # malformed: a page cut short
            response = Response('{"data": [{"id": "1"', 200, media_type="application/json")
        params = {k: ("***" if k in SECRET_PARAMS else v) for k, v in request.query_params.items()}
        params.update(getattr(request.state, "logged", {}))  # what a route read from the body (a GAQL query)
        state.log(request.method, path, params, response.status_code)
        return response

    _admin(app, state)
    for prefix, module in modules.items():
        app.include_router(module.router(state), prefix=f"/{prefix}")
        app.add_exception_handler(module.ApiFailure, module.failure_response)
    return app
