"""The opening of a set of minutes: the line that names the body, date, venue and times, or Date:/Venue: fields."""

from __future__ import annotations

import re

from ingest.dates import first_date
from ingest.models import Passage
from ingest.record.people import smart_case

# The line minutes open with; "The minutes of the meeting held on ... were agreed" and agenda items never match.
_OPENER = re.compile(
    r"^\W*minutes\s+of\s+(?:a|an|the)?\s*(?:[\w'’&,.\-]+\s+){0,12}?"
    r"(?:meeting|committee|council|cabinet|board|panel|forum|group|commission|sub-committee|executive)\b",
    re.IGNORECASE,
)
_NOT_OPENER = re.compile(
    r"correct record|\bbe (?:approved|agreed|confirmed|signed|noted)|\bwere (?:approved|agreed)|for noting|"
    r"\bto (?:approve|confirm|note|receive)\b|attached|\bpages?\s+\d|\b(?:previous|last) meeting",
    re.IGNORECASE,
)
_BODY = re.compile(
    r"^\W*minutes\s+of\s+(?:a|an|the)?\s*(?:(?:meeting|proceedings)\s+of\s+(?:the\s+)?)?(?P<body>.+?)"
    r"(?:\s+meeting)?\s*,?\s+(?:held|which\s+was\s+held|that\s+took\s+place)\b",
    re.IGNORECASE | re.DOTALL,
)
# "Minutes of the Licensing Committee" alone on its line, the date and place given below it
_SHORT_BODY = re.compile(
    r"^\W*minutes\s+of\s+(?:a|an|the)?\s*(?:(?:meeting|proceedings)\s+of\s+(?:the\s+)?)?(?P<body>[^,\n\d]+?)"
    r"(?:\s+meeting)?\s*(?:[,\-–:]|\bon\b|\d|$)",
    re.IGNORECASE,
)
# "CABINET held at COUNCIL CHAMBER ... on THURSDAY, 29 NOVEMBER 2018": the body, then where and when
_HELD_BODY = re.compile(r"^(?!minutes\b)(?P<body>[A-Z][\w'’&,\- ]{2,60}?)\s+(?:meeting\s+)?held\b", re.IGNORECASE)
_NOT_BODY = re.compile(r"^(?:a\s+|the\s+)?(?:meeting|minutes|proceedings)$", re.IGNORECASE)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
TIME = r"\d{1,2}(?:[.:]\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}[.:]\d{2}(?!\d)|noon|midday"
_VENUE = re.compile(
    r"\b(?:in|at)\s+(?!\d)(?P<venue>[A-Za-z].+?)(?=,?\s+(?:on\s+)?(?:" + _WEEKDAY
    + r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})"
    r"|,?\s+(?:commencing|starting|beginning|from)\b|,?\s+at\s+\d|\.?\s*$)",
    re.IGNORECASE | re.DOTALL,
)
START = re.compile(
    rf"(?:\b(?:commencing|starting|beginning|commenced|started|began)\s+at|\bheld\b[^.]*?\bat)\s+(?P<t>{TIME})",
    re.IGNORECASE,
)
END = re.compile(
    rf"(?:\bconcluding|\bending|\bfinishing|\b(?:meeting\s+|and\s+)(?:closed|ended|concluded|finished|rose|terminated))"
    rf"\s+at\s+(?P<t>{TIME})",
    re.IGNORECASE,
)
_FIELD_LINE = re.compile(
    r"^\s*(?P<k>date|venue|place|location|time(?:\s+(?:commenced|started|of meeting))?|start(?:ed)?|"
    r"time\s+(?:finished|ended|closed|concluded)|finish(?:ed)?|end(?:ed)?)\s*:\s*(?P<v>.+?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def clock(time: str) -> str:
    """A time as written, without the full stop of the sentence it ends ("6.08 pm." -> "6.08 pm"; "p.m." stays)."""
    return re.sub(r"(?<=[ap]m)\.$", "", time, flags=re.IGNORECASE)


def opening_block(p: Passage) -> int | None:
    """Which block of the passage (blank-line separated) is the line a set of minutes opens with, if one is: a
    heading may share its passage ("Cabinet" over "Minutes of the meeting held on ...")."""
    for n, block in enumerate(re.split(r"\n\s*\n", p.text.strip())[:3]):
        text = block.strip()
        if len(text) >= 600 or not _OPENER.match(text) or _NOT_OPENER.search(text):
            continue
        if re.search(r"\bheld\b", text, re.IGNORECASE) or first_date(text) or len(text) < 120:
            return n
    return None


def is_opener(p: Passage) -> bool:
    """Whether the passage holds the line a set of minutes opens with."""
    return opening_block(p) is not None


def body_of(text: str) -> str | None:
    """The body an opening line names, in title case when the paper shouts it."""
    text = re.sub(r"\s+", " ", text).strip()
    m = _BODY.match(text) or _SHORT_BODY.match(text) or _HELD_BODY.match(text)
    body = m.group("body").strip(" ,") if m else None
    return smart_case(body) if body and not _NOT_BODY.match(body) else None


def header(opener: Passage | None, head: list[Passage]) -> list[tuple[str, str, int]]:
    """(field, value, ordinal) for title, body, date, venue and times, from the opening line or Date:/Venue: lines."""
    out: list[tuple[str, str, int]] = []
    if opener is not None:
        text = re.sub(r"\s+", " ", re.split(r"\n\s*\n", opener.text.strip())[opening_block(opener) or 0])
        held = re.search(r"\b(?:held|which\s+was\s+held|that\s+took\s+place)\b", text, re.IGNORECASE)
        title = text[: held.start()] if held else text.split(" on ")[0]
        out.append(("title", title.strip(" ,.-–:"), opener.ordinal))
        body = body_of(text)
        if body:
            out.append(("body", body, opener.ordinal))
        when = first_date(text)
        if when:
            out.append(("date", when, opener.ordinal))
        venue = _VENUE.search(text, held.end()) if held else None
        if venue and not re.match(r"(?:the\s+)?(?:afternoon|morning|evening)\b", venue.group("venue"), re.I):
            out.append(("venue", re.sub(r"^the\s+", "", venue.group("venue").strip(" ,.")), opener.ordinal))
        for field, pattern in (("start_time", START), ("end_time", END)):
            m = pattern.search(text)
            if m:
                out.append((field, clock(m.group("t")), opener.ordinal))
    have = {f for f, _, _ in out}
    for p in head:
        for m in _FIELD_LINE.finditer(p.text):
            k, v = m.group("k").lower(), m.group("v")
            time = re.match(TIME, v, re.IGNORECASE)
            if k == "date" and "date" not in have and first_date(v):
                field, value = "date", first_date(v) or ""
            elif k in ("venue", "place", "location"):
                field, value = "venue", v.strip(" .")
            elif time and re.search(r"finish|end|clos|conclu", k):
                field, value = "end_time", time.group(0)
            elif time and (k.startswith("start") or k.startswith("time")):
                field, value = "start_time", time.group(0)
                then = re.match(rf"\s*(?:[-–]|to|until)\s*({TIME})", v[time.end() :], re.IGNORECASE)
                if then and "end_time" not in have:  # "Time: 10.00 am - 12.30 pm"
                    out.append(("end_time", then.group(1), p.ordinal))
                    have.add("end_time")
            else:
                continue
            if field not in have:
                out.append((field, value, p.ordinal))
                have.add(field)
    return out
