"""Page furniture: running headers and footers, lone page numbers, 'intentionally left blank'."""

from __future__ import annotations

import re
from collections import Counter

_BLANK_PAGE = re.compile(r"^\s*this page (is )?intentionally (been )?left blank\.?\s*$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?\d{1,4}(\s*(of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)


def _key(line: str) -> str:
    # Running headers often carry the page number; compare them with digits folded.
    return re.sub(r"\d+", "#", line.strip().lower())


def drop_furniture(pages: list[str]) -> tuple[list[str], tuple[tuple[int, str], ...]]:
    """The pages without furniture lines, and (page, line) of each removed: repeated at the top or bottom
    of most pages, a lone page number, a 'left blank' notice."""
    repeated: set[str] = set()
    if len(pages) >= 3:
        edges: Counter[str] = Counter()
        for page in pages:
            lines = [ln for ln in page.split("\n") if ln.strip()]
            for ln in set(lines[:2] + lines[-2:]):
                edges[_key(ln)] += 1
        repeated = {k for k, n in edges.items() if n >= max(3, len(pages) // 2) and len(k) < 120}
    cleaned, removed = [], []
    for number, page in enumerate(pages, start=1):
        kept = []
        for ln in page.split("\n"):
            if _BLANK_PAGE.match(ln) or (len(pages) > 1 and _PAGE_NUMBER.match(ln)) or _key(ln) in repeated:
                if ln.strip():
                    removed.append((number, ln.strip()))
            else:
                kept.append(ln)
        cleaned.append("\n".join(kept))
    return cleaned, tuple(removed)
