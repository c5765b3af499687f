"""Split a document's text into citable passages that follow the paper's own structure.

A passage is a contiguous slice of the extracted text (text[start:end] == passage.text), so a
citation can always be shown in place. Labels are the paper's own numbering where it has one.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, replace

from ingest.lines import Line, heading_text, looks_like_heading, split_lines
from ingest.models import Passage
from ingest.parts import Part, find_parts
from ingest.tokens import count_tokens

MAX_TOKENS = 200  # a passage longer than this is split at sentence ends (MiniLM reads 256 word pieces)
GROUP_TOKENS = 160  # a lead-in and its short bullet list stay one passage up to this
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z(\"“‘£0-9])")
_WORDS = re.compile(r"[A-Za-z]{2,}")
_ROW_REF = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})?)\b")
_PARAGRAPH_KINDS = ("num", "sub", "bullet", "text", "keyfinding", "recommendation", "resolved")


@dataclass
class _Block:
    first: int  # line indices, inclusive
    last: int
    kind: str
    key: str | None


@dataclass
class Draft:
    """A passage before its final ordinal and kind are set."""

    start: int
    end: int
    label: str | None
    section: str
    part: int
    block: str  # the block kind it came from
    lead: str | None = None  # text a reader needs to understand it (a list's lead-in, a table header)


def _blocks(lines: list[Line]) -> list[_Block]:
    """Group lines into blocks: tables, single-line starters, and wrapped text runs."""
    blocks, i, n = [], 0, len(lines)
    while i < n:
        ln = lines[i]
        if ln.kind == "blank":
            i += 1
            continue
        j = i
        if ln.kind == "table":
            k = i + 1
            while k < n:
                if lines[k].kind == "table":
                    j, k = k, k + 1
                    continue
                m = k
                while m < n and lines[m].kind == "blank":
                    m += 1
                # A blank line or two between rows (page breaks in converted PDFs) does not end a table.
                if m > k and m < n and lines[m].kind == "table" and m - k <= 2:
                    k = m
                    continue
                break
        elif ln.kind not in ("heading", "agenda", "item"):
            while j + 1 < n and lines[j + 1].kind == "text":
                j += 1
        blocks.append(_Block(i, j, ln.kind, ln.key))
        i = j + 1
    return blocks


def _span(text: str, lines: list[Line], b: _Block) -> tuple[int, int]:
    start, end = lines[b.first].start, lines[b.last].end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_heading(b: _Block, lines: list[Line]) -> int | None:
    """The heading level of a block, or None when it is not a heading."""
    ln = lines[b.first]
    if b.kind == "heading":
        return len(ln.text.strip()) - len(ln.text.strip().lstrip("#"))
    if b.first != b.last:
        return None
    prev_blank = b.first == 0 or lines[b.first - 1].kind == "blank"
    next_blank = b.last + 1 >= len(lines) or lines[b.last + 1].kind == "blank"
    if b.kind == "text" and looks_like_heading(ln, prev_blank, next_blank):
        return 4 if ln.text.strip().startswith("**") else 5
    # A longer unpunctuated line standing above a heading ("The effectiveness of the local area in ...",
    # then "Strengths") is a heading one level up.
    if b.kind == "text" and prev_blank and next_blank and 6 <= ln.words <= 25 and not ln.ends_sentence:
        k = next((k for k in range(b.last + 1, len(lines)) if lines[k].kind != "blank"), None)
        if k is not None and _is_heading(_Block(k, k, lines[k].kind, None), lines) is not None:
            return 4
    # "1. Purpose": a numbered line of a few words standing alone is a numbered heading.
    if b.kind == "num" and prev_blank and next_blank and ln.words <= 5 and not ln.ends_sentence:
        return 3
    return None


def _page_gap(lines: list[Line], i: int) -> bool:
    """Two or more blank lines before line i: where a converted PDF put a page break."""
    return i >= 2 and lines[i - 1].kind == "blank" and lines[i - 2].kind == "blank"


def _drafts(text: str, lines: list[Line], parts: list[Part]) -> list[Draft]:
    drafts: list[Draft] = []
    stack: list[tuple[int, str]] = []
    num: str | None = None
    num_text: str | None = None
    item: str | None = None
    part = 0
    for b in _blocks(lines):
        while part + 1 < len(parts) and b.first >= parts[part + 1].first_line:
            part, stack, num, item = part + 1, [], None, None
        start, end = _span(text, lines, b)
        level = _is_heading(b, lines)
        if level is not None or b.kind in ("agenda", "item"):
            if b.kind == "agenda":
                continue  # "Agenda Item 4" stamps a page; the part or the item heading carries it
            if b.kind == "item":
                level, item = 3, f"Agenda item {b.key}"
            title = heading_text(lines[b.first].text)
            stack = [s for s in stack if s[0] < level] + [(level, title)]
            num = None
            continue
        section = " > ".join(t for _, t in stack)
        prev = drafts[-1] if drafts else None
        first = lines[b.first]
        if (
            prev is not None
            and prev.part == part
            and prev.block in _PARAGRAPH_KINDS
            and b.kind in ("text", "bullet")
            and (first.starts_lower or (b.kind == "text" and _page_gap(lines, b.first)))
            and len(text[prev.start : prev.end].split()) >= 12
            and not re.search(r"[.!?:;\"”’)\]]\**\s*$", text[prev.start : prev.end])
        ):
            prev.end = end  # a paragraph broken by a page break mid-sentence
            continue
        label: str | None = None
        lead = None
        if b.kind == "num":
            num = label = b.key
            num_text = text[start:end]
        elif b.kind == "sub":
            label = f"{num}({b.key})" if num else f"({b.key})"
            lead = num_text
        elif b.kind == "keyfinding":
            label = f"Key finding {b.key}"
        elif b.kind == "recommendation":
            label = f"Recommendation {b.key}"
        elif b.kind == "resolved":
            label = f"{item}, resolution" if item else "Resolution"
        drafts.append(Draft(start, end, label, section, part, b.kind, lead))
    return drafts


def _group_lists(text: str, drafts: list[Draft]) -> list[Draft]:
    """Keep a lead-in with its short bullet list; otherwise label each bullet after its lead-in."""
    out: list[Draft] = []
    i = 0
    while i < len(drafts):
        d = drafts[i]
        if d.block != "bullet" or not out or out[-1].block == "bullet" or out[-1].section != d.section:
            out.append(d)
            i += 1
            continue
        j = i
        while j + 1 < len(drafts) and drafts[j + 1].block == "bullet" and drafts[j + 1].section == d.section:
            j += 1
        lead = out[-1]
        if count_tokens(text[lead.start : drafts[j].end]) <= GROUP_TOKENS and lead.block != "table":
            lead.end = drafts[j].end
        else:
            lead_text = text[lead.start : lead.end]
            for k, bullet in enumerate(drafts[i : j + 1], start=1):
                if lead.label:
                    bullet.label = f"{lead.label}, bullet {k}"
                bullet.lead = lead_text
                out.append(bullet)
        i = j + 1
    return out


def _split_long(text: str, d: Draft) -> list[tuple[Draft, int | None]]:
    """Split an over-budget paragraph at sentence ends; each piece keeps the label, with a part number."""
    body = text[d.start : d.end]
    if count_tokens(body) <= MAX_TOKENS:
        return [(d, None)]
    cuts = [0] + [m.end() for m in _SENTENCE_END.finditer(body)] + [len(body)]
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


def _split_table(text: str, d: Draft, table_no: int) -> list[tuple[Draft, int | None]]:
    """A table is one passage; an over-budget one is cut into rows keyed by their reference."""
    body = text[d.start : d.end]
    rows = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", body) if m.group().strip()]
    header = body[rows[0][0] : rows[0][1]]
    name = f"Table {table_no}"
    if count_tokens(body) <= MAX_TOKENS or len(rows) < 2:
        return [(replace(d, label=d.label or name, block="table"), None)]
    top = "\n".join(body[a:b] for a, b in rows[:3])  # the header row is not always the first
    header = next(
        (
            body[a:b]
            for a, b in rows[:3]
            if body[a:b].count("\t") >= 2
            and re.search(r"[A-Za-z]{3}", body[a:b])
            and not _ROW_REF.match(body[a:b])
            and "<" not in body[a:b]
        ),
        header,
    )
    noun = "Action" if re.search(r"\baction\b", top, re.I) else "Agenda item" if "agenda" in top.lower() else None
    groups: list[tuple[int, int, str | None]] = []  # (first row, last row, ref)
    for r, (a, b) in enumerate(rows):
        ref = _ROW_REF.match(body[a:b])
        first_cell = body[a:b].split("\t")[0]
        keyed = ref is not None and r > 0 and len(first_cell.strip()) <= 60
        grown = groups and count_tokens(body[rows[groups[-1][0]][0] : b]) > MAX_TOKENS
        if not groups or keyed or grown:
            groups.append((r, r, ref.group(1) if keyed and ref else None))
        else:
            groups[-1] = (groups[-1][0], r, groups[-1][2])
    out = []
    for n, (r0, r1, ref) in enumerate(groups, start=1):
        label = f"{noun} {ref}" if ref and noun else f"{name}, row {ref}" if ref else name
        piece = replace(d, start=d.start + rows[r0][0], end=d.start + rows[r1][1], label=label, block="table")
        piece.lead = None if header in text[piece.start : piece.end] else header
        out.append((piece, None if ref else n))
    return out


def segment(text: str, doc_id: str, page_starts: tuple[int, ...] = ()) -> list[Passage]:
    """Split a document's text into passages with labels, sections, pages and pack parts."""
    lines = split_lines(text)
    parts = find_parts(lines)
    drafts = _group_lists(text, _drafts(text, lines, parts))
    out: list[Passage] = []
    tables = 0
    for d in drafts:
        if d.block == "table":
            tables += 1
            # A single row over the budget is cut at its sentence ends like any paragraph.
            pieces = [
                (cut, part_no if len(cuts) == 1 else n)
                for piece, part_no in _split_table(text, d, tables)
                for cuts in [_split_long(text, piece)]
                for cut, n in cuts
            ]
        else:
            pieces = _split_long(text, d)
        ordinal_label = f"¶{len(out) + 1}"  # no numbering of the paper's own: a stable ordinal, one per paragraph
        for piece, part_no in pieces:
            if len(_WORDS.findall(text[piece.start : piece.end])) < 2:
                continue  # "12:30", "15 - 28", "_": agenda times and page ranges are not citable
            pack = parts[piece.part]
            out.append(
                Passage(
                    doc_id=doc_id,
                    ordinal=len(out),
                    label=piece.label or ordinal_label,
                    section=piece.section,
                    start=piece.start,
                    end=piece.end,
                    text=text[piece.start : piece.end],
                    page=bisect.bisect_right(page_starts, piece.start) if page_starts else None,
                    part_no=part_no,
                    lead=piece.lead,
                    part_title=pack.title if len(parts) > 1 else None,
                    part_date=pack.date if len(parts) > 1 else None,
                )
            )
    return out
