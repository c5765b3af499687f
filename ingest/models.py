"""Plain data that flows from ingest onwards: a document and its citable passages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Extracted:
    """A reader's output: the document's text and where each page starts in it."""

    text: str
    page_starts: tuple[int, ...] = ()  # offset of page 1, 2, ...; empty when the source has no pages
    # (start, end, kind) spans the reader knows: "heading:L" (level L, 1 the largest) or "table:H" (H header rows)
    hints: tuple[tuple[int, int, str], ...] = ()
    removed: tuple[tuple[int, str], ...] = ()  # (page, text) of running headers, footers and page numbers dropped
    structured: bool = False  # the reader knows the headings (from fonts, styles or tags): shapes make no more


@dataclass(frozen=True)
class Passage:
    """One citable unit: a paragraph, a table, or a list item with its lead-in."""

    doc_id: str
    ordinal: int  # position in the document, 0-based; the passage id is f"{doc_id}:{ordinal}"
    label: str  # the paper's numbering ("45(e)", "Key finding 2") or a stable ordinal ("p12")
    section: str  # heading path, " > " separated
    start: int
    end: int
    text: str
    page: int | None = None
    part_no: int | None = None  # 1, 2, ... when one long paragraph was split at sentence ends
    lead: str | None = None  # what a reader needs to read it: a list's lead-in, a table's header
    kind: str | None = None  # recommendation | action | finding | strength | area_for_development | ...
    part_title: str | None = None  # the pack part this passage belongs to (an agenda, minutes, a letter)
    part_date: str | None = None
    owner: str | None = None  # for actions: who is accountable, when the paper says
    due: str | None = None  # for actions: the deadline, when the paper says

    @property
    def passage_id(self) -> str:
        return f"{self.doc_id}:{self.ordinal}"


@dataclass(frozen=True)
class Fact:
    """One fact of the council's record, as a paper states it, citing the passage it was read from.

    Facts about one thing share its entity and key: a meeting's date, members and resolutions; a recommendation's
    text, maker and later status; an action's owner and due date; an inspection's dates and judgements.
    """

    entity: str  # meeting | recommendation | action | inspection
    key: str  # which one within the paper: "Agenda item 6", "Recommendation 3", "Action 2.6", "inspection"
    field: str  # what is stated: "date", "present", "apology", "judgement", "lead_inspector", "status", ...
    value: str  # as the paper words it (a name, a date in ISO form, a grade, a sentence)
    ordinal: int  # the passage it was read from, by its ordinal in the document
    detail: str | None = None  # what the value is of or for: a judgement's area, whom a substitute replaced


@dataclass(frozen=True)
class Document:
    """A paper as ingested, with what we know about it."""

    doc_id: str  # content hash prefix: the same bytes always get the same id
    source: str
    title: str
    date: str | None  # ISO yyyy-mm-dd
    body: str | None  # "Cabinet", "Children's & Education Select Committee", ...
    doc_type: str  # report | agenda | minutes | inquiry report | inspection letter | letter | pack
    council: str | None
    access: str = "public"  # public | restricted
    text: str = ""
    page_starts: tuple[int, ...] = ()
    passages: tuple[Passage, ...] = field(default=(), repr=False)
    removed: tuple[tuple[int, str], ...] = ()  # (page, line) of the running headers, footers, page numbers dropped
    facts: tuple[Fact, ...] = field(default=(), repr=False)  # the record the paper states (ingest/record)
