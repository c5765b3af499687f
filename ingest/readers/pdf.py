"""PDF: pypdf's text layer, page by page, furniture dropped and visual lines re-flowed into paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from ingest.clean import drop_furniture
from ingest.errors import CorruptFile, EmptyDocument, EncryptedFile
from ingest.models import Extracted
from ingest.readers.text import join_pages

# A line that opens a block of its own: "12." / "3.2" paragraph numbers, bullets, "a)" / "(iv)" sub-points.
_NUMBERED = re.compile(r"^\d{1,3}(\.\d{1,3})*\.?\s")
_LETTERED = re.compile(r"^\(?([a-z]{1,2}|[ivxlc]{1,6})\)\s")
# Round and square bullets; the private-use code points are Symbol/Wingdings glyphs as pypdf reports them.
_BULLET = re.compile(r"^([•●▪◦■□·\uf0b7\uf0a7\uf0d8\uf0fc\uf076]\s*|[-*]\s+)")
_CHECK = re.compile(r"^[✓✔]\s")
# A sentence (or a lead-in) ends at . ! ? : ; possibly followed by a closing quote or bracket.
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
_LONG = 0.75  # a line at least this share of the page's longest line was wrapped, not ended
# pypdf reports a malformed file through its own errors and, deeper in the parser, through built-in ones.
_PARSE_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError)


def _opens_block(line: str) -> bool:
    return bool(_NUMBERED.match(line) or _LETTERED.match(line) or _BULLET.match(line) or _CHECK.match(line))


def _as_block_start(line: str) -> str:
    # Emit the seeds' conventions so the segmenter sees one vocabulary whatever the source format.
    if _LETTERED.match(line):
        return "  - " + line
    if (bullet := _BULLET.match(line)) and not _NUMBERED.match(line):
        return "- " + line[bullet.end() :]
    return line


def reflow_page(text: str) -> str:
    """Re-flow one page's visual lines into paragraphs separated by a blank line."""
    lines = [ln.strip() for ln in text.split("\n")]
    longest = max((len(ln) for ln in lines), default=0)
    paragraphs: list[str] = []
    current, last = "", ""  # the paragraph being built and its last visual line
    for line in lines:
        if current and line and not _opens_block(line) and _continues(last, line, longest):
            current = _join(current, line)
        else:
            if current:
                paragraphs.append(current)
            current = _as_block_start(line) if line else ""
        last = line
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _continues(last: str, line: str, longest: int) -> bool:
    # pypdf's plain text has no vertical gaps, so line shapes decide. A lowercase start always runs on
    # ("e.g.\nthe"). A near full-width line was wrapped by the layout, so the next line runs on, even after a
    # full stop, unless it looks like a heading: short and without closing punctuation.
    if line[0].islower():
        return True
    if longest < 40:  # a page of short lines (a table, a form): nothing was wrapped
        return False
    heading_like = len(line) < _LONG * longest and not _SENTENCE_END.search(line)
    return len(last) >= _LONG * longest and not heading_like


def _join(current: str, line: str) -> str:
    if current.endswith("\xad"):  # soft hyphen: the word was split for the line end only
        return current[:-1] + line
    if re.search(r"[A-Za-z]-$", current):  # keep the hyphen, drop the space: "co-" + "ordinated"
        return current + line
    return current + " " + line


def _open(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path)
    except _PARSE_ERRORS as exc:
        raise CorruptFile(f"not a readable PDF ({_reason(exc)})") from None
    if reader.is_encrypted:
        try:
            # Many PDFs carry only an owner password (no copying or printing): the empty user password opens them.
            opened = reader.decrypt("")
        except DependencyError:
            raise EncryptedFile("PDF is AES-encrypted; reading it needs the 'cryptography' package") from None
        except _PARSE_ERRORS as exc:
            raise CorruptFile(f"broken PDF encryption dictionary ({_reason(exc)})") from None
        if not opened:
            raise EncryptedFile("PDF is password-protected")
    return reader


def _reason(exc: BaseException) -> str:
    # One short line for the CLI and the API: pypdf messages can be long or multi-line.
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return first if len(first) <= 100 else first[:97] + "..."


def _page_texts(reader: PdfReader) -> list[str]:
    try:
        pages = list(reader.pages)
    except _PARSE_ERRORS as exc:
        raise CorruptFile(f"cannot read the PDF's page tree ({_reason(exc)})") from None
    texts = []
    for number, page in enumerate(pages, start=1):
        try:
            raw = page.extract_text() or ""
        except FileNotDecryptedError:
            raise EncryptedFile("PDF is password-protected") from None
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types on a broken content stream
            raise CorruptFile(f"cannot extract text from page {number} ({_reason(exc)})") from None
        texts.append(raw.replace("\r\n", "\n").replace("\r", "\n"))
    return texts


def read_pdf(path: Path) -> Extracted:
    """Extract a PDF's text layer: one re-flowed text per page, joined with page start offsets."""
    pages = _page_texts(_open(path))
    if not any(p.strip() for p in pages):
        raise EmptyDocument("no text layer (scanned image?)")
    # Furniture is judged on visual lines, before re-flow can merge a footer into the last paragraph.
    cleaned = [reflow_page(p) for p in drop_furniture(pages)]
    if not any(p.strip() for p in cleaned):
        raise EmptyDocument("no text layer (scanned image?)")
    return join_pages(cleaned)
