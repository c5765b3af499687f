"""The record's actions, read from a paper's passages (see ingest/record/__init__.py).

Two shapes: an action plan's table (a row per reference "2.6": action, lead, deadline, RAG, progress; see
ingest/record/plans.py), and the "ACTION: Service Director for Education" lines minutes put under a point.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ingest.dates import find_dates
from ingest.models import Document, Fact, Passage
from ingest.record.items import norm, split_marker
from ingest.record.plans import Header, Row, labelled, rows

_STATUS_WORD = re.compile(
    r"^(?:complete[d]?|done|closed|achieved|ongoing|on track|in progress|not started|delayed)$", re.I
)
_MINUTE_ACTION = re.compile(r"^\s*ACTIONS?\s*(?:BY)?\s*[:\-–]\s*(?P<owner>[^\n]{2,80}?)\s*$", re.M)
_ITEM = re.compile(r"^(?:Item\s+)?(\d{1,3})\b")


def _plan_title(doc: Document, first: Passage) -> tuple[str, int] | None:
    """The plan's title: the first short line of its part, before its rows, that names a plan."""
    for p in doc.passages[: first.ordinal]:
        text = norm(p.text)
        if p.part_title != first.part_title or not text or len(text) > 150 or "\t" in p.text:
            continue
        if re.search(r"\bplan\b", text, re.I) and not text.endswith((".", ":")):
            return text.strip("# "), p.ordinal
    return None


def _due(value: str) -> tuple[str, str]:
    """("due", ISO date) for one full date, ("status", word) for "Complete", else ("due", as written)."""
    if _STATUS_WORD.match(value):
        return "status", value
    dates = find_dates(value)
    if len(dates) == 1 and len(value) <= 25:
        return "due", dates[0][1]
    return "due", value


def _row_facts(row: Row, key: str) -> list[Fact]:
    out: list[Fact] = []
    cells = dict(row.cells)
    fields: dict[str, str] = {}
    for name in ("action", "owner", "measure"):
        if cells.get(name):
            fields[name] = cells[name]
    if cells.get("due"):
        name, value = _due(cells["due"])
        fields[name] = value
    if cells.get("status"):
        fields.setdefault("status", cells["status"])
    for name, value in labelled(cells.get("progress", "")).items():
        fields.setdefault(name, value)
    for name, value in fields.items():
        out.append(Fact("action", key, name, value, row.ordinal))
    return out


def _units(doc: Document) -> Iterator[tuple[Passage, list[Passage]]]:
    """Each passage, with a long row that segmentation cut into parts ("row 2" part 1, part 2) joined again."""
    passages, i = doc.passages, 0
    while i < len(passages):
        parts = [passages[i]]
        while parts[-1].part_no and i + len(parts) < len(passages):
            q = passages[i + len(parts)]
            if q.label != parts[0].label or q.part_no != (parts[-1].part_no or 0) + 1:
                break
            parts.append(q)
        joined = replace(parts[0], text=doc.text[parts[0].start : parts[-1].end]) if len(parts) > 1 else parts[0]
        yield joined, parts
        i += len(parts)


def _cite(fact: Fact, parts: list[Passage]) -> Fact:
    """The fact citing the part of a joined row whose text holds its value."""
    value = norm(fact.value).casefold()
    holder = next((p for p in parts if value in norm(p.text).casefold()), parts[0])
    return replace(fact, ordinal=holder.ordinal)


def _plan_facts(doc: Document) -> list[Fact]:
    facts: list[Fact] = []
    header: Header | None = None
    part: str | None = None
    seen: dict[str, set[str]] = {}  # key -> fields already given (a plan's wrapped rows repeat a reference)
    titles: dict[str | None, tuple[str, int] | None] = {}
    owner: dict[str, str | None] = {}  # reference -> the part whose plan first used it
    for p, parts in _units(doc):
        if p.part_title != part:
            header, part = None, p.part_title  # a header does not carry over into another part of a pack
        if "\t" not in p.text:
            continue
        header, found = rows(p, header)
        for row in found:
            if part not in titles:
                titles[part] = _plan_title(doc, p)
            title = titles[part]
            key = row.ref
            if owner.setdefault(key, part) != part:
                key = f"{title[0] if title else part}: {row.ref}"  # another plan in the pack numbers rows the same way
            given = seen.setdefault(key, set())
            new = [_cite(f, parts) for f in _row_facts(row, key) if f.field not in given]
            if not given and title:
                new.append(Fact("action", key, "plan", title[0], title[1]))
            given.update(f.field for f in new)
            facts += new
    return facts


def _minute_facts(doc: Document) -> list[Fact]:
    """ "ACTION: <owner>" under a minuted point: the point is the action, the line names its owner."""
    facts: list[Fact] = []
    count: dict[str, int] = {}
    for p in doc.passages:
        for m in _MINUTE_ACTION.finditer(p.text):
            before = p.text[: m.start()].strip()
            source = p
            if not before and p.ordinal > 0:
                source = doc.passages[p.ordinal - 1]
                before = source.text.strip()
            point = re.split(r"\n\s*(?=[-•●▪◼·*]\s)", before)[-1] if before else ""
            _, point = split_marker(point)
            section = p.section.split(" > ")[-1] if p.section else ""
            item = _ITEM.match(section)
            scope = f"Item {item.group(1)}" if item else "Minutes"
            count[scope] = count.get(scope, 0) + 1
            key = f"{scope} action {count[scope]}"
            facts.append(Fact("action", key, "owner", norm(m.group("owner")), p.ordinal))
            if point.strip():
                facts.append(Fact("action", key, "action", norm(point), source.ordinal))
    return facts


def extract(doc: Document) -> list[Fact]:
    """The facts about actions that the paper states, each citing its passage."""
    return _plan_facts(doc) + _minute_facts(doc)
