"""The words inspection papers use: date ranges, grades, kinds of inspection, inspectorates and people."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ingest.dates import MONTHS

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})\s?(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d{2})"
# "3 to 7 March 2025", "8 July to 19 July 2019", "22 October – 12 November 2014", "between the 28 February and
# 11 March 2022", "11 and 12 December 2018", "21 - 22 February 2024", "14 September 2015 – 8 October 2015".
_RANGE = re.compile(
    rf"\b{_DAY}(?:\s+({_MONTH}))?(?:,?\s+{_YEAR})?\s*(?:to|until|–|—|-|and)\s*(?:the\s+)?{_DAY}\s+({_MONTH}),?\s+{_YEAR}\b",
    re.IGNORECASE,
)
_ONE_DAY = re.compile(rf"\b{_DAY}\s+({_MONTH}),?\s+{_YEAR}\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({_MONTH}),?\s+{_YEAR}\b", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"\b((?:19|20)\d{2})\b(?![-/–]\d)")

GRADE = (r"(?:outstanding|good|inadequate|adequate|requires?\s+improvement(?:\s+to\s+be\s+good)?|"
         r"requiring\s+improvement(?:\s+to\s+be\s+good)?)")
GRADE_RE = re.compile(rf"^\W*({GRADE})\W*$", re.IGNORECASE)
# Kinds as reports title themselves; the first that matches a title names the inspection.
TITLES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind, inspectorate)
    for pattern, kind, inspectorate in (
        (r"\bjoint (?:local )?area SEND inspection\b", "joint area SEND", "Ofsted and CQC"),
        (r"\barea SEND (?:re-?visit|revisit)\b", "area SEND revisit", "Ofsted and CQC"),
        (r"\barea SEND monitoring inspection\b", "area SEND monitoring inspection", "Ofsted and CQC"),
        (r"\barea SEND (?:full )?inspection of\b", "area SEND", "Ofsted and CQC"),
        (r"\binspection of services for children in need of help and protection\b", "single inspection framework",
         "Ofsted"),
        (r"\binspection of (?:[\w’'.,&-]+ ){0,6}?local authority children[’']s services\b", "ILACS", "Ofsted"),
        (r"\binspection of children[’']s social care services\b", "ILACS", "Ofsted"),
        (r"\bmonitoring visit (?:to|of)\b", "monitoring visit", "Ofsted"),
        (r"\bfocused visit (?:to|of)\b", "focused visit", "Ofsted"),
        (r"\bjoint targeted area inspection\b", "joint targeted area inspection", ""),
        (r"\bassurance visit to\b", "assurance visit", ""),
    )
)
INSPECTORATES = (
    ("Ofsted", r"\b(?:Ofsted|OFSTED|Office for Standards in Education)\b"),
    ("CQC", r"\bCQC\b|\bCare Quality Commission\b"),
    ("HMICFRS", r"\bHMICFRS\b|Inspectorate of Constabulary"),
    ("HMI Probation", r"\bHMI Probation\b|Inspectorate of Probation"),
)
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+"
_ROLE_WORDS = {
    "hmi", "cqc", "ofsted", "lead", "her", "his", "regional", "director", "deputy", "inspector", "inspectors", "senior",
    "quality", "team", "social", "children’s", "children's", "shadow", "associate", "additional", "assistant", "chief",
    "care", "education", "commission", "report", "author", "on", "site", "the",
}
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z’'\-]*[A-Za-z’'\-]*|Mc[A-Z]\w+|O[’'][A-Z]\w+|de|van|von|da|le)$")


@dataclass(frozen=True)
class Span:
    """A date or date range as written: ISO start and end (partial ISO when the paper gives less), and where."""

    start: str
    end: str | None
    at: int
    stop: int


def _iso(year: str, month: str, day: str | None) -> str | None:
    try:
        m = MONTHS[month.lower().rstrip(".")]
        return date(int(year), m, int(day)).isoformat() if day else f"{int(year):04d}-{m:02d}"
    except (KeyError, ValueError):
        return None


def spans(text: str) -> list[Span]:
    """Every date, date range, month or year in the text, in order, widest reading first where they overlap."""
    found: list[Span] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _RANGE.finditer(text):
        d1, m1, y1, d2, m2, y2 = m.groups()
        month1 = m1 or m2
        year1 = y1 or (str(int(y2) - 1) if MONTHS[month1.lower().rstrip(".")] > MONTHS[m2.lower().rstrip(".")] else y2)
        start, end = _iso(year1, month1, d1), _iso(y2, m2, d2)
        if start and end and start <= end:
            found.append(Span(start, end, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for pattern in (_ONE_DAY, _MONTH_YEAR, _YEAR_ONLY):
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            g = m.groups()
            value = _iso(g[2], g[1], g[0]) if pattern is _ONE_DAY else _iso(g[1], g[0], None) if pattern is \
                _MONTH_YEAR else g[0]
            if value:
                found.append(Span(value, None, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda s: s.at)


def first_span(text: str) -> Span | None:
    """The first date or range in the text, or None."""
    found = spans(text)
    return found[0] if found else None


def flat(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


def kind_of_title(text: str) -> tuple[str, str] | None:
    """(kind, inspectorate) when the text titles an inspection report or letter, else None."""
    for pattern, kind, inspectorate in TITLES:
        if pattern.search(flat(text)):
            return kind, inspectorate
    return None


def inspectorates_in(text: str) -> list[str]:
    """The inspectorates the text names, in a fixed order."""
    return [name for name, pattern in INSPECTORATES if re.search(pattern, text)]


def person(cell: str) -> tuple[str, str] | None:
    """(name, role) from "Claire Beckingham, His Majesty’s Inspector" or "Clive Dunn HMI Lead Inspector"."""
    text = flat(re.sub(rf"^{_TITLE}", "", flat(cell)))
    head, _, tail = text.partition(",")
    words = head.split(" ")
    name: list[str] = []
    for w in words:
        if w.lower() in _ROLE_WORDS or not _NAME_WORD.match(w):
            break
        name.append(w)
    if len(name) < 2 or len(name) > 4 or not name[-1][:1].isupper():
        return None
    role = flat(" ".join(words[len(name):]) + ("," + tail if tail else "")).strip(" ,")
    return " ".join(name), role


def names_in(text: str) -> list[str]:
    """The people a list names: "Marcie Taylor, Tara Geere and Pauline Turner HMI" -> three names."""
    out = []
    for piece in re.split(r",?\s+and\s+|,\s*|;\s*", flat(text).rstrip(".")):
        found = person(piece)
        if found:
            out.append(found[0])
    return out


def is_lead(role: str) -> bool:
    """Whether a role as written makes its holder a lead inspector."""
    return bool(re.search(r"\blead\s+inspector\b", role, re.IGNORECASE)) and not re.search(r"\bdeputy\b", role, re.I)


def is_inspector(role: str) -> bool:
    """Whether a role as written is an inspector's."""
    return bool(re.search(r"\binspector\b|\bHMI\b", role, re.IGNORECASE)) and not re.search(
        r"\bchief inspector|\bdirector\b", role, re.IGNORECASE)


Stated = tuple[str, str, int, str | None]  # (field, value, ordinal of the passage it is read from, detail)


@dataclass
class Found:
    """What a paper says about one inspection: (field, value, ordinal, detail) in reading order."""

    primary: bool  # read from the inspectorate's own report or letter, not from a council's account of it
    facts: list[Stated]

    def add(self, field: str, value: str | None, ordinal: int, detail: str | None = None) -> None:
        """Record a fact unless its value is empty."""
        value = flat(value or "")
        if value:
            self.facts.append((field, value, ordinal, flat(detail) if detail else None))

    def get(self, field: str) -> str | None:
        """The first value given for a field, or None."""
        return next((v for f, v, _, _ in self.facts if f == field), None)
