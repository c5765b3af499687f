"""Action plans as councils tabulate them: a header naming the columns (Ref, Action, Accountable Lead, Deadline,
Progress RAG, ...) and a row per action, read from the reader's tab-separated table passages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Passage

# Which column a header cell names; the first that matches wins, so "Progress RAG" is a status, not progress.
_COLUMNS = (
    ("ref", re.compile(r"^(?:ref|no\.?|number|#|id)\b|\breference\b", re.I)),
    ("owner", re.compile(r"\b(?:lead|owner|responsib\w*|accountable|officer)\b", re.I)),
    ("due", re.compile(r"\b(?:deadline|due|timescales?|time ?frame|target date|by when|completion date|date)\b", re.I)),
    ("status", re.compile(r"\b(?:rag|status)\b", re.I)),
    ("progress", re.compile(r"\b(?:progress|update|commentary)\b", re.I)),
    ("measure", re.compile(r"\b(?:measures?|success|impact|outcomes?)\b", re.I)),
    ("action", re.compile(r"\b(?:actions?|tasks?|activity|what we will do)\b", re.I)),
)
_REF = re.compile(r"^\s*(?P<ref>\d{1,2}(?:\.\d{1,2})+)(?=\s|$)")
# Labelled values inside one progress cell: "Action status: ...", "Impact against outcomes set: ..."
_LABELS = (
    ("status", re.compile(r"\b(?:action )?status\s*:", re.I)),
    ("measure", re.compile(r"\bimpact(?: against outcomes(?: set)?)?\s*:|\bmeasures? of success\s*:", re.I)),
    ("update", re.compile(r"\b(?:progress|update)\s*:", re.I)),
    (None, re.compile(r"\bwhat more needs to be done\s*:", re.I)),
)


@dataclass(frozen=True)
class Header:
    """The columns a plan's header names, by position."""

    columns: dict[str, int]
    width: int

    @classmethod
    def parse(cls, line: str | None) -> Header | None:
        """The header a tab-separated line spells, if it names an action column and an owner or a deadline."""
        if not line or "\t" not in line:
            return None
        columns: dict[str, int] = {}
        cells = line.split("\t")
        for i, cell in enumerate(cells):
            for name, rx in _COLUMNS:
                if name not in columns and rx.search(cell):
                    columns[name] = i
                    break
        if "action" in columns and ("owner" in columns or "due" in columns):
            return cls(columns, len(cells))
        return None


@dataclass
class Row:
    """One action as its row gives it: cell texts by column name, and the passage it sits in."""

    ref: str
    ordinal: int
    cells: dict[str, str] = field(default_factory=dict)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def rows(p: Passage, header: Header | None) -> tuple[Header | None, list[Row]]:
    """The header in force after `p` and the action rows `p` holds (a row's wrapped lines merged into its cells)."""
    lines = p.text.split("\n")
    header = Header.parse(p.lead) or header
    if (own := Header.parse(lines[0])) is not None:
        header, lines = own, lines[1:]
    if header is None:
        return None, []
    found: list[Row] = []
    current: list[list[str]] | None = None
    for line in [*lines, None]:
        if line is not None and not line.strip():
            continue  # a blank line inside a wrapped row
        cells = _cells(line) if line is not None else []
        starts = _REF.match(cells[0]) if cells else None
        if current is not None and cells and not starts and (not cells[0] or _has(cells, header, "owner", "due")):
            current.append(cells)  # the row's text wrapped onto another line
            continue
        if current is not None:
            found.append(_row(current, header, p.ordinal))
            current = None
        if starts and abs(len(cells) - header.width) <= 1:
            current = [cells]
    return header, [r for r in found if r.cells.get("action") or r.cells.get("owner")]


def _has(cells: list[str], header: Header, *names: str) -> bool:
    return any(header.columns.get(n, 99) < len(cells) and cells[header.columns[n]] for n in names)


def _row(lines: list[list[str]], header: Header, ordinal: int) -> Row:
    m = _REF.match(lines[0][0])
    row = Row(m.group("ref") if m else lines[0][0], ordinal)
    for name, col in header.columns.items():
        parts = [cells[col] for cells in lines if col < len(cells) and cells[col]]
        if name == "ref":
            continue
        if parts:
            row.cells[name] = " ".join(" ".join(parts).split())
    return row


def labelled(progress: str) -> dict[str, str]:
    """The labelled values one progress cell holds; a value the plan leaves blank is absent."""
    marks = sorted((m.start(), m.end(), name) for name, rx in _LABELS for m in rx.finditer(progress))
    if not marks:
        return {"update": progress} if progress else {}
    out: dict[str, str] = {}
    for i, (_, end, name) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(progress)
        value = progress[end:stop].strip(" ;,")
        if name and value:
            out.setdefault(name, value)
    return out
