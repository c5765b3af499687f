"""The item a numbered sub-item hangs under: action 6.1 under "Recommendation 6", row 3.3 under "3.0 PEOPLE".

An improvement plan's rows say what will be done ("Revise case work supervision template") but not what for: that
is in the item numbered 6 above them ("Recommendation 6: Improve the quality of case supervision for social
workers"). A question asks in the item's words, so the model and the lexical index read a sub-item with its item.
Read from the passages alone (their labels and their first words), for every paper the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.models import Passage

REACH = 60  # passages looked back for the item: a plan's outcomes and earlier sub-items sit between
MAX_WORDS = 40  # of the item's text kept: its title, not its body
# "6.1", "Action 6.1", "Table 5, row 3.3": a sub-item N.k (k >= 1) in the label or leading the text.
_SUB = re.compile(r"(?:^|\b(?:row|action|item|ref)\s+)(\d{1,2})\.([1-9]\d?)$", re.I)
_LEADING_SUB = re.compile(r"^\s*(?:[-•]\s*)?(\d{1,2})\.([1-9]\d?)\b")
# An item numbered N: "Recommendation 6", "Priority 2:", "6.", "3.0 PEOPLE".
_NOUNS = r"(?:recommendation|priority|objective|outcome|theme|area|workstream|aim)"
_ITEM = re.compile(rf"^\s*(?:-\s*)?(?:{_NOUNS}\s+)?(\d{{1,2}})(?:\.0)?(?=[\s.:)\t]|$)", re.I)
_NAMED = re.compile(rf"^\s*(?:-\s*)?{_NOUNS}\s+\d", re.I)


def sub_number(p: Passage) -> int | None:
    """N for a passage that is sub-item N.k, from its label or its first words; else None."""
    m = _SUB.search(p.label.strip()) or _LEADING_SUB.match(p.text)
    return int(m.group(1)) if m else None


def item_number(p: Passage) -> int | None:
    """N for a passage that is item N itself (not one of its sub-items); else None."""
    if _LEADING_SUB.match(p.text):
        return None
    m = _ITEM.match(p.text) or _ITEM.match(p.label)
    return int(m.group(1)) if m else None


def parents(passages: Sequence[Passage]) -> list[str | None]:
    """For each passage of one paper (in order), the text of the item it is a sub-item of, or None."""
    out: list[str | None] = []
    for i, p in enumerate(passages):
        n = sub_number(p)
        found = None
        if n is not None:
            before = [q for q in reversed(passages[max(0, i - REACH) : i]) if item_number(q) == n]
            # "Recommendation 3" before the "3." of a list of outcomes that sits between it and its actions
            q = next((q for q in before if _NAMED.match(q.text)), before[0] if before else None)
            found = " ".join(q.text.split()[:MAX_WORDS]) if q else None
        out.append(found)
    return out
