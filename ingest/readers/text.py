"""Plain text and Markdown: the text as it is, with page furniture lines dropped."""

from __future__ import annotations

from pathlib import Path

from ingest.clean import drop_furniture
from ingest.errors import CorruptFile
from ingest.models import Extracted


def read_text(path: Path) -> Extracted:
    """Read UTF-8 (or, failing that, cp1252) text; normalise line ends; drop furniture lines."""
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise CorruptFile("binary data in a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages, removed = drop_furniture(text.split("\f"))
    if len(pages) == 1:
        return Extracted(text=pages[0], removed=removed)
    joined = join_pages(pages)
    return Extracted(text=joined.text, page_starts=joined.page_starts, removed=removed)


def join_pages(pages: list[str]) -> Extracted:
    """Join page texts with a blank line and record where each page starts."""
    starts, parts, pos = [], [], 0
    for page in pages:
        starts.append(pos)
        parts.append(page)
        pos += len(page) + 2
    return Extracted(text="\n\n".join(parts), page_starts=tuple(starts))
