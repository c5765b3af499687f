"""Who made a recommendation, to whom, and when: names and dates read from the passages around a list.

Each finder returns the value as the paper words it and the ordinal of the passage that holds it, or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.dates import find_dates
from ingest.models import Document, Passage
from ingest.record.items import norm

Found = tuple[str, int] | None

_ORG = re.compile(r"\b(Ofsted|Care Quality Commission|CQC)\b(?=[^.]{0,60}\b(?i:recommendations?)\b)")
_GENERIC = {"the", "select", "scrutiny", "committee", "cabinet", "inquiry", "review", "group", "task", "panel"}
_COMMITTEE = re.compile(
    r"(?:[A-Z][\w'’&,-]*\s+(?:(?:and|&|of|for)\s+)?)+?(?:Select\s+|Scrutiny\s+)?"
    r"(?:Committee|Inquiry|Review Group|Task Group|Task and Finish Group)\b"
)
_MADE = re.compile(
    r"(?P<who>\b(?:[Tt]he\s+)?[A-Z][\w,&'’ -]{2,80}?)\s+(?:had\s+|has\s+|have\s+)?(?:submitted[^.]{0,40}?\s+and\s+)?"
    r"made\s+(?:several\s+|a number of\s+|the following\s+|\w+\s+)?recommendations?\b"
)
_TRAILING_NAME = re.compile(r"(?:[Tt]he\s+)?(?:[A-Z][\w'’&-]*,?\s+(?:(?:and|&|of|for)\s+)?)*[A-Z][\w'’&-]*$")
_MAKER_RECOMMENDS = re.compile(r"\b(?:Committee|group|panel|inquiry|review)\b[^.:]*\brecommend", re.I)
_BODY = r"(?P<body>[A-Z][\w'’&]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w'’&]*){0,4})"
_ACTS = r"\s+to\s+(?:note|agree|approve|consider|endorse)"
_MADE_TO = (
    re.compile(_BODY + r"\s+(?:is|are)\s+(?:asked|recommended|requested|invited)\s+to\b"),
    re.compile(r"\bFor\s+(?:the\s+)?(?:members?\s+of\s+the\s+)?" + _BODY + _ACTS),
    re.compile(r"\bwhich\s+states\s+that\s+(?:the\s+)?" + _BODY + r"\s+should\b"),
    re.compile(
        r"\brecommend(?:s|ed)?\s+(?:that\s+)?(?:the\s+)?" + _BODY + r"\s+(?:considers?|should|agrees?|notes?)\b"
    ),
    re.compile(r"\b(?:recommended|recommends?)\s+(?:that\s+|to\s+)(?:the\s+)?" + _BODY + r"\s*:"),
)
_NEEDS_TO = re.compile(r"what does (?P<body>the .{3,60}?) need to (?:improve|do better)", re.I)
_BODY_HEADING = re.compile(r"^The (?:local authority|.*\b(?:Board|Council|Partnership|Committee)\b.*)$", re.I)


def heading_for(doc: Document, p: Passage) -> Passage | None:
    """The heading passage that opens the section `p` sits in."""
    last = p.section.split(" > ")[-1] if p.section else ""
    return _heading_named(doc, p, last) if last else None


def _heading_named(doc: Document, p: Passage, text: str) -> Passage | None:
    for q in reversed(doc.passages[: p.ordinal]):
        if q.kind == "heading" and norm(q.text).strip("#* ") == text.strip():
            return q
    return None


def inspectorate(doc: Document) -> Found:
    """For an inspection report, the inspectorate(s) its body names, as written ("Ofsted and the Care Quality ...")."""
    if not doc.body or "inspection" not in doc.doc_type:
        return None
    names = [n for n in re.split(r"\s+and\s+", doc.body) if n]
    first = re.compile(rf"\b{re.escape(names[0])}\b")
    for p in doc.passages:  # all of them named together, close by: "Ofsted and the Care Quality Commission (CQC)"
        m = first.search(p.text)
        if not m:
            continue
        ends = [re.search(rf"\b{re.escape(n)}\b", p.text[m.end() : m.end() + 60]) for n in names[1:]]
        if all(ends):
            end = m.end() + max((e.end() for e in ends if e), default=0)
            end += len(names) > 1 and p.text[end : end + 1] == ")"  # "(CQC)" whole
            return norm(p.text[m.start() : end]), p.ordinal
    return next(((names[0], p.ordinal) for p in doc.passages if first.search(p.text)), None)


def org_in(passages: Iterable[Passage]) -> Found:
    """An inspectorate named where the list is introduced ("Actions in Response to Ofsted Recommendations")."""
    for p in passages:
        m = _ORG.search(p.text)
        if m:
            return m.group(1), p.ordinal
    return None


def _committee_name(text: str) -> str | None:
    for m in _COMMITTEE.finditer(text):
        if re.search(r"\b(?:to|To:?)\s+(?:the\s+)?$", text[max(0, m.start() - 8) : m.start()]):
            continue  # a report *to* the committee is not made by it
        name = re.sub(r"^(?:The|This|Our|Its)\s+", "", norm(m.group(0)))
        if any(w.lower().strip(",") not in _GENERIC for w in name.split()):
            return name
    return None


def committee(doc: Document, anchor: Passage, context: list[Passage]) -> Found:
    """The committee, inquiry or review group that makes the recommendations, by the name the paper gives it.

    "The Committee recommends ..." is resolved to the nearest full name before it; otherwise a part whose opening
    names a committee ("Children's & Education Select Committee Review on ...") is taken to be its work.
    """
    for p in context:
        m = _MADE.search(p.text)
        who = _TRAILING_NAME.search(m.group("who")) if m else None
        if who:
            return who.group(0), p.ordinal
    maker = next((p for p in context if _MAKER_RECOMMENDS.search(p.text)), None)
    if maker is not None:
        for q in reversed(doc.passages[max(0, maker.ordinal - 30) : maker.ordinal + 1]):
            if q.part_title != maker.part_title:
                break
            name = _committee_name(q.text)
            if name:
                return name, q.ordinal
    opening = [q for q in doc.passages if q.part_title == anchor.part_title][:3]
    before = doc.passages[opening[0].ordinal - 1] if opening and opening[0].ordinal > 0 else None
    if before is not None and len(before.text) < 200 and not before.text.rstrip().endswith("."):
        opening.insert(1, before)  # a title the part split left at the end of the part before
    for q in opening:
        name = _committee_name(q.text)
        if name:
            return name, q.ordinal
    return None


def made_to_in(doc: Document, anchor: Passage, passages: Iterable[Passage]) -> Found:
    """The body asked to act: "Cabinet is asked to", "For Cabinet to note", "What does the local authority need to"."""
    for p in passages:
        for rx in _MADE_TO:
            m = rx.search(p.text)
            if m:
                return m.group("body"), p.ordinal
    ancestors = [a.strip() for a in reversed(anchor.section.split(" > "))] if anchor.section else []
    for a in ancestors:
        m = _NEEDS_TO.search(a)
        if m and (q := _heading_named(doc, anchor, a)):
            return m.group("body"), q.ordinal
    for q in reversed(doc.passages[max(0, anchor.ordinal - 40) : anchor.ordinal]):
        m = _NEEDS_TO.search(q.text) if q.kind == "heading" else None
        if m:
            return m.group("body"), q.ordinal
    for a in ancestors:
        if _BODY_HEADING.match(a) and (q := _heading_named(doc, anchor, a)):
            return a, q.ordinal
    return None


def date_of(doc: Document, anchor: Passage, context: list[Passage]) -> Found:
    """The date the list carries, else its part's date, else the paper's: ISO, citing a passage that states it."""
    for p in context:
        found = find_dates(p.text)
        if found:
            return found[0][1], p.ordinal
    for when, part in ((anchor.part_date, anchor.part_title), (doc.date, None)):
        if not when:
            continue
        for p in doc.passages:
            if (part is None or p.part_title == part) and any(iso == when for _, iso in find_dates(p.text)):
                return when, p.ordinal
    return None
