"""The web page: the chat at /, the library at /library, the record at /record, and their static files.

The pages carry no paper's content. Their scripts fetch it from the JSON API with the visitor's own key,
so the API's access rules are the only ones, and nothing a page shows outlives the key it was fetched with.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from assistant.auth import EngineDep, Role
from ingest.errors import NotFound
from ingest.readers import SUFFIXES

HERE = Path(__file__).parent
STATIC = HERE / "static"

# Only this origin: no fonts, scripts or images from elsewhere (councils block CDNs), and no inline script to inject.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Cache-Control": "no-store",  # a page shown under one key must not come back from a cache under another
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

# The record page's views and their names, in the order of its tabs (each the API's GET /record/{view}).
RECORD_VIEWS = {
    "meetings": "Meetings",
    "recommendations": "Recommendations",
    "actions": "Actions",
    "inspections": "Inspection timeline",
}

router = APIRouter()
templates = Jinja2Templates(directory=HERE / "templates")


@cache
def asset(name: str) -> str:
    """The URL of a static file, versioned by its content so that a browser never runs a stale script."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


templates.env.globals["asset"] = asset


class WhoAmI(BaseModel):
    role: str  # public, member or admin


def _page(request: Request, template: str, page: str, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"page": page, **context}, headers=HEADERS)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page(request: Request) -> HTMLResponse:
    """Ask a question, read the cited answer, open each citation in its paper."""
    return _page(request, "chat.html", "chat")


@router.get("/library", response_class=HTMLResponse, include_in_schema=False)
def library_page(request: Request, engine: EngineDep) -> HTMLResponse:
    """The papers the visitor's key may read (listed by the script from GET /documents), and the admin upload."""
    max_mb = f"{engine.assistant.settings.max_upload_bytes / 2**20:.3g}"
    return _page(request, "library.html", "library", accept=",".join(SUFFIXES), max_mb=max_mb)


@router.get("/library/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
def document_page(request: Request, doc_id: str) -> HTMLResponse:
    """One paper, passage by passage with its labels (fetched by the script, so a hidden paper stays hidden)."""
    return _page(request, "document.html", "library", doc_id=doc_id)


@router.get("/record", response_class=HTMLResponse, include_in_schema=False)
def record_page(request: Request, view: str = "meetings") -> HTMLResponse:
    """The council's record, one view at a time (filled by the script from GET /record/{view} with the key)."""
    if view not in RECORD_VIEWS:
        raise NotFound(f"no such view of the record; expected one of {', '.join(RECORD_VIEWS)}")
    return _page(request, "record.html", "record", view=view, views=RECORD_VIEWS)


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> FileResponse:
    """A stylesheet, script or icon from assistant/static (a route, not a mount, so that include_router carries it)."""
    path = STATIC / name
    if name.startswith(".") or "/" in name or "\\" in name or not path.is_file():
        raise NotFound("no such file")
    # The pages ask for /static/NAME?v=HASH, so a changed file has a new URL and a day's caching is safe.
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})


@router.get("/whoami", response_model=WhoAmI, tags=["service"])
def whoami(role: Role) -> WhoAmI:
    """The role the caller's key maps to (401 for a key the service does not know)."""
    return WhoAmI(role=role)
