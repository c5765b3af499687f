"""Readers turn one file into `Extracted` text; `read` picks the reader by the file's suffix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest import limits
from ingest.errors import EmptyDocument, FileTooLarge, UnsupportedFile
from ingest.models import Extracted

SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm")


def _reader_for(suffix: str) -> Callable[[Path], Extracted]:
    # Imported lazily so that reading a text file never pays for pypdf, python-docx or lxml.
    if suffix in (".txt", ".md", ".markdown"):
        from ingest.readers.text import read_text

        return read_text
    if suffix == ".pdf":
        from ingest.readers.pdf import read_pdf

        return read_pdf
    if suffix == ".docx":
        from ingest.readers.docx import read_docx

        return read_docx
    if suffix in (".html", ".htm"):
        from ingest.readers.html import read_html

        return read_html
    raise UnsupportedFile(f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUFFIXES)}")


def read(path: Path) -> Extracted:
    """Extract a file's text (and page starts, for paginated formats); raise a CouncilError if we cannot."""
    reader = _reader_for(path.suffix.lower())
    extracted = reader(path)
    if not extracted.text.strip():
        raise EmptyDocument("no text found (empty file, or a scan without a text layer)")
    if len(extracted.text) > limits.MAX_CHARS:  # segmenting takes some 3 s a million characters
        raise FileTooLarge(f"{len(extracted.text):,} characters of text is over the {limits.MAX_CHARS:,} limit")
    return extracted
