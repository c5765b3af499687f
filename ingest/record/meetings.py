"""The record's meetings, read from a paper's passages (see ingest/record/__init__.py).

A meeting is read from its minutes: a minutes document, or a minutes part of a pack (a pack may hold several).
Its opening line ("MINUTES of a meeting of the Cabinet held in ... on Thursday, 30 January 2025") gives the body,
date, venue and times; the lists before the first item give who attended; each numbered item gives its title,
resolutions, votes, and any apologies, substitutes, declarations and officers it records.

An agenda gives no meeting facts: what a meeting is to consider is not what it did, and an agenda's items stay
searchable as passages. A paper with no minutes (a report, an inspection, a budget pack) gives none either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.dates import first_date
from ingest.models import Document, Fact, Passage
from ingest.record import attendance
from ingest.record.decisions import Item, item_heading, resolutions, voters, votes
from ingest.record.opening import END, clock, header, is_opener, opening_block
from ingest.record.people import NAME, clean_name, is_list, smart_case

_CHAIR_SAID = re.compile(
    rf"\bThe\s+Chair(?:man|woman|person)?,\s+(?P<name>{NAME}),|(?P<name2>{NAME})\s+\(?in the Chair\b"
)
_PRESENT = re.compile(r"^\W*(?:(?:members|councillors)\s+)?present\b", re.IGNORECASE)
_APOLOGY_ITEM = re.compile(r"apolog|substitut|attendance", re.IGNORECASE)
_DECLARATION_ITEM = re.compile(r"declaration|interests?\b", re.IGNORECASE)
_NOT_A_BODY = re.compile(r"^(?:minutes|agenda(?: item \d+)?|unrestricted items|part [a1i]|public)$", re.IGNORECASE)


def _units(doc: Document) -> Iterator[tuple[str | None, list[Passage]]]:
    """The paper's parts in order, as (part title, passages); a paper that is not a pack is one part."""
    title: str | None = None
    run: list[Passage] = []
    for p in doc.passages:
        if run and p.part_title != title:
            yield title, run
            run = []
        title = p.part_title
        run.append(p)
    if run:
        yield title, run


def _meetings(doc: Document) -> Iterator[tuple[str, Passage | None, list[Passage], list[Passage]]]:
    """(key, opening passage, passages before it, passages) for each set of minutes in the paper."""
    seen: dict[str, int] = {}
    whole = len({p.part_title for p in doc.passages}) == 1
    for title, run in _units(doc):
        starts = [i for i, p in enumerate(run) if is_opener(p)]
        named = (title or "").lower().startswith("minutes") or (whole and doc.doc_type == "minutes")
        # Minutes that open without a "Minutes of ..." line still list who was present before their first item
        present = any(_PRESENT.match(p.text) and attendance.label_of(p.text) for p in run[:12])
        if not starts and (named or present):
            starts = [0]
        for n, i in enumerate(starts):
            key = title or "meeting"
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key} ({seen[key]})"
            end = starts[n + 1] if n + 1 < len(starts) else len(run)
            yield key, (run[i] if is_opener(run[i]) else None), run[max(0, i - 6) : i], run[i:end]


def _body_elsewhere(doc: Document, before: list[Passage], head: list[Passage]) -> tuple[str, int] | None:
    """The body when the opening line does not name it: the paper's body where the minutes' head states it, else
    the heading just above the opening line ("CABINET" over "Minutes of the meeting held on ...")."""
    if doc.body:
        for p in head:
            if doc.body.casefold() in " ".join(p.text.split()).casefold():
                return doc.body, p.ordinal
    for p in reversed(before):
        line = " ".join(p.text.split())
        if p.kind == "heading" and len(line) <= 80 and not _NOT_A_BODY.match(line) and not re.search(r"\d", line):
            return smart_case(line), p.ordinal
    return None


