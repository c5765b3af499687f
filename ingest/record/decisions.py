"""What a meeting did, as its minutes say: its items, their resolutions and the votes taken."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Passage
from ingest.record.people import sentences

# "292. Apologies for Absence (Item 1)", "1 APOLOGIES FOR ABSENCE", "Minute 45: Budget", "CAB 12/24 Budget", "5a. ..."
_ITEM = re.compile(
    r"^\W*(?:(?:[Mm]inute|MINUTE|[Ii]tem|ITEM)\s+(?:[Nn]o\.?\s*)?)?"
    r"(?P<num>(?:[A-Z]{1,5}[./-]?|[A-Z]{1,5}\s(?=\d{1,4}/))?\d{1,4}[a-z]?(?:[./]\d{1,4})?)(?![\d.]*\d)"
    r"\s*[.):]?\s+(?P<title>\S.*)$",
    re.DOTALL,
)
_AGENDA_NO = re.compile(r"\(\s*(?:agenda\s+)?item\s+(?:no\.?\s*)?(?P<no>\d{1,3}[a-z]?)\s*\)", re.IGNORECASE)
_PAGES = re.compile(r"\(\s*pages?\s+[\d\s\-–]+\)", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One item of business: its number as the paper gives it, its title, and the label facts about it carry."""

    order: tuple[int, ...]  # the number's parts, to tell the next item from a sub-paragraph that restarts at 1
    label: str  # the minute number, else the agenda item number: "292", "3"
    detail: str  # "292, Item 1" / "Item 3" / "45"
    title: str
    runs_on: bool = False  # the heading passage holds text after the title ("2. Declarations\n\nNone.")


def _order(num: str) -> tuple[int, ...]:
    parts = re.findall(r"\d+|[a-z]$", num)
    return tuple(int(x) if x.isdigit() else ord(x) - 96 for x in parts)


def item_heading(p: Passage, after: tuple[int, ...], loose: bool = False) -> Item | None:
    """The item a heading passage opens, when its number follows the last item's (sub-paragraphs restart at 1).

    `loose` takes a short numbered line that is not a sentence for a heading: minutes whose headings the reader
    could not tell from their fonts.
    """
    line = p.kind != "heading" and len(p.text) <= 160 and not p.text.rstrip().endswith((".", ":", ";"))
    m = _ITEM.match(p.text)
    if not m or p.kind != "heading" and not line:
        return None
    num, title = m.group("num"), m.group("title")
    order = _order(num)
    if not order or order <= after or len(title) > 400 or (p.kind != "heading" and not re.match(r"[A-Z0-9]", title)):
        return None
    if p.kind != "heading" and not loose and not (after and order[0] == after[0] + 1):
        return None  # among headings, a numbered line is an item only when it is the next number
    agenda = _AGENDA_NO.search(title)
    blocks = re.split(r"\n\s*\n", title)
    # A heading runs on over a wrapped line ("... November" / "2024-25 (Item 5)"), not into a sentence ("None.")
    cut = next((i for i, b in enumerate(blocks) if i and b.rstrip().endswith((".", ":"))), len(blocks))
    title = re.sub(r"\s+", " ", _PAGES.sub("", _AGENDA_NO.sub("", " ".join(blocks[:cut])))).strip(" .-–:")
    if not re.search(r"[A-Za-z]{3}", title):
        return None
    if agenda:
        detail = f"{num}, Item {agenda.group('no')}"
    elif re.search(r"Agenda item \d+\s*$", p.label):
        detail = f"Item {num}"  # the segmenter saw these numbers under an "Agenda Item" column
    else:
        detail = num
    return Item(order, num, detail, title, cut < len(blocks))


