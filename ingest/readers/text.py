"""Plain text and Markdown: the text as it is, with page furniture lines dropped."""

from __future__ import annotations

import codecs
from pathlib import Path

from ingest import limits
from ingest.clean import drop_furniture
from ingest.errors import CorruptFile, FileTooLarge
from ingest.models import Extracted

# Longest first: a UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _wide_encoding(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 without a BOM, told by where the NUL bytes fall; None when they fall as in binary data.

    Text in the Latin script puts a NUL in the high bytes of nearly every character: at odd offsets in
    UTF-16-LE, at offsets 1-3 of each four in UTF-32-LE, and so on.
    """
    sample = sample[: len(sample) // 4 * 4]
    if not sample:
        return None
    nul = [sample[k::4].count(0) / (len(sample) // 4) for k in range(4)]
    wide = {
        "utf-32-le": (nul[1] > 0.9 and nul[2] > 0.9 and nul[3] > 0.9, nul[0]),
        "utf-32-be": (nul[0] > 0.9 and nul[1] > 0.9 and nul[2] > 0.9, nul[3]),
        "utf-16-le": (nul[1] > 0.6 and nul[3] > 0.6, max(nul[0], nul[2])),
        "utf-16-be": (nul[0] > 0.6 and nul[2] > 0.6, max(nul[1], nul[3])),
    }
    for name, (high_bytes_nul, low_bytes_nul) in wide.items():
        if high_bytes_nul and low_bytes_nul < 0.1:
            return name
    return None


def decode(raw: bytes) -> str:
    """The text of a file: by its BOM, else UTF-16/32 by its NUL bytes, else UTF-8, else cp1252."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace")
    if b"\x00" in raw[:4096]:
        codec = _wide_encoding(raw[:4096])
        if codec is None:
            raise CorruptFile("binary data in a text file")
        return raw.decode(codec, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_text(path: Path) -> Extracted:
    """Read UTF-8, UTF-16 or UTF-32 (or, failing those, cp1252) text; normalise line ends; drop furniture lines."""
    text = decode(path.read_bytes())
    if len(text) > limits.MAX_CHARS:  # before segmenting: that is where a huge file spends its minutes
        raise FileTooLarge(f"{len(text):,} characters of text is over the {limits.MAX_CHARS:,} character limit")
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
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
