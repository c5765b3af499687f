"""Page furniture: running headers and footers, lone page numbers, 'intentionally left blank'."""

from __future__ import annotations

import re
from collections import Counter

_BLANK_PAGE = re.compile(r"^\s*this page (is )?intentionally (been )?left blank\.?\s*$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?\d{1,4}(\s*(of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)


def _key(line: str) -> str:
    # Running headers often carry the page number; compare them with digits folded.
    return re.sub(r"\d+", "#", line.strip().lower())


def drop_furniture(pages: list[str]) -> list[str]:
    """Return the pages without furniture lines; a line repeated at the top or bottom of most pages goes."""
    repeated: set[str] = set()
    if len(pages) >= 3:
        edges: Counter[str] = Counter()
        for page in pages:
            lines = [ln for ln in page.split("\n") if ln.strip()]
            for ln in set(lines[:2] + lines[-2:]):
                edges[_key(ln)] += 1
        repeated = {k for k, n in edges.items() if n >= max(3, len(pages) // 2) and len(k) < 120}
    cleaned = []
    for page in pages:
        lines = page.split("\n")
        kept = [
            ln
            for ln in lines
            if not (_BLANK_PAGE.match(ln) or (len(pages) > 1 and _PAGE_NUMBER.match(ln)) or _key(ln) in repeated)
        ]
        cleaned.append("\n".join(kept))
    return cleaned
