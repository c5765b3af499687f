"""The HTTP service: `create_app` wires the routers, auth and error bodies; `serve` runs it with uvicorn."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from assistant import http_errors, routes_ask, routes_documents, routes_openai, routes_record, web
from assistant.auth import Engine, EngineDep, Role
from assistant.body_limit import BodyLimit
from assistant.engine import Assistant, access_for
from assistant.internal_errors import InternalErrors
from assistant.settings import Settings, load
from index.embed import set_threads
from ingest.errors import BadRequest, CouncilError, FileTooLarge, NotFound, UnsupportedFile

STATUS = ((NotFound, 404), (UnsupportedFile, 415), (FileTooLarge, 413), (BadRequest, 400))
JSON_BODY_LIMIT = 1 << 20  # a question is at most a few KB; anything near this is not one
UPLOAD_OVERHEAD = 1 << 20  # multipart boundaries and form fields around an upload


class Health(BaseModel):
    status: str
    documents: int  # that the caller may see
    passages: int
    model: str


def _council_error(_: Request, exc: Exception) -> JSONResponse:
    code = next((c for cls, c in STATUS if isinstance(exc, cls)), 400)
    return JSONResponse({"detail": str(exc)}, status_code=code)


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    """422 with a short reason (which field, what is wrong), never echoing the input back; 400 for broken JSON."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse({"detail": "malformed JSON body"}, status_code=400)
    if any(e.get("type") == http_errors.SURROGATE for e in errors):
        return JSONResponse({"detail": "the request holds text that is not valid Unicode"}, status_code=400)
    reasons = []
    for e in errors[:3]:
        loc = [str(x) for x in e.get("loc", ())]
        where = ".".join(loc[1:] if len(loc) > 1 and loc[0] == "body" else loc) or "request"
        reasons.append(f"{where}: {str(e.get('msg', 'invalid'))[:200]}")
    return JSONResponse({"detail": "; ".join(reasons) or "invalid request"}, status_code=422)


def create_app(settings: Settings, assistant: Assistant | None = None) -> FastAPI:
    """The FastAPI app over `assistant` (one is opened from `settings` and closed on shutdown when not given)."""
    keys = settings.keys()  # a malformed key list fails here, at start-up
    owned = assistant is None
    engine = Engine(assistant or Assistant(settings))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.jobs.close()  # an upload under way finishes (each document commits whole anyway)
        if owned:
            engine.assistant.close()

    app = FastAPI(
        title="Council papers assistant",
        summary="Cited answers over council papers; every claim names the paragraph it came from.",
        version="0.1.0",
        lifespan=lifespan,
        redirect_slashes=False,  # its redirect would build Location from the Host header the client sent
    )
    app.state.keys = keys
    app.state.engine = engine
    app.include_router(routes_ask.router)
    app.include_router(routes_documents.router)
    app.include_router(routes_record.router)
    app.include_router(routes_openai.router)
    app.include_router(web.router, responses=http_errors.errors(401))  # /whoami; the pages are not in the schema
    app.add_exception_handler(CouncilError, _council_error)
    app.add_exception_handler(RequestValidationError, _validation_error)

    def body_limit(path: str) -> int:
        # An upload's own size is checked again as it is saved; the form around it adds UPLOAD_OVERHEAD.
        return settings.max_upload_bytes + UPLOAD_OVERHEAD if path == "/documents" else JSON_BODY_LIMIT

    app.add_middleware(BodyLimit, limit_for=body_limit)
    app.add_middleware(InternalErrors)  # outside the body limit: a bug anywhere inside is a 500 on a live connection

    @app.get("/health", response_model=Health, tags=["service"], responses=http_errors.errors(401))
    def health(role: Role, engine: EngineDep) -> Health:
        """Up, and how much the caller can search."""
        with engine.reading():
            docs = engine.assistant.index.store.documents(access_for(role))
        return Health(
            status="ok",
            documents=len(docs),
            passages=sum(d["passage_count"] for d in docs),
            model=engine.assistant.index.embedder.name,
        )

    return app


def app_from_environment() -> FastAPI:
    """The app as each worker process of `council serve --workers N` builds it, from the environment's settings."""
    settings = load()
    set_threads(settings.encode_threads)
    return create_app(settings)


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: addresses no other machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(settings: Settings) -> None:
    """Run the service on settings.host:port; without API keys, only on this machine."""
    if not settings.keys():
        if not is_loopback(settings.host):
            raise SystemExit(
                f"refusing to listen on {settings.host} without API keys; set COUNCIL_API_KEYS or bind to 127.0.0.1"
            )
        print(
            f"no API keys configured: http://{settings.host}:{settings.port} is open to this machine only"
            " and every caller is public (public papers, no uploads)",
            file=sys.stderr,
        )
    import uvicorn

    if settings.workers == 1:
        set_threads(settings.encode_threads)
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
        return
    # Several processes, each with its own snapshot of the index, following the others' writes (index/follow.py).
    # The index is opened here first, so that a rebuild (or a PostgreSQL migration) it needs is done once, not
    # raced by every worker.
    from index.opening import open_index

    # Each worker reads the settings from the environment (`council serve` puts its own options there).
    open_index(settings.home, settings.model, settings.database_url, approx_from=settings.approx_from).close()
    uvicorn.run(
        "assistant.service:app_from_environment",
        factory=True,
        workers=settings.workers,
        host=settings.host,
        port=settings.port,
    )
