"""What a council paper's first page says about it: its type, body, date and title (ingest.metadata puts them
together; an inspectorate's paper is read by ingest.inspection_paper).

Rules read words and patterns, not line layout: a field's value may share its label's line or sit on the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.councils import find_councils
from ingest.dates import DATE, first_date

TOP = 2500  # characters of a paper in which its own heading and fields stand
_M = re.MULTILINE
_MI = re.MULTILINE | re.IGNORECASE
_WEEKDAY = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# "CABINET - THURSDAY, 30 JANUARY 2025": the meeting a covering letter sends papers for.
_DAY_MONTH_YEAR = r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+,?\s+\d{4}"
_MEETING_LINE = re.compile(rf"^\s*([A-Z][A-Za-z0-9&'’,() ]{{2,80}}?)\s+[-–—]\s+{_WEEKDAY},?\s+(.+)$", _M)
_SMALL = {"and", "of", "the", "for", "in", "on", "to", "with", "a"}


@dataclass(frozen=True)
class Covering:
    """A covering letter ("Dear Member ... enclosed ...") that opens a pack, and the meeting it names."""

    letter: str
    body: str | None
    date: str | None


def plain(text: str) -> str:
    """The text without markdown emphasis, heading marks or inline tags, which only get in a pattern's way."""
    text = text.replace("\u00a0", " ").replace("\r", "")
    text = re.sub(r"\*\*|__|</?u>", "", text)
    return re.sub(r"^[ \t]*#+[ \t]*", "", text, flags=_M)


def titled(name: str) -> str:
    """A name printed in capitals, in title case ("CHILDREN'S SELECT COMMITTEE" -> "Children's Select Committee")."""
    if not name.isupper():
        return name
    words = name.lower().split()
    return " ".join(w if i and w in _SMALL else w[:1].upper() + w[1:] for i, w in enumerate(words))


def after_covering_letter(head: str) -> tuple[str, Covering | None]:
    """The paper a covering letter encloses (the text after its sign-off and signature), and the letter."""
    dear = re.search(r"^\s*Dear\s+\S", head, _M)
    if not dear or dear.start() > 1000:
        return head, None
    sign = re.search(r"\bYours\s+(?:sincerely|faithfully|truly)\b.*", head[dear.end() :], re.IGNORECASE)
    if not sign:
        return head, None
    letter = head[: dear.end() + sign.end()]
    if not re.search(r"\benclos|\battach|\bfollowing documents?\b", letter, re.IGNORECASE):
        return head, None
    rest = head[dear.end() + sign.end() :].lstrip("\n")
    for _ in range(2):  # the signature: a name and a post ("Benjamin Watts", "General Counsel")
        line, _, after = rest.partition("\n")
        if not line.strip() or len(line) > 40 or line.isupper() or re.search(r"[:\d@]", line):
            break
        rest = after.lstrip("\n")
    meeting = _MEETING_LINE.search(letter)
    body = titled(meeting.group(1).strip()) if meeting else None
    return rest, Covering(letter, body, first_date(meeting.group(2)) if meeting else None)


_TYPE_CUES = (
    ("minutes", r"^\W*minutes\s+of\s+(?:a|the)\s+(?:\w+\s+){0,3}?meeting\b|^\W*minutes\W*$"),
    ("agenda", r"^\W*(?:agenda|a[ \t]g[ \t]e[ \t]n[ \t]d[ \t]a)\W*$|^\W*agenda\s+(?:for|of)\b"),
    ("agenda", r"^\W*summons\b|^\W*notice\s+of\s+(?:the\s+)?meeting\b"),
    ("decision", r"^.{0,40}\b(?:record|notice)\s+of\s+(?:\w+\s+)?decision\W*$|^\W*decision\s+notice\b"),
    (
        "questions",
        r"^\W*(?:(?:written|oral|public|members?['’]?|councillors?['’]?)\s+)?questions"
        r"(?:\s+(?:and\s+answers|to|from|for|by|at)\b.{0,80})?\W*$",
    ),
    ("inquiry report", r"^[^.:\n]{0,80}\b(?:inquiry|scrutiny\s+review|task\s+and\s+finish\s+group)\b[^.:\n]{0,60}$"),
    ("plan", r"^[^.:\n]{0,80}\b(?:action|improvement|delivery)\s+plan\W*$"),
    ("report", r"^\W*report\s+(?:to|of|by|for)\b|^\W*(?:subject|title|from)\s*:"),
    ("letter", r"^\W*dear\s"),
)


def _cue(kind: str, top: str) -> re.Match[str] | None:
    return next((m for k, cue in _TYPE_CUES if k == kind and (m := re.search(cue, top, _MI))), None)


