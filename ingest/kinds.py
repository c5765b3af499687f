"""What a passage is about, from the paper's own cues: recommendation, action, finding, judgement..."""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.dates import first_date
from ingest.models import Passage

KINDS = ("recommendation", "action", "finding", "strength", "area_for_development", "judgement", "resolution")
NAVIGATION = ("heading", "contents")  # kinds segmentation gives: they lead a reader to the text, never answer

_RESOLVED = re.compile(r"^\W*(RESOLVED\b|Resolved:)")
_GRADE = re.compile(r"\b(outstanding|good|requires improvement|inadequate)\b", re.I)
_GRADE_CUE = re.compile(r"\b(judge?ment|judged|rated|rating|graded|grade)\b", re.I)
_RECOMMEND = re.compile(r"\brecommend(s|ed|ation|ations)?\b|\bshould\b", re.I)
_FINDING = re.compile(r"\b(inspectors?|findings?|found that|ofsted (found|said|identified))\b", re.I)
_PLAN_HEADER = re.compile(r"(^|\t)\s*(actions?|what we will do|next steps?)\s*(\t|$)", re.I)
_OWNER_COL = re.compile(r"(^|\t)[^\t]*\b(lead|owner|responsib\w*|deadline|timeframe|timescale|due|by when)\b", re.I)
_NEXT_STEP = re.compile(r"\b(will|is due to|are due to|plans? to|is planned)\b", re.I)


def kind_of(p: Passage, part_kind: str = "") -> str | None:
    """The kind a passage's cues point to, or None."""
    text, section, label = p.text, p.section.lower(), p.label
    context = f"{section} {(p.part_title or '').lower()} {(p.lead or '').lower()}"
    if _RESOLVED.search(text) or label.endswith("resolution"):
        return "resolution"
    plan_row = "\t" in text and _PLAN_HEADER.search(p.lead or "") and _OWNER_COL.search(p.lead or "")
    if label.startswith("Action ") or plan_row:
        return "action"  # a row of a table with an action column and a lead or deadline column: a plan's row
    if "areas for development" in section or "area for development" in section:
        return "area_for_development"
    if section.endswith("strengths") or " > strengths" in section:
        return "strength"
    if _GRADE_CUE.search(text) and _GRADE.search(text) or text.lower().startswith("judgement\t"):
        return "judgement"
    if label.startswith(("Key finding", "Recommendation")) or "recommendation" in section or _RECOMMEND.search(text):
        return "recommendation"
    if part_kind == "letter" and "inspection" in context or "finding" in context or _FINDING.search(text):
        return "finding"
    if ("action" in context or "next steps" in context) and _NEXT_STEP.search(text):
        return "action"
    return None


def tag(p: Passage, part_kind: str = "") -> Passage:
    """The passage with its kind, and for actions the owner and due date the paper gives."""
    if p.kind in NAVIGATION:
        return p  # navigation: what segmentation said it is
    kind = kind_of(p, part_kind)
    owner = due = None
    if kind == "action":
        due = first_date(p.text)
        cells = [c.strip() for c in p.text.split("\n")[0].split("\t")]
        header = [c.strip().lower() for c in (p.lead or "").split("\t")]
        lead_col = next((i for i, c in enumerate(header) if re.search(r"\b(lead|owner|responsib)", c)), None)
        if lead_col is not None and lead_col < len(cells):
            owner = cells[lead_col] or None  # action-plan rows: Ref, Action, Accountable Lead, Deadline, ...
    return replace(p, kind=kind, owner=owner, due=due)
