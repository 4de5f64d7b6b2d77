"""Questions in plain English, answered through the semantic layer: `POST /semantic-layer/{tenant}/ask`.

A question that cannot be read fully is still a 200 with `answered: false` (the request was valid; the
answer is what could not be mapped and questions that can be). 422 is for a malformed request (empty or
longer than 500 characters), 400 for asking for an interpreter the server does not have."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from gata.api.deps import Snapshot
from gata.api.schemas import ERRORS
from gata.nl.answer import AnswerService, LlmNotConfigured
from gata.nl.schemas import Answer, AskRequest
from gata.nl.served_grammar import grammar_json
from gata.semantic.store import TenantNotServed

router = APIRouter(prefix="/semantic-layer/{tenant}", tags=["questions"], responses=ERRORS)


@router.post("/ask", response_model=Answer)
def ask(body: AskRequest, snap: Snapshot, request: Request) -> Response:
    answers: AnswerService = request.app.state.answers
    try:
        with request.app.state.quota.slot(snap.tenant):
            answer = answers.ask(snap.tenant, body.question, interpreter=body.interpreter)
    except LlmNotConfigured as exc:
        raise HTTPException(400, str(exc)) from None
    except TenantNotServed:  # published health only: its first build failed, nothing to ask yet
        raise HTTPException(404, f"tenant '{snap.tenant}' has no data to ask about yet") from None
    return Response(answer.model_dump_json(), media_type="application/json")


@router.get("/grammar")
def grammar(snap: Snapshot, request: Request) -> dict:
    """The question-reading rules and this tenant's vocabulary, for the in-browser reader (`reader.js`)."""
    answers: AnswerService = request.app.state.answers
    try:
        vocab = answers.vocabulary(snap.tenant)
    except TenantNotServed:
        raise HTTPException(404, f"tenant '{snap.tenant}' has no data to ask about yet") from None
    if vocab.grammar is None:
        vocab.grammar = grammar_json(vocab)
    return vocab.grammar
