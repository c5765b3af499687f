"""Split a document's text into citable passages that follow the paper's own structure.

A passage is a contiguous slice of the extracted text (text[start:end] == passage.text), so a
citation can always be shown in place. Nothing is dropped: headings are passages of their own
(kind "heading"), and a fragment too small to cite alone ("(Item 4)", "For (52)") joins a neighbour.
Labels are the paper's own numbering as a path ("88(2)(b)"), unique within the document.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from ingest.labels import unique_labels
from ingest.lines import Line, apply_hints, heading_text, looks_like_heading, split_lines
from ingest.models import Passage
from ingest.numbering import Numbering, marker
from ingest.parts import Part, find_parts
from ingest.pieces import MAX_TOKENS, SENTENCE_END, split_long, split_table
from ingest.tokens import count_tokens

__all__ = ["MAX_TOKENS", "SENTENCE_END", "segment"]

GROUP_TOKENS = 160  # a lead-in and its short bullet list stay one passage up to this
_WORDS = re.compile(r"[A-Za-z]{2,}")
_PARAGRAPH_KINDS = ("num", "sub", "bullet", "text", "keyfinding", "recommendation", "resolved")
_HEADING_KEY = re.compile(r"^\s*(?:#+\s*)?\**\s*(\d{1,3}(?:\.\d{1,3})*)\.?\s+(?=\S)")
_FINISHED = re.compile(r"[.!?:;\"”’)\]]\**\s*$")


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
    block: str  # the block kind it came from ("heading", "table", "contents", "num", "text", ...)
    lead: str | None = None  # text a reader needs to understand it (a list's lead-in, a table's header)
    header_rows: int = -1  # for tables: how many leading rows are column headers (-1: the reader did not say)


def _blocks(lines: list[Line]) -> list[_Block]:
    """Group lines into blocks: tables, single-line starters, and wrapped text runs."""
    blocks, i, n = [], 0, len(lines)
    while i < n:
        ln = lines[i]
        if ln.kind == "blank":
            i += 1
            continue
        j = i
        if ln.kind in ("table", "contents") and ln.hint >= 0:
            while j + 1 < n and (
                lines[j + 1].hint == ln.hint or lines[j + 1].kind == "blank" and _same_hint(lines, j + 1, ln.hint)
            ):
                j += 1
        elif ln.kind == "table":
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


def _same_hint(lines: list[Line], i: int, hint: int) -> bool:
    k = i
    while k < len(lines) and lines[k].kind == "blank":
        k += 1
    return k < len(lines) and lines[k].hint == hint


def _span(text: str, lines: list[Line], b: _Block) -> tuple[int, int]:
    start, end = lines[b.first].start, lines[b.last].end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _heading_level(b: _Block, lines: list[Line], structured: bool) -> int | None:
    """The heading level of a block, or None when it is not a heading."""
    ln = lines[b.first]
    if b.kind == "heading":
        marks = len(ln.text.strip()) - len(ln.text.strip().lstrip("#"))
        return marks or ln.level or 3
    if structured or b.first != b.last:
        return None  # the reader knows its headings: line shapes do not make more
    prev_blank = b.first == 0 or lines[b.first - 1].kind == "blank"
    next_blank = b.last + 1 >= len(lines) or lines[b.last + 1].kind == "blank"
    if b.kind == "text" and looks_like_heading(ln, prev_blank, next_blank):
        return 4 if ln.text.strip().startswith("**") else 5
    # A longer unpunctuated line standing above a heading ("The effectiveness of the local area in ...",
    # then "Strengths") is a heading one level up.
    if b.kind == "text" and prev_blank and next_blank and 6 <= ln.words <= 25 and not ln.ends_sentence:
        k = next((k for k in range(b.last + 1, len(lines)) if lines[k].kind != "blank"), None)
        if k is not None and _heading_level(_Block(k, k, lines[k].kind, None), lines, structured) is not None:
            return 4
    # "1. Purpose": a numbered line of a few words standing alone is a numbered heading.
    if b.kind == "num" and prev_blank and next_blank and ln.words <= 5 and not ln.ends_sentence:
        return 3
    return None


def _page_gap(lines: list[Line], i: int) -> bool:
    """Two or more blank lines before line i: where a converted PDF put a page break."""
    return i >= 2 and lines[i - 1].kind == "blank" and lines[i - 2].kind == "blank"


def _heading_key(kind: str, key: str | None, title: str) -> str | None:
    if kind in ("agenda", "item"):
        return f"Agenda item {key}"
    m = _HEADING_KEY.match(title)
    return m.group(1) if m else None


def _drafts(text: str, lines: list[Line], parts: list[Part], structured: bool) -> list[Draft]:
    drafts: list[Draft] = []
    stack: list[tuple[int, str]] = []
    numbering = Numbering()
    texts: dict[str, str] = {}  # label -> its paragraph's text, the lead-in of the points under it
    part = 0
    for b in _blocks(lines):
        while part + 1 < len(parts) and b.first >= parts[part + 1].first_line:
            part, stack = part + 1, []
            numbering.reset()
        start, end = _span(text, lines, b)
        level = _heading_level(b, lines, structured)
        if level is not None or b.kind in ("agenda", "item"):
            level = 3 if level is None else level
            title = heading_text(lines[b.first].text)
            parents = " > ".join(t for lv, t in stack if lv < level)
            label = numbering.heading(_heading_key(b.kind, b.key, title))
            stack = [s for s in stack if s[0] < level] + [(level, title)]
            drafts.append(Draft(start, end, label, parents, part, "heading"))
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
            and not _FINISHED.search(text[prev.start : prev.end])
        ):
            prev.end = end  # a paragraph broken by a page break mid-sentence
            continue
        if b.kind == "text" and prev is not None and prev.block == "vote" and prev.part == part:
            prev.end = end  # the names that voted one way follow their tally
            continue
        label: str | None = None
        lead = None
        header_rows = 0
        found = marker(first.text) if b.kind in ("num", "sub", "resolved") else None
        if found:
            label = numbering.see(*found)
            parent = label.rsplit("(", 1)[0] if "(" in label else None
            lead = texts.get(parent) if parent else None
            texts[label] = text[start:end]
        elif b.kind == "keyfinding":
            label = f"Key finding {b.key}"
        elif b.kind == "recommendation":
            label = f"Recommendation {b.key}"
        elif b.kind == "resolved":
            context = numbering.context()
            label = f"{context}, resolution" if context else "Resolution"
        elif b.kind == "vote":
            context = numbering.context()
            tally = (b.key or "vote").capitalize()
            label = f"{context}, {tally}" if context else tally
        elif b.kind in ("table", "contents"):
            header_rows = int(first.key) if first.hint >= 0 and first.key and first.key.isdigit() else -1
        drafts.append(Draft(start, end, label, section, part, b.kind, lead, header_rows))
    return drafts


def _fragment(text: str, d: Draft) -> bool:
    """Too small to cite alone: fewer than two words ("12:30", "(Item 4)", "For (52)", "2025")."""
    return d.block not in ("table", "contents", "vote") and len(_WORDS.findall(text[d.start : d.end])) < 2


def _attach_fragments(text: str, drafts: list[Draft]) -> list[Draft]:
    """Join each fragment to a neighbour in its part, so that no text is left out of a passage.

    A fragment that leads into what follows (a tally "For (52)" before the names, a heading's first word)
    joins the next passage; anything else (an item reference under its heading) joins the one before.
    """
    out: list[Draft] = []
    carry: Draft | None = None  # a fragment waiting for the next passage
    for n, d in enumerate(drafts):
        if carry is not None:
            if carry.part == d.part:
                d = replace(d, start=carry.start, label=d.label or carry.label, block=d.block)
            else:
                out.append(carry)
            carry = None
        nxt = drafts[n + 1] if n + 1 < len(drafts) else None
        if d.block == "heading" and _fragment(text, d):
            # A one-word heading line runs on into the heading under it ("and", then "Review of ..."),
            # but stands alone above prose: a heading never hides inside a paragraph.
            if nxt is not None and nxt.block == "heading" and nxt.part == d.part:
                carry = d
            else:
                out.append(d)
            continue
        if not _fragment(text, d):
            out.append(d)
            continue
        leads = not _FINISHED.search(text[d.start : d.end])
        prev = out[-1] if out else None
        if nxt is not None and nxt.part == d.part and leads and not (prev and prev.block == "heading"):
            carry = d
        elif prev is not None and prev.part == d.part:
            prev.end = d.end
        elif nxt is not None:
            carry = d
        else:
            out.append(d)
    if carry is not None:
        out.append(carry)
    return out


def _group_lists(text: str, drafts: list[Draft]) -> list[Draft]:
    """Keep a lead-in with its short bullet list; otherwise label each bullet after its lead-in."""
    out: list[Draft] = []
    i = 0
    while i < len(drafts):
        d = drafts[i]
        if (
            d.block != "bullet"
            or not out
            or out[-1].block in ("bullet", "heading", "table", "contents", "vote")
            or out[-1].section != d.section
        ):
            out.append(d)
            i += 1
            continue
        j = i
        while j + 1 < len(drafts) and drafts[j + 1].block == "bullet" and drafts[j + 1].section == d.section:
            j += 1
        lead = out[-1]
        if count_tokens(text[lead.start : drafts[j].end]) <= GROUP_TOKENS:
            lead.end = drafts[j].end
        else:
            lead_text = text[lead.start : lead.end]
            for k, bullet in enumerate(drafts[i : j + 1], start=1):
                if lead.label and not bullet.label:
                    bullet.label = f"{lead.label}, bullet {k}"
                bullet.lead = lead_text
                out.append(bullet)
        i = j + 1
    return out


def segment(
    text: str,
    doc_id: str,
    page_starts: tuple[int, ...] = (),
    hints: tuple[tuple[int, int, str], ...] = (),
    structured: bool = False,
) -> list[Passage]:
    """Split a document's text into passages with labels, sections, pages and pack parts.

    `hints` are the reader's spans of headings and tables; `structured` says the reader knows its headings,
    so line shapes do not make more.
    """
    lines = split_lines(text)
    apply_hints(lines, hints)
    parts = find_parts(lines)
    drafts = _group_lists(text, _attach_fragments(text, _drafts(text, lines, parts, structured)))
    pieces: list[tuple[Draft, int | None, str]] = []  # (piece, part number, its paragraph's ordinal label)
    tables = paragraphs = headings = 0
    for d in drafts:
        if d.block in ("table", "contents"):
            tables += 1
            cut = split_table(text, d, tables)
        else:
            cut = split_long(text, d)
        if d.block == "heading":
            headings += 1
            ordinal = f"§{headings}"
        else:
            paragraphs += 1
            ordinal = f"¶{paragraphs}"  # no numbering of the paper's own: a stable ordinal, one per paragraph
        pieces += [(piece, part_no, ordinal) for piece, part_no in cut]
    labels = unique_labels(
        [(piece.label or ordinal, part_no, piece.section, piece.part) for piece, part_no, ordinal in pieces],
        [parts[piece.part].title for piece, _, _ in pieces],
    )
    out: list[Passage] = []
    for (piece, part_no, _), label in zip(pieces, labels, strict=True):
        pack = parts[piece.part]
        out.append(
            Passage(
                doc_id=doc_id,
                ordinal=len(out),
                label=label,
                section=piece.section,
                start=piece.start,
                end=piece.end,
                text=text[piece.start : piece.end],
                page=bisect.bisect_right(page_starts, piece.start) if page_starts else None,
                part_no=part_no,
                lead=piece.lead,
                kind="heading" if piece.block == "heading" else "contents" if piece.block == "contents" else None,
                part_title=pack.title if len(parts) > 1 else None,
                part_date=pack.date if len(parts) > 1 else None,
            )
        )
    return out
