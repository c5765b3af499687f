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
from ingest.record.decisions import Item, item_heading, resolutions, votes
from ingest.record.people import NAME, clean_name, smart_case

# The line minutes open with; "The minutes of the meeting held on ... were agreed" and agenda items never match.
_OPENER = re.compile(
    r"^\W*minutes\s+of\s+(?:a|an|the)?\s*(?:[\w'’&,.\-]+\s+){0,12}?"
    r"(?:meeting|committee|council|cabinet|board|panel|forum|group|commission|sub-committee|executive)\b",
    re.IGNORECASE,
)
_NOT_OPENER = re.compile(r"correct record|\bbe (?:approved|agreed|confirmed|signed)|\bwere (?:approved|agreed)|"
                         r"for noting|\bto (?:approve|confirm|note|receive)\b|attached|\bpages?\s+\d", re.IGNORECASE)
_BODY = re.compile(
    r"^\W*minutes\s+of\s+(?:a|an|the)?\s*(?:(?:meeting|proceedings)\s+of\s+(?:the\s+)?)?(?P<body>.+?)"
    r"(?:\s+meeting)?\s*,?\s+(?:held|which\s+was\s+held|that\s+took\s+place)\b",
    re.IGNORECASE | re.DOTALL,
)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
TIME = r"\d{1,2}(?:[.:]\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}[.:]\d{2}(?!\d)|noon|midday"
_VENUE = re.compile(
    r"\b(?:in|at)\s+(?!\d)(?P<venue>[A-Za-z].+?)(?=,?\s+(?:on\s+)?(?:" + _WEEKDAY
    + r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})"
    r"|,?\s+(?:commencing|starting|beginning|from)\b|,?\s+at\s+\d|\.?\s*$)",
    re.IGNORECASE | re.DOTALL,
)
_START = re.compile(
    rf"(?:\b(?:commencing|starting|beginning|commenced|started|began)\s+at|\bheld\b[^.]*?\bat)\s+(?P<t>{TIME})",
    re.IGNORECASE,
)
_END = re.compile(
    rf"(?:\bconcluding|\bending|\bfinishing|\bmeeting\s+(?:closed|ended|concluded|finished|rose|terminated))\s+at\s+"
    rf"(?P<t>{TIME})",
    re.IGNORECASE,
)
_FIELD_LINE = re.compile(r"^\s*(?P<k>date|time|venue|place|location)\s*:\s*(?P<v>.+?)\s*$", re.I | re.MULTILINE)
_CHAIR_SAID = re.compile(
    rf"\bThe\s+Chair(?:man|woman|person)?,\s+(?P<name>{NAME}),|(?P<name2>{NAME})\s+\(?in the Chair\b"
)
_APOLOGY_ITEM = re.compile(r"apolog|substitut|attendance", re.IGNORECASE)
_DECLARATION_ITEM = re.compile(r"declaration|interests?\b", re.IGNORECASE)


def _is_opener(p: Passage) -> bool:
    text = p.text.strip()
    return bool(len(text) < 600 and _OPENER.match(text) and not _NOT_OPENER.search(text)
                and (re.search(r"\bheld\b", text, re.IGNORECASE) or first_date(text)))


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


def _meetings(doc: Document) -> Iterator[tuple[str, Passage | None, list[Passage]]]:
    """(key, opening passage, passages) for each set of minutes in the paper."""
    seen: dict[str, int] = {}
    whole = len({p.part_title for p in doc.passages}) == 1
    for title, run in _units(doc):
        starts = [i for i, p in enumerate(run) if _is_opener(p)]
        named = (title or "").lower().startswith("minutes") or (whole and doc.doc_type == "minutes")
        if not starts and named:
            starts = [0]
        for n, i in enumerate(starts):
            key = title or "meeting"
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key} ({seen[key]})"
            end = starts[n + 1] if n + 1 < len(starts) else len(run)
            yield key, (run[i] if _is_opener(run[i]) else None), run[i:end]