_MARKER = re.compile(r"^(?:\s*(?:[-•–·▪]|o(?=\s))\s*)*(?:\(?(?P<m>\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)]\s*)?")
_BODY_WORD = r"(?:Committee|Cabinet|Council|Panel|Board|Members|Sub-Committee|Executive|Forum)"
_RESOLVED = re.compile(
    r"^(?:(?:[Ii]t\s+was|(?:[Tt]he\s+)?(?:[A-Z][\w-]*\s+){0,3}" + _BODY_WORD + r")\s+)?"
    r"(?:RESOLVED|Resolved|DECIDED|Decided|AGREED|DECISIONS?|Decisions?(?=\s*:)|(?<=\s)(?:resolved|decided|agreed)(?=\s*(?::|that\b|to\b)))\b"
    r"[\s:,\-–]*(?:(?:that|That|THAT)\b)?[\s:,\-–]*(?P<text>.*)$",
    re.DOTALL,
)
_MINUTES_AGREED = re.compile(
    r"\bminutes\b.{0,160}?\b(?:were|was|be|are)\s+(?:duly\s+)?(?:agreed|approved|confirmed|signed|accepted)\b",
    re.IGNORECASE,
)
_MOVED = re.compile(r"\bproposed,?\s+and\s+.{2,60}?\s+seconded,?\s+(?:that\s+)?(?P<motion>.+)$", re.DOTALL)
# "It was proposed by Alderman A G Ewart, seconded by Councillor A Swan and agreed that the report be noted."
_MOVED_AGREED = re.compile(
    r"\bproposed by .{2,80}?,?\s+seconded by .{2,80}?,?\s+and\s+(?:agreed|resolved|carried)\s*:?\s*"
    r"(?:that\s+)?(?P<motion>\w.+)$",
    re.DOTALL,
)
_CARRIED = re.compile(r"^\W*(?:agreed|carried|motion carried|this was agreed)\b", re.IGNORECASE)
_PROCEDURAL = re.compile(r"\bbe put to the vote\b|\bextend the meeting\b|\bexclude the (?:press|public)\b", re.I)


def _clause(text: str) -> str:
    """A resolution clause without the "; and" that joins it to the next ("... Appendix B; and", "vapes. And;"),
    nor the "That" each clause of a "RESOLVED:" list repeats."""
    text = re.sub(r"(?:[;,]\s*|\s*\n\s*)(?:and|or)\s*[;,]?\s*$", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"^(?:That|THAT)\s+", "", text).rstrip(" ;,")


def strip_marker(text: str) -> tuple[str | None, str]:
    """A list item's marker ("3)", "(ii)", "a.", "•") and the text after it."""
    m = _MARKER.match(text)
    return (m.group("m") if m else None), text[m.end() if m else 0 :].strip()


def resolutions(passages: list[Passage]) -> list[tuple[int, str]]:
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
            # "The Cabinet considered the report.\n\nRESOLVED:": a decision that opens a later line of the passage
            later = re.search(r"\n\s*(?=(?:RESOLVED|DECIDED|AGREED)\b)", p.text)
            marker, m = None, _RESOLVED.match(p.text[later.end() :]) if later else None
        if not m:
            continue
        text = m.group("text").strip()
        if text and not text.endswith(":"):
            out.append((p.ordinal, _clause(text)))
            continue
        stop = str(int(marker) + 1) if marker and marker.isdigit() else None  # "3) RESOLVED that:" ends at "4)"
        clauses = []
        while i < len(passages) and passages[i].kind != "heading":
            sub_marker, sub = strip_marker(passages[i].text)
            if stop and sub_marker == stop or _RESOLVED.match(sub):
                break
            clauses.append((passages[i].ordinal, _clause(sub)))
            i += 1
        out += clauses or ([(p.ordinal, text)] if text else [])
    if out:
        return out
    for n, p in enumerate(passages):
        for sentence in sentences(p.text):
            if _MINUTES_AGREED.search(sentence):
                out.append((p.ordinal, strip_marker(sentence)[1]))
        agreed = _MOVED_AGREED.search(p.text)
        if agreed and not _PROCEDURAL.search(agreed.group("motion")):
            out.append((p.ordinal, _clause(agreed.group("motion"))))
            continue
        moved = _MOVED.search(p.text)
        if moved and not _PROCEDURAL.search(moved.group("motion")) and any(
            _CARRIED.match(q.text) for q in passages[n + 1 : n + 3]
        ):
            out.append((p.ordinal, _clause(moved.group("motion"))))
    return out


