"""Tables in inspection reports, read row by row: judgement grades, the inspection team, areas for priority action.

The reader gives a table as lines of tab-separated cells, and a cell that wraps in the PDF goes on the next line
("The impact of leaders on social work\tOutstanding" then "practice with children and families\t"), so a line whose
first cell starts in lower case continues the row above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.record.inspection_terms import GRADE, GRADE_RE, flat, is_inspector, is_lead, person

_GRADE_START = re.compile(rf"^({GRADE})\b", re.IGNORECASE)
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_CONTINUES = re.compile(r"^(?:to be good|good)$", re.IGNORECASE)


@dataclass
class Row:
    """One judgement row: the area (or "Overall effectiveness") and its grade."""

    area: str
    grade: str


def cells(line: str) -> list[tuple[int, str]]:
    """The non-empty cells of a table line, with their column positions."""
    return [(i, c.strip()) for i, c in enumerate(line.split("\t")) if c.strip()]


def judgement_rows(text: str) -> list[Row]:
    """The (area, grade) rows of a judgement table; lines that are not rows (headers, captions) are skipped."""
    rows: list[Row] = []
    for line in text.split("\n"):
        found = cells(line)
        if not found:
            continue
        first, last = found[0][1], found[-1][1]
        if rows and first[:1].islower():
            if len(found) >= 2 or _CONTINUES.match(first):
                if len(found) >= 2:
                    rows[-1].area += " " + first
                rows[-1].grade += " " + last
            else:
                rows[-1].area += " " + first
            continue
        if len(found) >= 2 and _GRADE_START.match(last):
            area = " ".join(c for _, c in found[:-1])
            rows.append(Row(_NUMBER.sub("", area), last))
    return [Row(flat(r.area), flat(r.grade)) for r in rows if GRADE_RE.match(r.grade) and r.area]


def team(text: str) -> list[tuple[str, str, bool]]:
    """(name, role, lead) for each inspector a team table or sign-off block names, in reading order."""
    out = []
    for line in text.split("\n"):
        for _, cell in cells(line):
            found = person(cell)
            if found and is_inspector(found[1]):
                out.append((found[0], found[1], is_lead(found[1])))
    return out


def priority_rows(text: str) -> list[str]:
    """The actions of an "Areas for priority action" table: its last column, one entry per row.

    A row that goes on from the previous page (it starts in lower case) is left out: it belongs to a row whose start
    is in another passage. When the reader could not keep the columns apart, the row's whole text is the entry.
    """
    lines = [ln for ln in text.split("\n") if cells(ln)]
    if lines and re.search(r"priority action", lines[0], re.IGNORECASE):
        lines = lines[1:]
    rows: list[list[str]] = []
    ended = True
    for line in lines:
        found = cells(line)
        body = found[-1][1]
        new_row = len(found) >= 2 and ended and body[:1].isupper()
        if new_row or not rows:
            rows.append([])
        rows[-1].append(body)
        ended = bool(re.search(r"[.!?]$", body))
    out = [flat(" ".join(r)) for r in rows]
    return [r for r in out if r and not r[:1].islower()]