def _read(
    doc: Document, key: str, opener: Passage | None, before: list[Passage], passages: list[Passage]
) -> list[Fact]:
    """The facts one set of minutes states, in the order the paper gives them."""
    facts: list[Fact] = []

    def add(field: str, value: str | None, ordinal: int, detail: str | None = None) -> None:
        value = re.sub(r"\s+", " ", value or "").strip()
        if value:
            detail = re.sub(r"\s+", " ", detail).strip() if detail else None
            facts.append(Fact("meeting", key, field, value, ordinal, detail or None))

    item: Item | None = None
    last: tuple[int, ...] = ()
    pending: str | None = None  # a list label ("MEMBERS PRESENT") whose names may run on in the passages after it
    loose = False
    by_item: list[tuple[Item, list[Passage]]] = []
    head: list[Passage] = []
    headings = any(item_heading(p, ()) for p in passages[1:])  # else numbered paragraphs stand for item headings
    for p in passages:
        opened = item_heading(p, last, loose=not headings) if p is not opener else None
        if opened:
            item, last, pending = opened, opened.order, None
            by_item.append((item, [p] if item.runs_on else []))
            add("item", item.title, p.ordinal, item.detail)
            continue
        text = p.text
        if item is None:
            head.append(p)
            # Block by block: a label may share a passage with the opening line ("... Market Square\n\nPRESENT:")
            left = []
            skip = (opening_block(p) or 0) + 1 if p is opener else 0
            for block in re.split(r"\n\s*\n", p.text.strip())[skip:]:
                label = attendance.label_of(block)
                if label:
                    field, rest = label
                    pending, loose = field, not rest.strip()
                    for f, v, d in attendance.listed(field, rest):
                        add(f, v, p.ordinal, d)
                elif pending and is_list(block, strict=not loose):
                    # A list may run on over several passages, a name or a group to a line ("PRESENT: Councillor R
                    # Carlin (Chairman)" / "Aldermen A G Ewart MBE, ..."); after a bare label, the first one may
                    # carry a column header beside the names.
                    for f, v, d in attendance.listed(pending, block):
                        add(f, v, p.ordinal, d)
                    loose = False
                else:
                    pending = None
                    left.append(block)
            text = "\n\n".join(left)
        else:
            by_item[-1][1].append(p)
        in_apologies = item is None or bool(_APOLOGY_ITEM.search(item.title))
        in_declarations = item is not None and bool(_DECLARATION_ITEM.search(item.title))
        said = attendance.apologies(text) if in_apologies else []
        said += attendance.attendance(text)
        said += attendance.declarations(text, in_declarations)
        for f, v, d in said:
            if f == "declaration" and item is not None and not in_declarations:
                d = f"{d} (item {item.label})"
            add(f, v, p.ordinal, d)
        for m in _CHAIR_SAID.finditer(text):
            add("chair", clean_name(m.group("name") or m.group("name2")), p.ordinal)
        end = END.search(text)
        if end and p is not opener:
            add("end_time", clock(end.group("t")), p.ordinal)
    # Minutes that open "CABINET held at ... on 29 November 2018": the first "held ... <date>" line stands in
    held = [p for p in head if len(p.text) < 600 and re.search(r"\bheld\b", p.text, re.I) and first_date(p.text)]
    stand_in = held[0] if held else None
    for field, value, ordinal in header(opener or stand_in, head):
        if opener or field != "title":
            add(field, value, ordinal)
    if not any(f.field == "body" for f in facts) and (found := _body_elsewhere(doc, before, head)):
        add("body", found[0], found[1])
    for it, body in by_item:
        for ordinal, text in resolutions(body):
            add("resolution", text, ordinal, it.label)
        for ordinal, tally in votes(body):
            add("vote", tally, ordinal, it.label)
        for ordinal, side, name in voters(body):
            add("voted", name, ordinal, f"{side} ({it.label})")
    return facts


def extract(doc: Document) -> list[Fact]:
    """The facts about meetings that the paper's minutes state, each citing its passage."""
    out: list[Fact] = []
    for key, opener, before, passages in _meetings(doc):
        facts = _read(doc, key, opener, before, passages)
        # Minutes show who came or what was decided; a stray "Minutes of ..." line with neither gives nothing.
        if any(f.field in ("present", "apology", "resolution") for f in facts):
            # One fact per thing said: an officer named again for a later item keeps the first citation; two votes
            # with the same counts in one item are two votes.
            seen: set[tuple[object, ...]] = set()
            for f in sorted(facts, key=lambda f: f.ordinal):  # in the paper's order: the opening line first
                divided = f.field in ("resolution", "vote", "voted")
                once = (f.field, f.value, f.detail) + ((f.ordinal,) if divided else ())
                if once not in seen:
                    seen.add(once)
                    out.append(f)
    return out