_TALLY = re.compile(
    r"\b(?P<word>For|Against|Abstain(?:ed|ing|s)?|Abstentions?)\b\s*[:(\-–]?\s*\(?\s*(?P<n>\d{1,3})\s*\)?",
    re.IGNORECASE,
)
_FOR_FIRST = re.compile(r"^\W*For\b\s*[:(\-–]?\s*\(?\s*\d{1,3}", re.IGNORECASE)
_INLINE = re.compile(r"\bFor\W{0,3}\d{1,3}\W{1,6}Against\W{0,3}\d{1,3}", re.IGNORECASE)
# "(7 for, 3 against, 1 abstention)", "by 7 votes to 3": counts before the words
_REVERSED = re.compile(
    r"\b\d{1,3}\s+(?:votes?\s+)?(?:for|in favour)\W{1,4}(?:and\s+)?\d{1,3}\s+(?:votes?\s+)?against"
    r"(?:\W{1,6}(?:with\s+)?\d{1,3}\s+abstentions?)?",
    re.IGNORECASE,
)


def votes(passages: list[Passage]) -> list[tuple[int, str]]:
    """(ordinal of the "For" passage, "For 52, Against 0, Abstain 11") for each recorded division in an item."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(passages):
        p = passages[i]
        i += 1
        reversed_ = _REVERSED.search(p.text)
        if reversed_:
            out.append((p.ordinal, reversed_.group(0)))
            continue
        inline = _INLINE.search(p.text)
        if not (_FOR_FIRST.match(p.text) or inline):
            continue
        block = [p]
        while i < len(passages) and len(block) < 4 and re.match(r"^\W*(?:Against|Abst)", passages[i].text, re.I):
            block.append(passages[i])
            i += 1
        tally: dict[str, str] = {}
        for q in block:
            # Only counts that open a line (or run inline as "For 7, Against 3"): a name list never holds a tally.
            for line in q.text.split("\n"):
                start = _INLINE.search(line) if inline else None
                head = line[start.start() :] if start else line.strip()
                if _TALLY.match(head):
                    for m in _TALLY.finditer(head):
                        tally.setdefault(m.group("word").capitalize(), m.group("n"))
        if len(tally) >= 2:
            out.append((p.ordinal, ", ".join(f"{w} {n}" for w, n in tally.items())))
    return out


# A recorded division that names its members, a side to a passage ("Against (1)" then "Mr Booth"): who voted how.
_SIDE_FIRST = re.compile(r"^\W*(?P<side>For|Against|Abstain\w*|Abstentions?)\s*\(\s*\d{1,3}\s*\)\s*\n", re.IGNORECASE)
_OUTCOME = re.compile(r"\s+(?:(?:Substantive\s+)?Motion|Amendment|The\s+(?:motion|amendment))\b.*$", re.DOTALL)
_MEMBER = re.compile(
    r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Lord|Lady|Cllr|Councillor)\.?\s+(?:[A-Z]\.?\s+){0,3}[A-Z][\w'’-]+"
    r"(?:\s+(?:[A-Z][\w'’.-]*))*$"  # "Mr Booth", "Mrs A B Jones", "Sir Paul Carter CBE"
)


def voters(passages: list[Passage]) -> list[tuple[int, str, str]]:
    """(ordinal, side, name) for each member a division names: "Against (1)\n\nMr Booth" gives Mr Booth against;
    the names end where one is not a member's ("Motion carried." after the last is cut first)."""
    out: list[tuple[int, str, str]] = []
    for p in passages:
        m = _SIDE_FIRST.match(p.text)
        if not m:
            continue
        side = "Abstain" if m.group("side").lower().startswith("abst") else m.group("side").capitalize()
        names = _OUTCOME.sub("", " ".join(p.text[m.end() :].split()))
        for name in re.split(r",\s*|\s+and\s+", names.rstrip(" .")):
            if not _MEMBER.match(name.strip()):
                break
            out.append((p.ordinal, side, name.strip()))
    return out
