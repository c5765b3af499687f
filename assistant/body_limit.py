"""A request body limit counted as the bytes arrive: a chunked body (no Content-Length) is refused as soon as it
passes the limit, instead of once it has been read whole into memory."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LINGER = 8 << 20  # a declared body up to this far past the limit is read and dropped after the 413, not reset


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is over the {limit:,} byte limit")


class BodyLimit:
    """Pure ASGI middleware: 413 when the body is, or grows, past `limit_for(path)` bytes.

    Raised from the app's own `receive`, the 413 is an HTTPException, which FastAPI's body parsing passes on
    (any other error there becomes a 400) to its handler, so the body is the service's usual `{"detail"}`.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = Headers(scope=scope).get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > limit:  # refused before a byte is read
            # Closing with the body unread makes the kernel reset the connection, and a client still sending
            # (a 2 MB question) may see the reset and never the 413; kept open, the server reads the rest and drops
            # it. Only a body of a known and modest size is worth that.
            await self._refuse(limit, scope, receive, send, close=int(length) > limit + LINGER)
            return
        received, started = 0, False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except HTTPException as exc:  # read outside FastAPI's body parsing (a route reading the stream itself)
            if exc.status_code != 413 or started:
                raise
            await self._refuse(limit, scope, receive, send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send, close: bool = True) -> None:
        headers = {"Connection": "close"} if close else None
        response = JSONResponse({"detail": _too_large(limit).detail}, status_code=413, headers=headers)
        await response(scope, receive, send)
