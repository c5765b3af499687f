"""The record's views as plain pydantic models: what the CLI prints, the API returns and the page shows.

Every value carries the passage it was read from (`Cite`), so each row can open its paragraph in its paper.
The vocabulary is the extractors' (ingest/record/__init__.py); a field the paper does not give is empty, never guessed.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Cite(BaseModel):
    """The passage a value was read from: open it at GET /documents/{doc_id}/passages/{passage_id}."""

    doc_id: str
    passage_id: str = Field(description='"doc_id:ordinal"')
    label: str = Field(description='the paper\'s own numbering: "45(e)", "Agenda item 6", "¶12"')
    page: int | None
    title: str = Field(description="the paper's title, or the title of the pack part the passage is in")
    date: str | None = Field(description="the pack part's date, else the paper's")


class Cited(BaseModel):
    """One value as the paper states it, with what it is of or for (a role, an area, whom a substitute replaced)."""

    value: str
    detail: str | None = None
    cite: Cite


class Paper(BaseModel):
    """The paper a view was read from."""

    doc_id: str
    title: str
    date: str | None
    council: str | None
    body: str | None
    doc_type: str
    source: str


class Item(BaseModel):
    """An item of business: its number as the minutes give it ("Item 3", "292, Item 1"), its resolutions and votes."""

    number: str | None
    title: Cited | None = Field(description="none when the minutes record a resolution under an item not read")
    resolutions: list[Cited] = Field(default_factory=list)
    votes: list[Cited] = Field(default_factory=list)
    voted: list[Cited] = Field(
        default_factory=list, description='who voted how in a recorded division: a member; detail "For", "Against", '
        '"Abstain"'
    )


class Meeting(BaseModel):
    """One meeting as its minutes record it."""

    id: str = Field(description='"doc_id/key": the paper and the minutes within it')
    key: str
    date: Cited | None = None
    body: Cited | None = None
    title: Cited | None = None
    venue: Cited | None = None
    start_time: list[Cited] = Field(default_factory=list)
    end_time: list[Cited] = Field(default_factory=list, description="a paper may state two")
    present: list[Cited] = Field(default_factory=list, description="members present; detail: their role")
    chair: list[Cited] = Field(default_factory=list)
    vice_chair: list[Cited] = Field(default_factory=list)
    apologies: list[Cited] = Field(default_factory=list)
    substitutes: list[Cited] = Field(default_factory=list, description="detail: whom they substituted for")
    officers: list[Cited] = Field(default_factory=list, description="detail: their role")
    others: list[Cited] = Field(default_factory=list, description="others in attendance; detail: their role")
    declarations: list[Cited] = Field(default_factory=list, description="value: who; detail: the interest and item")
    items: list[Item] = Field(default_factory=list)
    paper: Paper


class Status(BaseModel):
    """What a later paper says became of a recommendation (or of all of a paper's recommendations)."""

    label: str = Field(description='as the later paper names it: "Recommendation 6", "All recommendations"')
    status: str = Field(description='"accepted", "not accepted", "implemented", ...')
    refers_to: str | None = Field(description="the inquiry, review or report the later paper names")
    cite: Cite
    paper: Paper
    recommendation: str | None = Field(None, description="the id of the recommendation it was linked to")
    unlinked_because: str | None = Field(None, description="why it was not linked, when it was not")


class Recommendation(BaseModel):
    """One recommendation, by whom and to whom, and what later papers say became of it (oldest first)."""

    id: str = Field(description='"doc_id/key"')
    label: str = Field(description='its key in the paper: "Recommendation 3", "(2)", "Area for improvement 1"')
    text: Cited | None = None
    made_by: Cited | None = None
    made_to: Cited | None = None
    date: Cited | None = None
    statuses: list[Status] = Field(default_factory=list)
    paper: Paper


class NoRecommendations(BaseModel):
    """A paper that says it makes no recommendations."""

    statement: Cited
    paper: Paper


class RecommendationBook(BaseModel):
    """The tracker: recommendations with their linked statuses, and the statuses no recommendation could take."""

    recommendations: list[Recommendation]
    unlinked_statuses: list[Status]
    none: list[NoRecommendations]


class Action(BaseModel):
    """One action of a plan (or one minuted ACTION): owner, due date, status and updates as the paper gives them."""

    id: str = Field(description='"doc_id/key"')
    ref: str = Field(description='its reference: "2.6", or "Item 7 action 1" for a minuted action')
    action: Cited | None = None
    owner: list[Cited] = Field(default_factory=list)
    due: list[Cited] = Field(default_factory=list)
    status: list[Cited] = Field(default_factory=list)
    measure: list[Cited] = Field(default_factory=list)
    plan: Cited | None = None
    updates: list[Cited] = Field(default_factory=list)
    paper: Paper


class Inspection(BaseModel):
    """One paper's account of an inspection: dates, grades, the team, and what it found."""

    id: str = Field(description='"doc_id/key"')
    key: str = Field(description='"inspection", or the kind and start: "ILACS 2021-12"')
    when: str | None = Field(description="its first stated date (start, end, publication, letter), for ordering")
    inspectorate: Cited | None = None
    kind: Cited | None = None
    framework: Cited | None = None
    start: Cited | None = None
    end: Cited | None = None
    published: Cited | None = None
    letter_date: Cited | None = None
    overall: list[Cited] = Field(default_factory=list, description="as each passage words it")
    judgements: list[Cited] = Field(default_factory=list, description="value: the grade; detail: the area judged")
    lead_inspectors: list[Cited] = Field(default_factory=list, description="detail: their role")
    inspectors: list[Cited] = Field(default_factory=list, description="detail: their role")
    improvements: list[Cited] = Field(default_factory=list)
    strengths: list[Cited] = Field(default_factory=list)
    priority_actions: list[Cited] = Field(default_factory=list)
    requirements: list[Cited] = Field(default_factory=list)
    previous: list[Cited] = Field(default_factory=list, description="value: when; detail: what it found")
    paper: Paper


class Timeline(BaseModel):
    """A council's inspections in date order (undated accounts last)."""

    council: str | None
    inspections: list[Inspection]
