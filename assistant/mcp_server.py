"""The papers as MCP tools (the official `mcp` SDK): search, ask, a passage in its context, the documents and the
record, over stdio or streamable HTTP, under the same roles and access rules as the HTTP API.

A stdio process acts with one key (`--key` or COUNCIL_MCP_KEY); over HTTP each request's X-API-Key (or Bearer) key
decides, and an unknown key is refused with 401 before the MCP layer sees the request. Without a key the caller is
public and never sees any trace of a restricted paper.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant import record_views, routes_documents
from assistant.auth import Engine, role_for
from assistant.engine import Assistant, access_for
from assistant.links import LinkedCitation, linked, passage_link
from assistant.llm import load_prompt
from assistant.models import Citation
from assistant.record_models import Action, Inspection, Meeting, RecommendationBook
from assistant.record_views import RecordFilters
from assistant.routes_documents import DocumentInfo, PassageView
from assistant.settings import Settings
from index.search import Filters
from ingest.councils import normalise
from ingest.errors import BadRequest, CouncilError

Council = Annotated[str | None, Field(description="a council's name, e.g. 'Buckinghamshire Council' or 'Kent'")]
Body = Annotated[str | None, Field(description="part of a body's name, e.g. 'Cabinet' or 'select committee'")]
Since = Annotated[str | None, Field(description="only on or after this ISO date, e.g. 2021-06-30")]
Until = Annotated[str | None, Field(description="only on or before this ISO date")]
K = Annotated[int, Field(ge=1, le=50, description="how many passages")]


class Passages(BaseModel):
    passages: list[LinkedCitation] = Field(description="best first; n is the rank")


class AskResult(BaseModel):
    answer: str = Field(description="every sentence that states a fact ends with markers [n] naming its citations")
    abstained: bool = Field(description="the papers do not answer the question")
    declined_because: str | None = None
    citations: list[LinkedCitation] = Field(description="the passages the markers point at, by n")
    related: list[LinkedCitation] = Field(description="possibly related passages, not cited")
    unsupported: list[str] = Field(description="sentences an LLM answerer wrote without a valid citation")


class PassageInContext(PassageView):
    link: str = Field(description="the paper's page on the service, scrolled to this paragraph")


class Documents(BaseModel):
    documents: list[DocumentInfo]


def request_key(headers: Mapping[str, str] | None) -> str | None:
    """The API key a request carries: X-API-Key, else `Authorization: Bearer KEY`."""
    if not headers:
        return None
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    return headers.get("x-api-key") or (token.strip() if scheme.lower() == "bearer" else None)


class Access:
    """Whose role a tool call runs as: a stdio process's one role, or the role of each HTTP request's key."""

    def __init__(self, keys: dict[str, str], fixed: str | None = None) -> None:
        self.keys, self.fixed = keys, fixed

    def role(self, ctx: Context) -> str:
        if self.fixed is not None:
            return self.fixed
        role = role_for(request_key(ctx.headers), self.keys)
        if role is None:  # the HTTP guard refuses it first; this holds for any other transport
            raise ToolError("unknown API key")
        return role


@contextmanager
def _as_tool_errors() -> Iterator[None]:
    # A missing document and one the caller may not read give the same words (routes_documents sees to it).
    try:
        yield
    except CouncilError as e:
        raise ToolError(str(e)) from None


def _record_filters(council: str | None, body: str | None, since: str | None, until: str | None) -> RecordFilters:
    return RecordFilters(council=normalise(council) if council else None, body=body, since=since, until=until)


def build(engine: Engine, access: Access, link_base: str) -> MCPServer:
    """The MCP server over an assistant; `link_base` is where `council serve` shows the papers."""
    mcp = MCPServer("council-papers", instructions=load_prompt("mcp_instructions"), version="0.1.0")
    a = engine.assistant

    @mcp.tool()
    def search_papers(
        query: str,
        ctx: Context,
        k: K = 10,
        council: Council = None,
        body: Body = None,
        doc_type: Annotated[str | None, Field(description="report, agenda, minutes, inquiry report, ...")] = None,
        kind: Annotated[str | None, Field(description="recommendation, action, finding, ...")] = None,
        since: Since = None,
        until: Until = None,
    ) -> Passages:
        """Search the council papers: the paragraphs that best match the query, each with its label, paper, date
        and link."""
        role = access.role(ctx)
        with _as_tool_errors():
            if len(query) > a.settings.max_question_chars:
                raise BadRequest(f"the query is over {a.settings.max_question_chars} characters")
            filters = Filters(body, doc_type, None, kind, since, until, council=normalise(council) if council else None)
            with engine.reading():
                hits = a.index.search(query, k=k, filters=filters, access=access_for(role))
        return Passages(passages=linked([Citation.from_hit(n, h) for n, h in enumerate(hits, start=1)], link_base))

    @mcp.tool()
    def ask(
        question: str,
        ctx: Context,
        council: Council = None,
        body: Body = None,
        since: Since = None,
        until: Until = None,
        k: Annotated[int | None, Field(ge=1, le=50, description="passages the answer is built from")] = None,
    ) -> AskResult:
        """Answer a question from the council papers, every sentence cited to its paragraph; or decline when the
        papers do not answer it."""
        role = access.role(ctx)
        with _as_tool_errors():
            filters = Filters(body, None, None, None, since, until, council=normalise(council) if council else None)
            with engine.reading():
                answer = a.ask(question, filters=filters, k=k, role=role)
        return AskResult(
            answer=answer.answer,
            abstained=answer.abstained,
            declined_because=answer.declined_because,
            citations=linked(answer.citations, link_base),
            related=linked(answer.related, link_base),
            unsupported=answer.unsupported,
        )

    @mcp.tool()
    def get_passage(
        doc_id: str,
        passage_id: Annotated[str, Field(description='"doc_id:ordinal" as a citation gives it, or the ordinal')],
        ctx: Context,
    ) -> PassageInContext:
        """A cited paragraph in its context: the passages before and after it, and its paper."""
        role = access.role(ctx)
        with _as_tool_errors():
            view = routes_documents.get_passage(doc_id, passage_id, role, engine)
        return PassageInContext(
            **dict(view), link=passage_link(link_base, view.document.doc_id, view.passage.passage_id)
        )

    @mcp.tool()
    def list_documents(ctx: Context) -> Documents:
        """The papers the caller may read, newest first: title, date, council, body, type and passage count."""
        return Documents(documents=routes_documents.list_documents(access.role(ctx), engine))

    def record(build_view, ctx: Context, filters: tuple):
        role = access.role(ctx)
        with _as_tool_errors():
            f = _record_filters(*filters)
            with engine.reading():
                return build_view(a.index.store, access_for(role), f)

    @mcp.tool()
    def record_meetings(
        ctx: Context, council: Council = None, body: Body = None, since: Since = None, until: Until = None
    ) -> list[Meeting]:
        """Meetings as their minutes record them: attendance, apologies, substitutes, declarations, items with
        their resolutions and votes; every value cites its paragraph."""
        return record(record_views.meetings, ctx, (council, body, since, until))

    @mcp.tool()
    def record_recommendations(
        ctx: Context, council: Council = None, body: Body = None, since: Since = None, until: Until = None
    ) -> RecommendationBook:
        """Recommendations (by whom, to whom, when) with what later papers say became of them."""
        return record(record_views.recommendations, ctx, (council, body, since, until))

    @mcp.tool()
    def record_actions(
        ctx: Context, council: Council = None, body: Body = None, since: Since = None, until: Until = None
    ) -> list[Action]:
        """Actions of the papers' plans and minutes: owner, due date, status and updates."""
        return record(record_views.actions, ctx, (council, body, since, until))

    @mcp.tool()
    def record_inspections(
        ctx: Context, council: Council = None, since: Since = None, until: Until = None
    ) -> list[Inspection]:
        """Each paper's account of each inspection: inspectorate, dates, judgements, findings, lead inspector."""
        return record(record_views.inspections, ctx, (council, None, since, until))

    return mcp


