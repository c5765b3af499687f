"""POST /ask, POST /chat and GET /search: a question in, a cited answer or ranked passages out."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.auth import Engine, EngineDep, Role
from assistant.engine import access_for
from assistant.http_errors import IsoDate, Text, errors
from assistant.models import Answer, Citation
from index.search import MODES, Filters
from ingest.councils import normalise
from ingest.errors import BadRequest, NotFound

router = APIRouter(tags=["questions"], responses=errors(400, 401, 413, 422))
log = logging.getLogger(__name__)

SSE = {
    200: {
        "description": "With ?stream=true: `token` events, then one `answer` event",
        # Before OpenAPI 3.2's itemSchema, an event stream's schema describes each event: its fields, as parsed
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "event": {"type": "string", "enum": ["token", "answer", "error"]},
                        "data": {"type": "string", "description": "JSON: a token's text, the Answer, or {detail}"},
                    },
                    "required": ["event", "data"],
                }
            }
        },
    }
}


class FiltersIn(BaseModel):
    """Restrictions applied inside retrieval; an unknown field is an error, never silently ignored."""

    model_config = ConfigDict(extra="forbid")

    council: Text | None = None  # "London Borough of Camden"; a name the gazetteer knows ("Camden") is read as it
    body: Text | None = None
    doc_type: Text | None = None
    doc_id: Text | None = None
    kind: Text | None = None
    since: IsoDate | None = None
    until: IsoDate | None = None

    def filters(self) -> Filters:
        iso = [d.isoformat() if d else None for d in (self.since, self.until)]
        council = normalise(self.council) if self.council else None
        return Filters(self.body, self.doc_type, self.doc_id, self.kind, *iso, council=council)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Text
    filters: FiltersIn | None = None
    k: int | None = Field(None, ge=1, le=50)  # passages the answer is built from; the settings' k when absent


class ChatRequest(AskRequest):
    conversation_id: Text | None = Field(None, max_length=64)  # ours are 32 hex digits


class SearchQuery(FiltersIn):
    q: Text
    k: int = Field(10, ge=1, le=50)
    mode: Literal[MODES] = "hybrid"  # the index's own modes, an enum in the OpenAPI schema


class SearchResponse(BaseModel):
    hits: list[Citation]  # n is the rank


def _filters(f: FiltersIn | None) -> Filters | None:
    return f.filters() if f else None


@router.post("/ask", response_model=Answer, responses=SSE)
def ask(req: AskRequest, role: Role, engine: EngineDep, stream: bool = False):
    """Answer from the papers the caller may read, every sentence cited; or decline."""
    if stream:
        return _stream(engine, req, role)
    with engine.reading():
        return engine.assistant.ask(req.question, filters=_filters(req.filters), k=req.k, role=role)


@router.post("/chat", response_model=Answer, responses=errors(404))
def chat(req: ChatRequest, role: Role, engine: EngineDep) -> Answer:
    """Answer within a conversation (a new one without conversation_id); a follow-up is read with its question."""
    try:
        # Not inside engine.reading(): chat writes its turns, and reads the answer on one snapshot itself.
        return engine.assistant.chat(req.question, req.conversation_id, _filters(req.filters), req.k, role)
    except NotFound:  # the history's own message quotes the id the client sent: never echo it back
        raise NotFound("no such conversation") from None


@router.get("/search", response_model=SearchResponse)
def search(query: Annotated[SearchQuery, Query()], role: Role, engine: EngineDep) -> SearchResponse:
    """The passages that best match `q` among those the filters and the caller's access admit."""
    limit = engine.assistant.settings.max_question_chars
    if len(query.q) > limit:
        raise BadRequest(f"the query is over {limit} characters")
    with engine.reading():
        hits = engine.assistant.index.search(
            query.q, k=query.k, filters=query.filters(), access=access_for(role), mode=query.mode
        )
    return SearchResponse(hits=[Citation.from_hit(n, h) for n, h in enumerate(hits, start=1)])


def _event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def _stream(engine: Engine, req: AskRequest, role: str) -> StreamingResponse:
    """Server-sent events: the LLM's tokens as they come, then the checked answer; one answer event without an LLM."""
    a = engine.assistant
    llm_stream = getattr(a.llm, "stream", None)
    if llm_stream is None:
        with engine.reading():
            answer = a.ask(req.question, filters=_filters(req.filters), k=req.k, role=role)
        events: Iterable[str] = [_event("answer", answer.model_dump_json())]
    else:
        # The engine's own checks and abstention, before the model is called.
        with engine.reading():
            p = a.prepare(req.question, _filters(req.filters), req.k, role)
        if p.reason:
            declined = Answer.declined(p.question, p.query, p.hits, p.reason)
            events = [_event("answer", declined.model_dump_json())]
        else:
            events = _llm_events(llm_stream(p.frame, p.question, p.query, p.hits))
    return StreamingResponse(events, media_type="text/event-stream")


def _llm_events(items: Iterable[str | Answer]) -> Iterator[str]:
    """A token event per string the LLM yields; its final Answer (already checked) as the last event."""
    try:
        for item in items:
            if isinstance(item, Answer):
                yield _event("answer", item.model_dump_json())
                return
            yield _event("token", json.dumps(item))
        yield _event("error", json.dumps({"detail": "the LLM ended without an answer"}))
    except Exception:  # noqa: BLE001 - headers are sent: the client can only be told in the stream
        log.exception("the LLM stream failed")
        yield _event("error", json.dumps({"detail": "internal error"}))
