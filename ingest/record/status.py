"""What later papers say became of recommendations: "all recommendations were accepted, except Recommendation 6",
"recommendation 4 of the Voice of the Child Inquiry had been successfully implemented", and papers that make none.
"""

from __future__ import annotations

import re

from ingest.models import Document, Fact
from ingest.record.items import norm

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_NUM = r"(?:\d{1,3}|" + "|".join(_WORDS) + r")"
_STATE = (
    r"(?P<state>(?:partly |partially |fully |successfully )?"
    r"(?:implemented|accepted|agreed|approved|rejected|completed))"
)
_EXCEPT = r"(?P<except>recommendations?\s+\d{1,3}(?:\s*(?:,|and)\s*\d{1,3})*)"
_ALL = re.compile(
    r"\ball (?:the |of the |of its )?(?:\w+ )?recommendations (?:were|have been|had been|was) "
    + _STATE
    + r"(?:,?\s*(?:except|apart from|with the exception of|other than)\s+"
    + _EXCEPT
    + ")?",
    re.I,
)
_ONE = re.compile(
    r"\brecommendations?\s+(?:number\s+)?(?P<nums>" + _NUM + r"(?:\s*(?:,|and)\s*" + _NUM + r")*)"
    r"(?:\s+(?:of|from)\s+(?:the\s+)?(?P<what>(?:[A-Z][\w'’-]*\s+(?:(?:of|the|and|for|on)\s+)*)+"
    r"(?:[Ii]nquiry|[Rr]eview|[Rr]eport)(?:\s+[Rr]eport)?))?"
    r"\s+(?:has|have|had|was|were)\s+(?:been\s+)?" + _STATE,
    re.I,
)
_WHAT = re.compile(
    r"(?P<what>(?:[A-Z][\w'’-]*\s+(?:(?:of|the|and|for|on)\s+)*)+(?:[Ii]nquiry|[Rr]eview)(?:\s+[Rr]eport)?)"
)
_NONE = re.compile(
    r"\b(?:no recommendations (?:were|have been|are|was) made|(?:chosen |decided )?not to make any recommendations"
    r"|makes? no recommendations|there are no recommendations)\b",
    re.I,
)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]."""
    left = text.rfind(". ", 0, start)
    left = left + 2 if left >= 0 else 0
    right = text.find(".", end)
    return text[left : right + 1 if right >= 0 else len(text)].strip()


def to_int(word: str) -> int | None:
    """ "6" or "six" as a number; None for anything else."""
    return int(word) if word.isdigit() else _WORDS.get(word.lower())


def says_none(text: str) -> bool:
    """Whether the text says no recommendations are made."""
    return bool(_NONE.search(text))


def _named_before(text: str, at: int) -> str | None:
    """The inquiry or review named nearest before `at` in the sentence: what a status answers."""
    names = list(_WHAT.finditer(text[:at][-160:]))
    return names[-1].group("what") if names else None


def _numbers(text: str) -> list[int]:
    return [n for t in re.findall(_NUM, text, re.I) if (n := to_int(t)) is not None]


def _state(m: re.Match[str]) -> str:
    state = m.group("state").lower()
    return state.replace("successfully ", "").replace("fully ", "").replace("partially", "partly")


def extract(doc: Document) -> list[Fact]:
    """Status facts for the recommendations a paper reports on, and a `none` fact where it says it makes none."""
    facts: list[Fact] = []
    for p in doc.passages:
        if "recommendation" not in p.text.lower():
            continue  # cheap test first: most passages never mention one
        text = norm(p.text)
        for m in _ALL.finditer(text):
            detail = _named_before(text, m.start())
            facts.append(Fact("recommendation", "All recommendations", "status", _state(m), p.ordinal, detail))
            for n in _numbers(m.group("except") or ""):
                key = f"Recommendation {n}"
                facts.append(Fact("recommendation", key, "status", "not " + _state(m), p.ordinal, detail))
        for m in _ONE.finditer(text):
            if _ALL.search(text[max(0, m.start() - 80) : m.end()]):
                continue  # the exception in "all ... except Recommendation 6" is read above
            detail = m.group("what")
            detail = detail or _named_before(text, m.start())
            for n in _numbers(m.group("nums")):
                facts.append(Fact("recommendation", f"Recommendation {n}", "status", _state(m), p.ordinal, detail))
        for m in _NONE.finditer(text):
            facts.append(
                Fact("recommendation", "Recommendations", "none", _sentence(text, m.start(), m.end()), p.ordinal)
            )
    return facts
