"""The record's recommendations, read from a paper's passages (see ingest/record/__init__.py).

A paper sets out recommendations three ways: as a list under a heading ("Recommendations", "What needs to improve?",
"Areas for improvement"), as a list after a lead-in ("Cabinet is asked to:", "The Committee recommends that the
Cabinet consider the following:"), or as labelled lines ("Recommendation 3: ...", "Recommendation: For Cabinet to
note ..."). What later papers say became of recommendations is read by ingest/record/status.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Document, Fact, Passage
from ingest.record import status
from ingest.record.items import Item, Marker, continues, fill_numbers, item_text, parse, split_marker
from ingest.record.makers import committee, date_of, heading_for, inspectorate, made_to_in, org_in

_HEADING = re.compile(
    r"^\W*(?:\d+\.?\s*)?(recommendations?|recommendation\(s\)|what needs to improve|areas? for priority action"
    r"|areas? for improvement|priority and immediate action)\W*\d*\W*$",
    re.I,
)
_LEAD = re.compile(r"\b(?:is|are)\s+(?:asked|recommended|requested|invited)\s+to\b|\brecommend", re.I)
_LABELLED = re.compile(r"^\W*Recommendation\s+(?P<n>\d{1,3})\s*[:.–-]\s*(?P<text>\S.*)", re.S)
_INLINE = re.compile(r"^\W*Recommendations?(?:\(s\))?\W*?:\W*(?P<text>[A-Z].+)$", re.M)
# "... includes recommendation number nine which states that Children's Services should:" and the quote after it
_QUOTED = re.compile(r"\brecommendation (?:number |no\.? )?(?P<n>\d{1,3}|[a-z]+) which (?:states|reads|says)\b", re.I)
# "... the Finance, Performance and Resources Select Committee made the recommendation that the ... should ..."
_PROSE = re.compile(r"\bmade\s+(?:the|a)\s+recommendation\s+that\s+(?P<text>[^.]{10,400}\.)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_QUOTES = ("“", '"', "‘", "'")
_MAX_NEUTRAL = 3  # passages a list may pass over (sub-headings, asides) before it is taken to have ended


@dataclass
class Group:
    """One list of recommendations: what introduced it, and its items."""

    name: str  # how its items are keyed: "Recommendation", "What needs to improve", "Area for improvement"
    anchor: Passage  # the heading, lead-in or labelled line
    items: list[Item] = field(default_factory=list)
    context: list[Passage] = field(default_factory=list)  # passages that say who made it and for whom
    singular: bool = False  # "Recommendation:" introduces one item, keyed by the name alone


def _first_line(text: str) -> str:
    return text.strip().split("\n")[0].strip("#* ")


def _name(heading: str) -> str:
    h = heading.lower()
    if h.startswith("recommend"):
        return "Recommendation"
    if h.startswith("what"):
        return "What needs to improve"
    if "priority action" in h:
        return "Area for priority action"
    return "Area for improvement" if h.startswith("area") else "Priority and immediate action"


def _is_lead(p: Passage) -> bool:
    """A paragraph that opens a list of recommendations: its last sentence asks or recommends, and ends in a colon."""
    text = p.text.strip()
    if p.kind == "heading" or not text.endswith(":") or text.startswith(_QUOTES) or _QUOTED.search(text):
        return False
    return bool(_LEAD.search(_SENTENCE_END.split(text)[-1])) and not status.says_none(text)


def _under_heading(passages: tuple[Passage, ...], i: int) -> Group:
    """The items between a recommendations heading and the next heading of the same part."""
    anchor = passages[i]
    heading = _first_line(anchor.text)
    group = Group(
        _name(heading), anchor, context=[anchor], singular=bool(re.match(r"\W*recommendation\W*$", heading, re.I))
    )
    raw: list[Item] = []
    for p in passages[i + 1 :]:
        if p.part_title != anchor.part_title or p.kind == "heading" and not norm_eq(p.text, anchor.text):
            break
        if p.kind == "heading" or "\t" in p.text:
            continue  # the same heading repeated; a table, whose columns the reader may have interleaved
        if _is_lead(p):
            group.context.append(p)
            continue
        raw += parse(p)
    group.items = _keep(raw)
    return group


def norm_eq(a: str, b: str) -> bool:
    """Whether two headings say the same, ignoring case, whitespace and trailing punctuation."""
    return _first_line(a).lower().rstrip(":?") == _first_line(b).lower().rstrip(":?")


def _keep(raw: list[Item]) -> list[Item]:
    """A numbered list keeps its numbered items; a bulleted one its bullets; otherwise every paragraph is an item."""
    if any(it.marker and it.marker.numbered for it in raw):
        return fill_numbers(raw)
    if any(it.marker for it in raw):
        return [it for it in raw if it.marker]
    return raw


def _after_lead(passages: tuple[Passage, ...], i: int) -> Group:
    """The items that follow a lead-in, while the numbering carries on (sub-headings and asides passed over)."""
    anchor = passages[i]
    group = Group("Recommendation", anchor, context=[anchor])
    before = passages[i - 1] if i > 0 else None
    if before is not None and len(before.text) < 150 and re.search(r"recommend", before.text, re.I):
        group.context.append(before)  # "Appendix A - Ofsted Re-Inspection Report (...) Recommendations"
    raw: list[Item] = []
    style: Marker | None = None
    last: Marker | None = None
    neutral = 0
    for p in passages[i + 1 :]:
        if p.part_title != anchor.part_title or neutral > _MAX_NEUTRAL:
            break
        items = [] if p.kind == "heading" or _is_lead(p) else parse(p)
        marker = items[0].marker if items else None
        if marker is None or (style and style.numbered and marker.numbered and marker.style != style.style):
            neutral += 1  # a sub-heading, an aside, or a sub-item in another numbering style
            continue
        if style is None:
            style = marker
        elif not style.numbered and marker.numbered:
            break  # a bulleted list has ended: numbered paragraphs follow
        elif marker.numbered and last is not None and not continues(last, marker):
            break  # numbering starts again: another list
        elif not marker.numbered and style.style not in ("num", "paren", "bullet"):
            neutral += 1  # bullets under lettered items are sub-points
            continue
        raw += items
        last = items[-1].marker if marker.numbered else last
        neutral = 0
    lead, _ = split_marker(anchor.text)
    first = next((it.marker for it in raw if it.marker and it.marker.numbered), None)
    if lead and first and lead.style == first.style == "num" and first.rank == lead.rank + 1:
        return group  # "59. ... should:" then "60.": the report's own paragraph numbers, not a list
    group.items = _keep(raw)
    return group


def _quoted(passages: tuple[Passage, ...], i: int) -> Group | None:
    """ "The report includes recommendation number nine which states that ... should:" and the quote that follows."""
    m = _QUOTED.search(passages[i].text)
    n = status.to_int(m.group("n")) if m else None
    if n is None or i + 1 >= len(passages):
        return None
    _, rest = split_marker(passages[i + 1].text)
    text = item_text(rest).strip("\"“”'‘’ ")
    return Group("Recommendation", passages[i], [Item(Marker("num", str(n)), text, i + 1)], [passages[i]])


def _groups(doc: Document) -> list[Group]:
    """Every recommendation list the paper holds, in reading order."""
    passages, used, groups = doc.passages, set(), []
    for i, p in enumerate(passages):
        if p.ordinal in used:
            continue
        if p.kind == "heading" and _HEADING.match(_first_line(p.text)):
            group = _under_heading(passages, i)
        elif _is_lead(p):
            group = _after_lead(passages, i)
        elif _QUOTED.search(p.text) and (quoted := _quoted(passages, i)):
            group = quoted
        elif m := _LABELLED.match(p.text):
            section = heading_for(doc, p)
            group = Group("Recommendation", p, [Item(Marker("num", m.group("n")), " ".join(m["text"].split()), i)])
            group.context += [section] if section else []
        elif m := _PROSE.search(p.text):
            group = Group("Recommendation", p, [Item(None, " ".join(m["text"].split()), p.ordinal)], [p], singular=True)
        elif m := _INLINE.search(p.text):
            group = Group("Recommendation", p, [Item(None, " ".join(m["text"].split()), p.ordinal)], [p], singular=True)
        else:
            continue
        if group.items:
            used.update(range(group.anchor.ordinal, max(it.ordinal for it in group.items) + 1))
        groups.append(group)
    return groups


def _key(group: Group, item: Item, index: int) -> str:
    name, m = group.name, item.marker
    if m is None or not m.numbered:
        return name if group.singular and len(group.items) == 1 else f"{name} {index + 1}"
    return f"({m.value})" if m.style in ("paren", "paren_alpha") else f"{name} {m.value}"


def _same(a: str, b: str) -> bool:
    return a[:40].casefold() == b[:40].casefold()


def extract(doc: Document) -> list[Fact]:
    """The facts about recommendations that the paper states, each citing its passage."""
    facts: list[Fact] = []
    seen: dict[str, tuple[str | None, str]] = {}
    by_org = inspectorate(doc)
    for group in _groups(doc):
        part = group.anchor.part_title
        made_by = by_org or org_in(group.context) or committee(doc, group.anchor, group.context)
        made_to = made_to_in(doc, group.anchor, [*group.context, *(doc.passages[it.ordinal] for it in group.items)])
        date = date_of(doc, group.anchor, group.context)
        keys = [_key(group, item, n) for n, item in enumerate(group.items)]
        if part and any(
            k in seen and seen[k][0] != part and not _same(seen[k][1], it.text)
            for k, it in zip(keys, group.items, strict=True)
        ):
            keys = [f"{part}: {k}" for k in keys]  # another part of the pack numbers a different list the same way
        for key, item in zip(keys, group.items, strict=True):
            if key in seen:
                continue  # the same list again (a summary and the report's end both give it)
            seen[key] = (part, item.text)
            facts.append(Fact("recommendation", key, "text", item.text, item.ordinal))
            for fld, found in (("made_by", made_by), ("made_to", made_to), ("date", date)):
                if found:
                    facts.append(Fact("recommendation", key, fld, found[0], found[1]))
    return facts + status.extract(doc)
