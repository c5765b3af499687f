"""What kind of passage a question asks for, from its words ("what did Ofsted recommend")."""

from __future__ import annotations

import re

_INTENTS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("recommendation",), re.compile(r"\brecommend|\bsuggest|\badvis", re.I)),
    (("action",), re.compile(r"\b(actions?|doing about|next steps?|plan(ned)? to|deadline|responsible)\b", re.I)),
    (("strength",), re.compile(r"\b(strengths?|going well|positives?)\b", re.I)),
    (("area_for_development", "finding"), re.compile(r"\b(weakness|areas? for development|improve|concerns?)\b", re.I)),
    (("finding", "judgement"), re.compile(r"\b(ofsted|inspect\w*|cqc|findings?|found|judge?ment|rated|grade)\b", re.I)),
    (("resolution",), re.compile(r"\b(resolved|decided|agreed|decision)\b", re.I)),
)


def wanted_kinds(question: str) -> set[str]:
    """The passage kinds the question's words point to (possibly none)."""
    return {kind for kinds, pattern in _INTENTS if pattern.search(question) for kind in kinds}