def _header(opener: Passage | None, head: list[Passage]) -> list[tuple[str, str, int]]:
    """(field, value, ordinal) for body, date, venue, times and title, from the opening line or Date:/Venue: lines."""
    out: list[tuple[str, str, int]] = []
    if opener is not None:
        text = re.sub(r"\s+", " ", opener.text).strip()
        body = _BODY.match(text)
        if body:
            out.append(("title", text[: body.end("body")].strip(" ,"), opener.ordinal))
            out.append(("body", smart_case(body.group("body").strip(" ,")), opener.ordinal))
        when = first_date(text)
        if when:
            out.append(("date", when, opener.ordinal))
        held = re.search(r"\bheld\b", text, re.IGNORECASE)
        venue = _VENUE.search(text, held.end() if held else 0)
        if venue and not re.match(r"(?:the\s+)?(?:afternoon|morning|evening)\b", venue.group("venue"), re.I):
            out.append(("venue", re.sub(r"^the\s+", "", venue.group("venue").strip(" ,.")), opener.ordinal))
        for field, pattern in (("start_time", _START), ("end_time", _END)):
            m = pattern.search(text)
            if m:
                out.append((field, m.group("t"), opener.ordinal))
    have = {f for f, _, _ in out}
    for p in head:
        for m in _FIELD_LINE.finditer(p.text):
            k, v = m.group("k").lower(), m.group("v")
            if k == "date" and "date" not in have and first_date(v):
                out.append(("date", first_date(v) or "", p.ordinal))
            elif k == "time" and "start_time" not in have and re.match(TIME, v, re.IGNORECASE):
                out.append(("start_time", re.match(TIME, v, re.IGNORECASE).group(0), p.ordinal))  # type: ignore[union-attr]
            elif k in ("venue", "place", "location") and "venue" not in have:
                out.append(("venue", v.strip(" ."), p.ordinal))
    return out


def _read(key: str, opener: Passage | None, passages: list[Passage]) -> list[Fact]:
    facts: list[Fact] = []

    def add(field: str, value: str | None, ordinal: int, detail: str | None = None) -> None:
        value = re.sub(r"\s+", " ", value or "").strip()
        if value:
            detail = re.sub(r"\s+", " ", detail).strip() if detail else None
            facts.append(Fact("meeting", key, field, value, ordinal, detail or None))

    item: Item | None = None
    last = 0
    pending: str | None = None  # a list label ("MEMBERS PRESENT") whose names are in the next passage
    by_item: list[tuple[Item, list[Passage]]] = []
    head: list[Passage] = []
    for p in passages:
        opened = item_heading(p, last)
        if opened:
            item, last, pending = opened, opened.number, None
            by_item.append((item, []))
            add("item", item.title, p.ordinal, item.detail)
            continue
        if item is None:
            head.append(p)
            label = attendance.label_of(p.text)
            if label:
                field, rest = label
                pending = None if rest.strip() else field
                for f, v, d in attendance.listed(field, rest):
                    add(f, v, p.ordinal, d)
                continue
            if pending:
                for f, v, d in attendance.listed(pending, p.text):
                    add(f, v, p.ordinal, d)
                pending = None
                continue
        else:
            by_item[-1][1].append(p)
        in_apologies = item is None or bool(_APOLOGY_ITEM.search(item.title))
        in_declarations = item is not None and bool(_DECLARATION_ITEM.search(item.title))
        said = attendance.apologies(p.text) if in_apologies else []
        said += attendance.attendance(p.text)
        said += attendance.declarations(p.text, in_declarations)
        for f, v, d in said:
            if f == "declaration" and item is not None and not in_declarations:
                d = f"{d} (item {item.label})"
            add(f, v, p.ordinal, d)
        for m in _CHAIR_SAID.finditer(p.text):
            add("chair", clean_name(m.group("name") or m.group("name2")), p.ordinal)
        end = _END.search(p.text)
        if end and p is not opener:
            add("end_time", end.group("t"), p.ordinal)
    for field, value, ordinal in _header(opener, head):
        add(field, value, ordinal)
    for it, body in by_item:
        for ordinal, text in resolutions(body, it):
            add("resolution", text, ordinal, it.label)
        for ordinal, tally in votes(body):
            add("vote", tally, ordinal, it.label)
    return facts


def extract(doc: Document) -> list[Fact]:
    """The facts about meetings that the paper's minutes state, each citing its passage."""
    out: list[Fact] = []
    for key, opener, passages in _meetings(doc):
        facts = _read(key, opener, passages)
        # Minutes show who came or what was decided; a stray "Minutes of ..." line with neither gives nothing.
        if any(f.field in ("present", "apology", "resolution") for f in facts):
            seen: set[Fact] = set()
            out += [f for f in facts if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]
    return out