def cue_line(paper: str) -> str | None:
    """The line that says what the paper is ("Report to Cabinet"), as a title of last resort."""
    top = paper[:TOP]
    found = [m for _, cue in _TYPE_CUES if (m := re.search(cue, top, _MI))]
    if not found:
        return None
    at = min(m.start() for m in found)
    at = at + len(top[at:]) - len(top[at:].lstrip())  # a cue may match from the blank line before its own
    end = top.find("\n", at)
    return " ".join(top[at : end if end >= 0 else None].split()).strip(" *#:") or None


def doc_type(paper: str) -> str:
    """The type whose cue comes first in the paper's opening; "report" when none does."""
    top = paper[:TOP]
    found = [(m.start(), n, kind) for n, (kind, cue) in enumerate(_TYPE_CUES) if (m := re.search(cue, top, _MI))]
    return min(found)[2] if found else "report"


_BODY_RULES = tuple(
    re.compile(rule, _MI)
    for rule in (
        r"^\W*minutes\s+of\s+(?:a|the)\s+meeting\s+of\s+(?:the\s+)?(?P<b>[^\n]+?)\s+(?:held|on|at)\b",
        r"^\W*report\s+to\s*:?\s*(?:the\s+)?(?P<b>[^\n]+?)\s*$",
        r"^\W*to\s*:\s*(?:the\s+)?(?P<b>[A-Z][^\n]+?)\s*[-–—]\s*\d",
        r"decision\s+to\s+be\s+taken\s+by\s*:?\s*(?:the\s+)?(?P<b>[A-Z][^\n]*?)\s*$",
        r"^\W*a\s+meeting\s+of\s+the\s+(?P<b>[A-Z][\w&'’ ]+?)\s+will\s+be\s+held\b",
        r"^\W*(?:meeting|committee|decision\s+maker)\s*:\s*(?P<b>[^\n]+?)\s*$",
        # "Full Council – 20 February 2025", "CABINET - THURSDAY, 30 JANUARY 2025": a meeting's heading line
        rf"^\s*(?P<b>[A-Z][A-Za-z&'’ ]{{2,60}}?)\s+[-–—]\s+(?:{_WEEKDAY},?\s+)?{_DAY_MONTH_YEAR}\s*$",
    )
)
_COMMITTEE = re.compile(r"((?:[A-Z][\w'’&,-]*[ \t]+|&[ \t]+|and[ \t]+)+(?i:(?:sub-)?committee|panel|board|forum))\b")
_BODY_WORDS = {"cabinet", "council", "county council", "full council", "executive", "city council", "borough council"}


def _without_council(name: str) -> str:
    """A committee's name without the council's before it ("Buckinghamshire Council Children's ...")."""
    for _, start, end in find_councils(name):
        if not name[:start].strip():
            return name[end:].strip()
    return name


def body(paper: str) -> str | None:
    """The body the paper is for or of: a field or phrase that names it, a committee in its heading, a heading."""
    top = paper[:TOP]
    for rule in _BODY_RULES:
        m = rule.search(top)
        if m and len(m.group("b")) <= 80:
            return titled(_without_council(m.group("b").strip(" .,:;")))
    committees = [_without_council(c.strip()) for c in _COMMITTEE.findall(top)]
    named = [c for c in committees if c and not c.lower().startswith(("the ", "select "))]
    if named or committees:
        return titled((named or committees)[0])
    for line in top.splitlines()[:20]:
        if line.strip().lower() in _BODY_WORDS:
            return titled(line.strip())
    return None


def _field(text: str, label: str, colon: bool = True) -> str | None:
    """A "Label: value" field's value, on its line or (when the line ends at the label) the next one."""
    sep = r"\s*(?::|\t)" if colon else r"\s*:?"
    m = re.search(rf"^\W*(?:{label}){sep}[ \t]*(\S[^\n]*)?$(?:\s*^(?P<next>[^\n]+)$)?", text, _MI)
    if not m:
        return None
    value = m.group(1) or m.group("next")
    return value.strip() if value else None


_DATE_LABELS = r"date\s+of\s+(?:the\s+)?(?:meeting|decision|report)|(?:meeting|decision|report)\s+date|date"


