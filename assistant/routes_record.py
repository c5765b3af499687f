"""/record: the council's record (meetings, recommendations, actions, inspections, a timeline) under the papers'
own access rules: a caller sees the record of the papers they may read, and of no other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from assistant.auth import EngineDep, Role
from assistant.engine import access_for
from assistant.http_errors import IsoDate, errors
from assistant.record_models import Action, Inspection, Meeting, RecommendationBook, Timeline
from assistant.record_views import RecordFilters, actions, inspections, meetings, recommendations, timeline
from ingest.councils import normalise
from ingest.store import Store

router = APIRouter(prefix="/record", tags=["record"], responses=errors(400, 401, 422))
T = TypeVar("T")


class DatedQuery(BaseModel):
    """Filters every view takes; an unknown parameter is an error, never silently ignored."""

    model_config = ConfigDict(extra="forbid")

    council: str | None = None  # "Buckinghamshire Council", or a name the gazetteer knows: "Buckinghamshire"
    since: IsoDate | None = None  # inclusive; a month or year the paper gives matches when it overlaps
    until: IsoDate | None = None

    def filters(self, body: str | None = None) -> RecordFilters:
        council = normalise(self.council) if self.council and self.council.strip() else None
        iso = {k: d.isoformat() if d else None for k, d in (("since", self.since), ("until", self.until))}
        return RecordFilters(council=council, body=body, **iso)


class BodyQuery(DatedQuery):
    body: str | None = None  # any part of the body's name, in any case: "Cabinet", "select committee"

    def filters(self, body: str | None = None) -> RecordFilters:
        return super().filters(body or self.body)


Build = Callable[[Store, tuple[str, ...], RecordFilters], T]


def _view(engine: EngineDep, role: str, build: Build[T], q: DatedQuery) -> T:
    filters = q.filters()  # a bad filter fails before any reading
    with engine.reading():
        return build(engine.assistant.index.store, access_for(role), filters)


@router.get("/meetings", response_model=list[Meeting])
def get_meetings(q: Annotated[BodyQuery, Query()], role: Role, engine: EngineDep) -> list[Meeting]:
    """Meetings in the minutes the caller may read, oldest first: attendance, apologies, substitutes, declarations,
    items with their resolutions and votes. `body` matches the meeting's body."""
    return _view(engine, role, meetings, q)


@router.get("/recommendations", response_model=RecommendationBook)
def get_recommendations(q: Annotated[BodyQuery, Query()], role: Role, engine: EngineDep) -> RecommendationBook:
    """Recommendations (by whom, to whom, when) with what later papers say became of them; statuses that could not
    be linked to one recommendation, with the reason. `body` matches the maker, the recipient or the paper's body."""
    return _view(engine, role, recommendations, q)


@router.get("/actions", response_model=list[Action])
def get_actions(q: Annotated[BodyQuery, Query()], role: Role, engine: EngineDep) -> list[Action]:
    """Actions of the plans (and minuted ACTIONs) the caller may read: owner, due date, status, updates.
    `since`/`until` and `body` match the paper the plan is in."""
    return _view(engine, role, actions, q)


@router.get("/inspections", response_model=list[Inspection])
def get_inspections(q: Annotated[DatedQuery, Query()], role: Role, engine: EngineDep) -> list[Inspection]:
    """Each paper's account of each inspection, by the inspection's date (undated accounts last)."""
    return _view(engine, role, inspections, q)


@router.get("/timeline", response_model=list[Timeline])
def get_timeline(q: Annotated[DatedQuery, Query()], role: Role, engine: EngineDep) -> list[Timeline]:
    """Per council, its inspections in date order with their overall and area judgements and lead inspectors."""
    return _view(engine, role, timeline, q)
