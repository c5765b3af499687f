"""What a meeting did, as its minutes say: its items, their resolutions and the votes taken."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Passage
from ingest.record.people import sentences

# "292. Apologies for Absence (Item 1)", "1 APOLOGIES FOR ABSENCE", "Minute 45: Budget", "88. 24/00108 - Revenue ..."
_ITEM = re.compile(
    r"^\W*(?:minute\s+(?:no\.?\s*)?)?(?P<num>\d{1,4}(?:/\d{1,4})?)\s*[.):]?\s+(?P<title>\S.*)$", re.I | re.S
)
_AGENDA_NO = re.compile(r"\(\s*(?:agenda\s+)?item\s+(?:no\.?\s*)?(?P<no>\d{1,3}[a-z]?)\s*\)", re.IGNORECASE)
_PAGES = re.compile(r"\(\s*pages?\s+[\d\s\-–]+\)", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One item of business: its number as the paper gives it, its title, and the label facts about it carry."""

    number: int
    label: str  # the minute number, else the agenda item number: "292", "3"
    detail: str  # "292, Item 1" / "Item 3" / "45"
    title: str


def item_heading(p: Passage, after: int) -> Item | None:
    """The item a heading passage opens, when its number follows the last item's (sub-paragraphs restart at 1)."""
    if p.kind != "heading":
        return None
    m = _ITEM.match(p.text)
    if not m:
        return None
    num, title = m.group("num"), m.group("title")
    number = int(num.split("/")[0])
    if number <= after or len(title) > 400:
        return None
    agenda = _AGENDA_NO.search(title)
    title = _PAGES.sub("", _AGENDA_NO.sub("", title))
    title = re.sub(r"\s+", " ", title).strip(" .-–:")
    if not re.search(r"[A-Za-z]{3}", title) or title.endswith((",", " and", " of")) and len(title) < 8:
        return None
    if agenda:
        detail = f"{num}, Item {agenda.group('no')}"
    elif re.search(r"Agenda item \d+\s*$", p.label):
        detail = f"Item {num}"  # the segmenter saw these numbers under an "Agenda Item" column
    else:
        detail = num
    return Item(number, num, detail, title)


_MARKER = re.compile(r"^[\s\-•–·o]*(?:\(?(?P<m>\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)]\s*)?")
_RESOLVED = re.compile(
    r"^(?:(?:it\s+was|the\s+(?:[A-Z][\w']*\s+){1,4})\s*)?(?:RESOLVED|Resolved|resolved|DECIDED|AGREED)\b"
    r"[\s:,\-–]*(?:(?:that|That|THAT)\b)?[\s:,\-–]*(?P<text>.*)$",
    re.DOTALL,
)
_MINUTES_AGREED = re.compile(
    r"\bminutes\b.{0,160}?\b(?:were|was|be|are)\s+(?:duly\s+)?(?:agreed|approved|confirmed|signed|accepted)\b",
    re.IGNORECASE,
)
_MOVED = re.compile(r"\bproposed,?\s+and\s+.{2,60}?\s+seconded,?\s+(?P<motion>that\s+.+)$", re.DOTALL)
_CARRIED = re.compile(r"^\W*(?:agreed|carried|motion carried|this was agreed)\b", re.IGNORECASE)


def strip_marker(text: str) -> tuple[str | None, str]:
    """A list item's marker ("3)", "(ii)", "a.", "•") and the text after it."""
    m = _MARKER.match(text)
    return (m.group("m") if m else None), text[m.end() if m else 0 :].strip()


def _next_marker(marker: str | None) -> str | None:
    if marker and marker.isdigit():
        return str(int(marker) + 1)
    return None


def resolutions(passages: list[Passage], item: Item) -> list[tuple[int, str]]:
    """(ordinal, resolution text) in an item's passages: RESOLVED paragraphs with the clauses a "RESOLVED that:" leads.

    Where the item records no RESOLVED, a minutes approval ("the minutes ... were agreed as a correct record")
    or a motion moved, seconded and then "Agreed" stands as its resolution.
    """
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(passages):
        p = passages[i]
        marker, body = strip_marker(p.text)
        m = _RESOLVED.match(body)
        i += 1
        if not m:
            continue
        text = m.group("text").strip()
        if text and not text.endswith(":"):
            out.append((p.ordinal, text))
            continue
        stop = _next_marker(marker)
        clauses = []
        while i < len(passages) and passages[i].kind != "heading":
            sub_marker, sub = strip_marker(passages[i].text)
            if stop and sub_marker == stop or _RESOLVED.match(sub):
                break
            clauses.append((passages[i].ordinal, sub))
            i += 1
        out += clauses or ([(p.ordinal, text)] if text else [])
    if out:
        return out
    for n, p in enumerate(passages):
        for sentence in sentences(p.text):
            if _MINUTES_AGREED.search(sentence):
                out.append((p.ordinal, strip_marker(sentence)[1]))
        moved = _MOVED.search(p.text)
        if moved and any(_CARRIED.match(q.text) for q in passages[n + 1 : n + 3]):
            out.append((p.ordinal, moved.group("motion").strip()))
    return out


_TALLY = re.compile(
    r"\b(?P<word>For|Against|Abstain(?:ed|ing|s)?|Abstentions?)\b\s*[:(\-–]?\s*\(?\s*(?P<n>\d{1,3})\s*\)?",
    re.IGNORECASE,
)
_FOR_FIRST = re.compile(r"^\W*For\b\s*[:(\-–]?\s*\(?\s*\d{1,3}", re.IGNORECASE)


def votes(passages: list[Passage]) -> list[tuple[int, str]]:
    """(ordinal of the "For" passage, "For 52, Against 0, Abstain 11") for each recorded division in an item."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(passages):
        p = passages[i]
        i += 1
        if not _FOR_FIRST.match(p.text):
            continue
        tally: dict[str, str] = {}
        block = [p]
        while i < len(passages) and len(block) < 4 and re.match(r"^\W*(?:Against|Abst)", passages[i].text, re.I):
            block.append(passages[i])
            i += 1
        for q in block:
            # Only the counts that open a line: names listed under "For (32)" never hold a tally.
            for line in q.text.split("\n"):
                if _TALLY.match(line.strip()):
                    for m in _TALLY.finditer(line):
                        tally.setdefault(m.group("word").capitalize(), m.group("n"))
        if len(tally) >= 2:
            out.append((p.ordinal, ", ".join(f"{w} {n}" for w, n in tally.items())))
    return out
