"""POST /v1/chat/completions and GET /v1/models: the assistant behind the OpenAI chat API.

Chat front ends and the openai client work unchanged. The answer's markers [n] stay in the text, followed by a
Sources list for front ends that show only the text; `citations` on the response (and on the last chunk of a
stream) names the passage each marker points at. The caller's key, as `Authorization: Bearer KEY`, maps to the
same role as on every other route, so a public caller's answers are built from public papers only.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel

from assistant.auth import Engine, EngineDep, api_key_header, bearer, current_role
from assistant.chat import rewrite
from assistant.http_errors import ErrorBody, errors, whole_unicode
from assistant.links import LinkedCitation, linked
from assistant.llm import clean_sentence, split_sentences
from assistant.models import Answer
from assistant.openai_models import (
    MODEL,
    AssistantMessage,
    Choice,
    Cited,
    Completion,
    CompletionRequest,
    Delta,
    ModelCard,
    ModelList,
)
from index.search import Filters
from ingest.errors import CouncilError, NotFound

router = APIRouter(prefix="/v1", tags=["openai"], responses=errors(401))
log = logging.getLogger(__name__)

SSE = {
    200: {
        "description": 'With "stream": true, chat.completion.chunk events, the last with `citations`, then [DONE]',
        # Before OpenAPI 3.2's itemSchema, an event stream's schema describes each event: its fields, as parsed
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "properties": {"data": {"type": "string", "description": "a chunk as JSON, or [DONE]"}},
                    "required": ["data"],
                }
            }
        },
    }
}


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class OpenAIError(BaseModel):
    """An error in OpenAI's shape, for a request the route itself refuses (an unknown model, no question)."""

    error: OpenAIErrorDetail


# The route's own refusals are in OpenAI's shape; auth, size and validation (before the route runs) and broken
# JSON are the service's usual ErrorBody.
OPENAI_ERRORS = errors(413, 422) | {
    400: {"model": OpenAIError | ErrorBody, "description": "No user question last, a bad filter, or malformed JSON"},
    404: {"model": OpenAIError, "description": "A model this service does not serve"},
}


def _error(status: int, message: str, code: str | None = None) -> JSONResponse:
    """An error in OpenAI's shape, which its clients read the message from."""
    kind = "invalid_request_error" if status < 500 else "server_error"
    return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": code}}, status)


