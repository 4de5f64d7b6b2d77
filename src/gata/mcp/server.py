"""`gata mcp`: list_models, get_model, query and ask over the same services as the HTTP API.

The server is started with one API key and serves exactly that key's tenant: the tools take no tenant
argument, so an agent cannot even ask for another tenant's data. The key is checked again at every tool call
(the key file is re-read when it changes), so revoking it ends a running session's access at once.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer
from pydantic import ValidationError

from gata.api.keys import ADMIN, KeyStore
from gata.nl.answer import AnswerService, LlmNotConfigured
from gata.nl.schemas import MAX_QUESTION
from gata.semantic.compiler import QueryValidationError
from gata.semantic.dates import DateRangeError
from gata.semantic.layer import UnknownModelError
from gata.semantic.query import SemanticQuery
from gata.semantic.service import QueryTimeout, SemanticService
from gata.semantic.store import SnapshotStore
from gata.workspace import Workspace


class McpKeyError(ValueError):
    pass


def tenant_for_key(workspace: Workspace, key: str) -> str:
    record = KeyStore(workspace).verify(key)
    if record is None:
        raise McpKeyError("invalid or revoked API key")
    if record.role == ADMIN or record.tenant is None:
        raise McpKeyError("an MCP server serves one tenant: start it with that tenant's key, not an admin key")
    return record.tenant


def build_server(workspace: Workspace, key: str, service: SemanticService | None = None) -> MCPServer:
    """The MCP server of the key's tenant (McpKeyError if the key does not serve one)."""
    tenant = tenant_for_key(workspace, key)
    keys = KeyStore(workspace)
    svc = service or SemanticService(SnapshotStore(workspace))
    answers = AnswerService(svc)

    def revoked() -> dict[str, Any] | None:
        record = keys.verify(key)
        if record is None or record.tenant != tenant:
            return {"error": "invalid or revoked API key: this MCP server serves nothing any more"}
        return None

    server = MCPServer(
        name="gata",
        instructions=(
            f"Marketing analytics for tenant '{tenant}'. Call list_models, then get_model for a model's "
            "dimensions and measures, then query with a structured query (never SQL), or ask in plain English."
        ),
    )

    @server.tool(description="The tenant's semantic models: name, label, description, field counts, joins.")
    def list_models() -> list[dict[str, Any]] | dict[str, Any]:
        return revoked() or svc.list_models(tenant)

    @server.tool(description="One model's dimensions, measures (with formats), time dimensions and joins.")
    def get_model(model: str) -> dict[str, Any]:
        if refused := revoked():
            return refused
        try:
            return svc.get_model(tenant, model)
        except UnknownModelError as exc:
            return {"error": str(exc)}

    @server.tool(
        description=(
            "Run a structured query. Fields: model, dimensions, measures, filters [{field, op, value}] or "
            "{and|or: [...]}, time_grain (day|week|month|quarter|year), date_range ({start, end} or "
            "{relative: last_30_days|this_month|...}), compare ('previous_period'), settled_only (compare "
            "platform-reported measures on settled days only), order_by [{field, direction}], limit. ROAS is three "
            "measures: ad_performance.platform_roas (platforms' claim), blended.attributed_roas (UTM-attributed net "
            "revenue), business.mer (all revenue / all spend). Returns sql, columns, rows, and unsettled days and "
            "notes to read them by."
        )
    )
    def query(query: dict[str, Any]) -> dict[str, Any]:
        if refused := revoked():
            return refused
        try:
            parsed = SemanticQuery.model_validate(query)
            result = svc.query(tenant, parsed)
        except ValidationError as exc:
            return {
                "error": "invalid query: "
                + "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
                    for e in exc.errors(include_url=False)
                )
            }
        except (QueryValidationError, UnknownModelError, DateRangeError, QueryTimeout) as exc:
            return {"error": str(exc)}
        return json.loads(result.model_dump_json())

    @server.tool(
        description=(
            "Ask a question in plain English (e.g. 'top 5 campaigns by spend last 30 days'). Returns how it was "
            "read (the structured query and an explanation), columns, rows and a chart kind; or answered=false "
            "with what could not be mapped and questions that can be answered."
        )
    )
    def ask(question: str) -> dict[str, Any]:
        if refused := revoked():
            return refused
        question = question.strip()
        if not question or len(question) > MAX_QUESTION:
            return {"error": f"the question must have 1 to {MAX_QUESTION} characters"}
        try:
            return json.loads(answers.ask(tenant, question).model_dump_json())
        except LlmNotConfigured as exc:
            return {"error": str(exc)}

    return server
