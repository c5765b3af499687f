"""An unexpected error becomes a bare 500, and the connection stays usable.

Starlette's outermost middleware sends the 500 for an unhandled exception and then raises it again for the server
to log; uvicorn, seeing the exception after the response has started, closes the connection. A client that keeps
its connection alive (httpx, browsers) then has its next request reset. This middleware answers the 500 itself,
logs the traceback, and lets the request end normally.
"""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)


class InternalErrors:
    """ASGI middleware: an exception raised before the response started is answered {"detail": "internal error"}."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:
                raise  # half a response is out: only closing the connection can tell the client
            log.error("unexpected %s while serving %s", type(exc).__name__, scope.get("path"), exc_info=exc)
            await JSONResponse({"detail": "internal error"}, status_code=500)(scope, receive, send)
