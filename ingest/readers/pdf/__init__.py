"""PDF: the page's own geometry read with pdfium, laid out as paragraphs, headings and tables.

Each page's characters become runs and lines (glyphs.py, lines.py); ruled grids and aligned columns become
tables (tables.py); the rest becomes paragraphs and headings by spacing and font (blocks.py). Running
headers, footers and page numbers are removed and reported. The text handed on holds one paragraph per
line, blank lines between blocks, tables as tab-separated rows, with hints saying which spans are headings
(and their level) and which are tables.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from ingest import limits
from ingest.errors import CorruptFile, EmptyDocument, EncryptedFile, FileTooLarge
from ingest.models import Extracted
from ingest.readers.pdf.blocks import Block, body_size, heading_levels, line_spacing, starts_item, to_blocks
from ingest.readers.pdf.glyphs import PageGlyphs, read_page
from ingest.readers.pdf.lines import Line, build_lines, find_furniture, regions
from ingest.readers.pdf.tables import Table, aligned_tables, ruled_tables

_FINISHED = (".", "!", "?", ":", ";", '"', "”", "’", ")", "]")
_RUNS_ON = ("and", "or", "of", "the", "to", "for", "with", "in", "on", "by", "a", "an", "that", "which", "&")


def read_pdf(path: Path) -> Extracted:
    """Extract a PDF's text laid out by its geometry, with page starts, heading/table hints and furniture."""
    pages = _pages(path)
    if not any(p.runs for p in pages):
        raise EmptyDocument("no text layer (scanned image?)")
    laid = [_regions(p) for p in pages]
    flat = [[ln for lines, _ in page for ln in lines] for page in laid]
    furniture = find_furniture(flat, [p.height for p in pages])
    removed = tuple((pages[p].number, flat[p][i].text) for p, i in sorted(furniture))
    dropped = {id(flat[p][i]) for p, i in furniture}
    kept = [ln for page in flat for ln in page if id(ln) not in dropped]
    body, spacing = body_size(kept), line_spacing(kept)
    page_items: list[list[Block | Table]] = []
    for page in laid:
        items: list[Block | Table] = []
        for lines, tables in page:
            items += _region_items([ln for ln in lines if id(ln) not in dropped], tables, body, spacing)
        page_items.append(items)
    heading_levels([b for items in page_items for b in items if isinstance(b, Block)])
    _join_across_pages(page_items, body)
    if not any(page_items):
        raise EmptyDocument("no text layer (scanned image?)")
    return _assemble(page_items, removed)


def _pages(path: Path) -> list[PageGlyphs]:
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise EncryptedFile("PDF is password-protected") from None
        if "security" in message:
            raise EncryptedFile("PDF uses an unsupported security handler") from None
        raise CorruptFile(f"not a readable PDF ({_reason(exc)})") from None
    try:
        if len(pdf) > limits.MAX_PAGES:  # counted from the page tree: no page is read to tell
            raise FileTooLarge(f"{len(pdf):,} pages is over the {limits.MAX_PAGES:,} page limit")
        out: list[PageGlyphs] = []
        chars = 0
        for i in range(len(pdf)):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as exc:
                raise CorruptFile(f"cannot read page {i + 1} ({_reason(exc)})") from None
            try:
                out.append(read_page(page, i + 1, limits.MAX_CHARS - chars))
            finally:
                page.close()
            chars += sum(len(run.text) for run in out[-1].runs)
        return out
    finally:
        pdf.close()


def _reason(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return first if len(first) <= 100 else first[:97] + "..."


def _regions(page: PageGlyphs) -> list[tuple[list[Line], list[Table]]]:
    """Each reading area of the page: its lines (outside ruled tables) and its ruled tables."""
    tables = ruled_tables(list(page.runs), list(page.rules), page.number)
    taken = {id(r) for t in tables for r in t.runs}
    rest = [r for r in page.runs if id(r) not in taken]
    areas = regions(page, rest) if rest else []
    out = [(build_lines(area, page.number), []) for area in areas] or [([], [])]
    for t in tables:
        cx, cy = (t.x0 + t.x1) / 2, (t.top + t.bottom) / 2
        home = next(
            (lines for lines, _ in out if lines and min(ln.x0 for ln in lines) <= cx <= max(ln.x1 for ln in lines)
             and min(ln.top for ln in lines) <= cy <= max(ln.bottom for ln in lines)),
            out[0][0],
        )
        next(tabs for lines, tabs in out if lines is home).append(t)
    return out


def _region_items(lines: list[Line], ruled: list[Table], body: float, spacing: float) -> list[Block | Table]:
    """A region's blocks and tables, top to bottom."""
    items: list[tuple[float, Block | Table]] = [(t.top, t) for t in ruled]
    start = 0
    found = aligned_tables(lines, lines[0].page) if lines else []
    for first, last, table in found:
        items += [(b.lines[0].top, b) for b in to_blocks(lines[start:first], body, spacing)]
        items.append((table.top, table))
        start = last + 1
    items += [(b.lines[0].top, b) for b in to_blocks(lines[start:], body, spacing)]
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _join_across_pages(pages: list[list[Block | Table]], body: float) -> None:
    """A paragraph that a page break cut mid-sentence continues on the next page.

    Footnotes (smaller type) may stand between the two halves on the first page: they stay after the paragraph.
    """
    for p in range(len(pages) - 1):
        if not pages[p] or not pages[p + 1]:
            continue
        k = len(pages[p]) - 1
        while k > 0 and _footnote(pages[p][k], body):
            k -= 1
        last, first = pages[p][k], pages[p + 1][0]
        if not (isinstance(last, Block) and isinstance(first, Block)):
            continue
        if last.kind != "paragraph" or first.kind != "paragraph" or starts_item(first.text):
            continue
        tail = last.text.rstrip()
        if tail.endswith(_FINISHED):
            continue
        if first.text[:1].islower() or tail.split()[-1].lower() in _RUNS_ON or tail.endswith(","):
            last.lines += first.lines
            pages[p + 1].pop(0)


def _footnote(item: Block | Table, body: float) -> bool:
    return isinstance(item, Block) and item.kind == "paragraph" and item.lines[0].size < 0.92 * body


def _assemble(pages: list[list[Block | Table]], removed: tuple[tuple[int, str], ...]) -> Extracted:
    parts: list[str] = []
    hints: list[tuple[int, int, str]] = []
    starts: list[int] = []
    pos = 0
    for items in pages:
        starts.append(pos)
        for item in items:
            if isinstance(item, Table):
                text = "\n".join("\t".join(" ".join(c.split()) for c in row) for row in item.rows)
                kind = "contents" if item.contents else f"table:{item.header_rows}"
            else:
                text = item.text
                kind = f"heading:{item.level}" if item.kind == "heading" else ""
            if not text.strip():
                continue
            if parts:
                parts.append("\n\n")
                pos += 2
            if kind:
                hints.append((pos, pos + len(text), kind))
            parts.append(text)
            pos += len(text)
    text = "".join(parts)
    # A page whose every block moved to the page before starts where the next block does.
    page_starts = tuple(min(s, len(text)) for s in starts)
    return Extracted(text=text, page_starts=page_starts, hints=tuple(hints), removed=removed, structured=True)
