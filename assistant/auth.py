"""Who is calling (the role their API key maps to) and the shared assistant every route reaches."""

from __future__ import annotations

import hmac
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.engine import Assistant
from assistant.jobs import Jobs

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key from COUNCIL_API_KEYS")
bearer = HTTPBearer(auto_error=False, description="The same API key as `Authorization: Bearer KEY`")


@dataclass
class Engine:
    """The assistant every route shares, and the background jobs (uploads) that write to its index.

    Any number of requests read at once, each on one snapshot of the index (`reading`); a write takes the
    index's writer lock, which no reader waits on.
    """

    assistant: Assistant
    jobs: Jobs = field(init=False)

    def __post_init__(self) -> None:
        # Beside the store, so that every worker of the home reads it; PostgreSQL has no home: COUNCIL_HOME then.
        home = getattr(self.assistant.index, "home", None) or self.assistant.settings.home
        self.jobs = Jobs(home / "jobs.db")

    def reading(self) -> AbstractContextManager:
        """Read on one generation of the index (search structures and rows) until the block ends."""
        return self.assistant.index.reading()


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def role_for(key: str | None, keys: dict[str, str]) -> str | None:
    """The role a key maps to: "public" without a key, None for a key we do not know."""
    if not key:
        return "public"
    role = None
    for known, known_role in keys.items():  # compare against every key, in constant time each
        if hmac.compare_digest(known.encode(), key.encode()):
            role = known_role
    return role


def current_role(
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The caller's role from `X-API-Key` or `Authorization: Bearer`; 401 for a key we do not know."""
    key = api_key or (credentials.credentials if credentials else None)
    role = role_for(key, request.app.state.keys)
    if role is None:
        raise HTTPException(401, "unknown API key", headers={"WWW-Authenticate": "Bearer"})
    return role


Role = Annotated[str, Depends(current_role)]
EngineDep = Annotated[Engine, Depends(get_engine)]


def require_admin(role: Role) -> str:
    """Only an admin key may add or delete documents (with no keys configured, nobody may)."""
    if role != "admin":
        raise HTTPException(403, "adding or deleting documents needs an admin API key")
    return role


Admin = Annotated[str, Depends(require_admin)]