def openai_role(
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The caller's role, as on every route; but OpenAI clients always send some key, so a service with no keys
    configured (where every caller is public) takes any key as public rather than refusing it."""
    if not request.app.state.keys:
        return "public"
    return current_role(request, api_key, credentials)


Role = Annotated[str, Depends(openai_role)]


@router.get("/models", response_model=ModelList)
def models(_: Role) -> ModelList:
    """The one model served: the assistant over the papers the caller's key may read."""
    return ModelList(data=[ModelCard(id=MODEL)])


@router.post("/chat/completions", response_model=Completion, responses=SSE | OPENAI_ERRORS)
def chat_completions(req: CompletionRequest, request: Request, role: Role, engine: EngineDep):
    """Answer the last user message from the papers; earlier user messages make a follow-up searchable."""
    if req.model != MODEL:
        return _error(404, f"no model {req.model[:64]!r}; this service serves {MODEL!r}", "model_not_found")
    asked = [m.text().strip() for m in req.messages if m.role == "user"]
    if not all(whole_unicode(q) for q in asked):  # the messages are free-form, so checked here, not by their model
        return _error(400, "a message holds text that is not valid Unicode (a lone surrogate)")
    if req.messages[-1].role != "user":
        return _error(400, "the last message must be the user's question")
    base = str(request.base_url)
    try:
        filters = req.filters.filters() if req.filters else None
        if req.stream:
            return _stream(engine, role, asked, filters, req, base)
        with engine.reading():
            answer = engine.assistant.ask(asked[-1], filters=filters, k=req.k, role=role, query=_query(asked))
    except CouncilError as e:
        return _error(404 if isinstance(e, NotFound) else 400, str(e))
    cited = _cited(answer, base)
    text = answer.answer + (_sources(cited) if req.sources else "")
    return Completion(
        id=_id(), created=int(time.time()), choices=[Choice(message=AssistantMessage(content=text))], **dict(cited)
    )


def _id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def _query(asked: list[str]) -> str:
    """What to search for: each follow-up read with the question before it, as /chat reads its history."""
    query = asked[0]
    for question in asked[1:]:
        query = rewrite(question, [{"query": query}])
    return query


def _cited(answer: Answer, base: str) -> Cited:
    return Cited(
        citations=linked(answer.citations, base),
        related=linked(answer.related, base),
        abstained=answer.abstained,
        declined_because=answer.declined_because,
        unsupported=answer.unsupported,
    )


def _sources(cited: Cited) -> str:
    """The cited paragraphs as a Markdown list under the answer (or the possibly related ones, when it declines)."""

    def line(c: LinkedCitation, marker: str) -> str:
        return f"- {marker}{c.title} ({c.date or 'undated'}), {c.label}: {c.link}"

    if cited.citations:
        return "\n\nSources:\n" + "\n".join(line(c, f"[{c.n}] ") for c in cited.citations)
    if cited.related:
        return "\n\nPossibly related:\n" + "\n".join(line(c, "") for c in cited.related)
    return ""


def _stream(
    engine: Engine, role: str, asked: list[str], filters: Filters | None, req: CompletionRequest, base: str
) -> StreamingResponse:
    """Chunks of the answer as it is made, then one chunk with the citations; the checks run before any is sent."""
    a = engine.assistant
    llm_stream = getattr(a.llm, "stream", None)
    with engine.reading():  # a bad question fails here, as a JSON error, before the stream begins
        if llm_stream is None:
            answer = a.ask(asked[-1], filters=filters, k=req.k, role=role, query=_query(asked))
            items: Iterable[str | Answer] = [answer.answer, answer]
        else:
            p = a.prepare(asked[-1], filters, req.k, role, _query(asked))
            if p.reason:  # the papers do not answer: the model is never called
                declined = Answer.declined(p.question, p.query, p.hits, p.reason)
                items = [declined.answer, declined]
            else:
                items = checked(llm_stream(p.frame, p.question, p.query, p.hits), len(p.hits))
    return StreamingResponse(_chunks(items, base, req.sources), media_type="text/event-stream")


def checked(items: Iterable[str | Answer], passages: int) -> Iterator[str | Answer]:
    """The model's reply a sentence at a time, each cleaned as check_reply cleans it, then the checked Answer.

    A sentence is sent once the next one begins, so a marker that points at no passage never reaches the client.
    """
    valid = range(1, passages + 1)
    buffer, sent, count = "", "", 0
    for item in items:
        if isinstance(item, Answer):
            # What check_reply kept after the sentences already sent (nothing, if it declined a reply begun).
            rest = item.answer[len(sent) :] if item.answer.startswith(sent) else ""
            if rest:
                yield rest
            yield item
            return
        pieces = split_sentences((buffer + item).lstrip())
        for sentence in pieces[:-1]:
            delta = (" " if count else "") + clean_sentence(sentence, valid)[0]
            count += 1
            sent += delta
            yield delta
        buffer = pieces[-1] if pieces else ""
    raise RuntimeError("the answerer ended without an answer")


def _chunks(items: Iterable[str | Answer], base: str, sources: bool) -> Iterator[str]:
    """Server-sent events in OpenAI's shape: the role, the text in pieces, a last chunk with citations, [DONE]."""
    cid, created = _id(), int(time.time())

    def event(delta: Delta, finish: bool = False, **extra: object) -> str:
        choice = {"index": 0, "delta": delta.model_dump(exclude_none=True), "finish_reason": "stop" if finish else None}
        chunk = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL}
        chunk |= {"choices": [choice], **extra}
        return f"data: {json.dumps(chunk)}\n\n"

    yield event(Delta(role="assistant", content=""))
    try:
        for item in items:
            if isinstance(item, Answer):
                cited = _cited(item, base)
                if sources and (tail := _sources(cited)):
                    yield event(Delta(content=tail))
                yield event(Delta(), finish=True, **cited.model_dump(mode="json"))
                yield "data: [DONE]\n\n"
                return
            if item:
                yield event(Delta(content=item))
        raise RuntimeError("the answerer ended without an answer")
    except Exception:  # noqa: BLE001 - headers are sent: the client can only be told in the stream
        log.exception("a chat completion stream failed")
        yield f"data: {json.dumps({'error': {'message': 'internal error', 'type': 'server_error'}})}\n\n"