def guarded(app: ASGIApp, keys: dict[str, str]) -> ASGIApp:
    """Refuse an HTTP request whose key is unknown (401), as the HTTP API does, before MCP reads it."""

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and role_for(request_key(Headers(scope=scope)), keys) is None:
            refusal = JSONResponse({"detail": "unknown API key"}, 401, headers={"WWW-Authenticate": "Bearer"})
            await refusal(scope, receive, send)
            return
        await app(scope, receive, send)

    return guard


def http_app(server: MCPServer, keys: dict[str, str], host: str) -> ASGIApp:
    """The streamable HTTP app at /mcp (and /health, for whatever watches it), behind the key guard."""

    @server.custom_route("/health", methods=["GET"])
    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return guarded(server.streamable_http_app(host=host), keys)


def run(settings: Settings, transport: str, key: str | None, host: str, port: int, link_base: str | None) -> None:
    """Serve over stdio (the caller's role from `key`) or streamable HTTP on host:port."""
    from assistant.service import is_loopback

    keys = settings.keys()
    base = link_base or f"http://{settings.host}:{settings.port}"
    fixed = None
    if transport == "stdio":
        fixed = role_for(key, keys)
        if fixed is None:
            raise SystemExit("council mcp: unknown API key (it must be one of COUNCIL_API_KEYS)")
    elif not keys and not is_loopback(host):
        raise SystemExit(f"refusing to listen on {host} without API keys; set COUNCIL_API_KEYS or bind to 127.0.0.1")
    with redirect_stdout(sys.stderr):  # over stdio, stdout is the protocol's: nothing else may write to it
        assistant = Assistant(settings)
    try:
        server = build(Engine(assistant), Access(keys, fixed), base)
        if transport == "stdio":
            server.run("stdio")
        else:
            import uvicorn

            uvicorn.run(http_app(server, keys, host), host=host, port=port)
    finally:
        assistant.close()