def meeting_date(paper: str) -> str | None:
    """A meeting's (or report's) date: a Date field, "held on", "To: Cabinet - 30 January 2025", a date and time."""
    top = paper[:TOP]
    when = first_date(_field(top, _DATE_LABELS) or "")
    if when:
        return when
    held = re.search(r"minutes\s+of\s+(?:a|the)\s+meeting|\bwill\s+be\s+held\b|^\W*to\s*:", top, _MI)
    if held and (when := first_date(top[held.end() : held.end() + 300])):
        return when
    for m in DATE.finditer(top):
        if re.match(r"\W{0,3}(?:at\s+)?\d{1,2}[.:]\d{2}\s*(?:am|pm)|\s*Time\s*:", top[m.end() : m.end() + 30], re.I):
            return first_date(m.group(0))
    return None


def _multiline_field(text: str, label: str) -> str | None:
    # A long subject wraps; its value runs to the next "Label:" line.
    m = re.search(rf"^\W*{label}\s*:\s*(.+?)(?=\n\s*[A-Z][\w /()'’-]{{1,40}}:|\n\s*\n\s*\n|\Z)", text, re.S | _MI)
    return " ".join(m.group(1).split()) if m else None


_TITLE_LABELS = r"title|report\s+title|title\s+of\s+(?:the\s+)?report|report\s+name"
_DECISION_TITLE = r"(?:subject\s+matter\s*/\s*)?title\s+of\s+(?:the\s+)?decision|decision\s+title"


def title(paper: str, kind: str, body_name: str | None) -> str | None:
    """The paper's own title as printed: a field, a decision's title, a minutes' or inquiry's heading."""
    top = paper[:TOP]
    value = _field(top, _TITLE_LABELS) or _field(top, _DECISION_TITLE, colon=False) or _multiline_field(top, "Subject")
    if value:
        return value
    if kind == "minutes":
        m = re.search(r"^\W*(minutes\s+of\s+(?:a|the)\s+meeting\s+of\s+.+?)\s+(?:held|on)\b", top, _MI)
        if m:
            return "Minutes" + " ".join(m.group(1).split())[7:]
        return f"Minutes of the meeting of the {body_name}" if body_name else "Minutes"
    if kind == "agenda":
        return f"{body_name} agenda" if body_name else "Agenda"
    if kind in ("inquiry report", "plan", "questions"):
        m = _cue(kind, top)
        return " ".join(m.group(0).split()).strip(" *#") if m else None
    if kind == "letter":
        sal = re.search(r"^\s*Dear\s[^\n]*\n\s*([^\n]{5,150})$", top, _M)
        return sal.group(1).strip() if sal else None
    return None


def enclosure(letter: str) -> str | None:
    """What a covering letter says it encloses ("Enclosed are the Budget amendments that ...")."""
    m = re.search(
        r"(?:enclosed\s+(?:are|is)|please\s+find\s+enclosed|enclose[sd]?,?)\s+(?:for\s+consideration,\s+)?(?:the\s+)?"
        r"(?:documents?\s+for\s+)?(?:item\s+\d+\s*[-–—]\s*)?(?P<t>[^,.\n]+?)(?:,|\s+(?:that|which|for|proposed)\b|\.)",
        letter,
        re.IGNORECASE,
    )
    if not m or m.group("t").lower() in ("following document", "following documents", "documents", "document"):
        return None
    t = m.group("t").strip()
    return t[:1].upper() + t[1:]


_NOT_A_TITLE = re.compile(
    r"^(?:agenda(?:\s+item\s+\d+)?|minutes|report|appendix\s+\w+|part\s+(?:1|2|i|ii|one|two)|public|(?:un)?restricted"
    r"|(?:(?:un)?restricted|exempt)\s+items"
    r"|(?:not\s+)?for\s+publication|this\s+page\s+is\s+intentionally\s+left\s+blank|page\s+\d+)\W*$",
    re.IGNORECASE,
)


def heading(paper: str) -> str | None:
    """The first line of the opening that reads like a title: not a council's name, a field, a date or a body."""
    for line in [ln.strip(" \t#*_") for ln in paper[:TOP].splitlines() if ln.strip()][:8]:
        named = sum(e - s for _, s, e in find_councils(line))
        if (
            len(line.split()) < 2
            or len(line) > 150
            or re.search(
                r"[\w)]\s*:|@|\t|www\.|https?:|\.gov\.uk|\b(?:Cllr|Councillor|Mrs?|Ms|Dr)\b|Member\s+for", line
            )
            or any(re.match(cue, line, re.IGNORECASE) for _, cue in _TYPE_CUES)
            or _COMMITTEE.fullmatch(line)
            or re.match(r"[\d(•\-–]", line)
            or line.endswith(".")
            or _NOT_A_TITLE.match(line)
            or line.lower() in _BODY_WORDS
            or named >= 0.6 * len(line)
            or (first_date(line) and len(line) < 40)
        ):
            continue
        return titled(line)
    return None
