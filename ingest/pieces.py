"""Cutting a paragraph or a table into pieces that fit the model: sentences for prose, rows for tables."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ingest.tokens import count_tokens

if TYPE_CHECKING:
    from ingest.segment import Draft

MAX_TOKENS = 200  # a passage longer than this is split at sentence ends (MiniLM reads 256 word pieces)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z(\"“‘£0-9])")
_ROW_REF = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})?)\b")


def split_long(text: str, d: Draft) -> list[tuple[Draft, int | None]]:
    """Split an over-budget paragraph at sentence ends; each piece keeps the label, with a part number."""
    body = text[d.start : d.end]
    if count_tokens(body) <= MAX_TOKENS:
        return [(d, None)]
    cuts = [0] + [m.end() for m in SENTENCE_END.finditer(body)] + [len(body)]
    pieces: list[tuple[int, int]] = []
    begin = 0
    for a, b in itertools.pairwise(cuts):
        if b > begin and a > begin and count_tokens(body[begin:b]) > MAX_TOKENS:
            pieces.append((begin, a))
            begin = a
    pieces.append((begin, len(body)))
    out = []
    for n, (a, b) in enumerate(pieces, start=1):
        s, e = d.start + a, d.start + b
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((replace(d, start=s, end=e), n if len(pieces) > 1 else None))
    return out


def split_table(text: str, d: Draft, table_no: int) -> list[tuple[Draft, int | None]]:
    """A small table is one passage; a larger one is one passage per row, each with the column headers.

    Rows keyed by a reference ("2.6" in an action plan) are labelled by it and keep the unkeyed lines
    after them (a row that wrapped in the source); the header rows go with the first row.
    """
    body = text[d.start : d.end]
    rows = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", body) if m.group().strip()]
    name = "Contents" if d.block == "contents" else d.label or f"Table {table_no}"
    if count_tokens(body) <= MAX_TOKENS or len(rows) < 2:
        return split_long(text, replace(d, label=name))  # one row over the budget is cut like prose
    top = "\n".join(body[a:b] for a, b in rows[:3])
    n_header, header = _header(body, rows, d.header_rows)
    noun = "Action" if re.search(r"\baction\b", top, re.I) else "Agenda item" if "agenda" in top.lower() else None
    groups: list[tuple[int, int, str | None]] = []  # (first row, last row, ref)
    keyed_table = any(_keyed(body[a:b], r >= n_header) for r, (a, b) in enumerate(rows))
    for r, (a, b) in enumerate(rows):
        if r < n_header:
            continue
        ref = _ROW_REF.match(body[a:b])
        keyed = _keyed(body[a:b], True)
        grown = groups and count_tokens(body[rows[groups[-1][0]][0] : b]) > MAX_TOKENS
        if not groups or keyed or grown or not keyed_table:
            groups.append((r, r, ref.group(1) if keyed and ref else None))
        else:
            groups[-1] = (groups[-1][0], r, groups[-1][2])
    if not groups:
        return split_long(text, replace(d, label=name))
    out = []
    if n_header:
        # The header rows are cited with the first row, or alone when that would be over the budget.
        if count_tokens(body[: rows[groups[0][1]][1]]) <= MAX_TOKENS:
            groups[0] = (0, groups[0][1], groups[0][2])
        else:
            head = replace(d, start=d.start + rows[0][0], end=d.start + rows[n_header - 1][1], label=name)
            out += split_long(text, head)
    for n, (r0, r1, ref) in enumerate(groups, start=1):
        label = f"{noun} {ref}" if ref and noun else f"{name}, row {ref}" if ref else f"{name}, row {n}"
        piece = replace(d, start=d.start + rows[r0][0], end=d.start + rows[r1][1], label=label)
        piece.lead = header if header and header not in text[piece.start : piece.end] else None
        for cut, part_no in split_long(text, piece):
            out.append((cut, part_no))
    return out


def _keyed(row: str, allowed: bool) -> bool:
    ref = _ROW_REF.match(row)
    return allowed and ref is not None and len(row.split("\t")[0].strip()) <= 60 and "\t" in row


def _header(body: str, rows: list[tuple[int, int]], given: int) -> tuple[int, str]:
    """How many top rows to cite with the first row, and the column header row(s) every row is read with.

    The reader's count when it gave one; otherwise the first of the top rows that reads as a header row.
    """
    if given >= 0:
        n = min(given, len(rows) - 1)
        return n, "\n".join(body[a:b] for a, b in rows[:n])
    for r, (a, b) in enumerate(rows[:3]):
        row = body[a:b]
        if row.count("\t") >= 2 and re.search(r"[A-Za-z]{3}", row) and not _ROW_REF.match(row) and "<" not in row:
            return r + 1, row
    return 0, ""
