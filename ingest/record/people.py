"""People as minutes write them: name lists split into clean names with their roles, and sentences split safely."""

from __future__ import annotations

import re

# Titles that open a person's name; "Councillor" and "Alderman" are dropped from values (they name the office, as a
# list's "Councillors Adoh, Blamires" does), the others stay, as the paper writes them ("Mrs C Bell").
HONORIFIC = (
    r"(?:Councillors?|Cllrs?\.?|Mr|Mrs|Miss|Ms|Mx|Dr|Sir|Dame|Lord|Lady|Baroness|Canon|Rev(?:erend|d)?\.?|"
    r"Professor|Prof\.?|Aldermen|Alderman|Father)"
)
_OFFICE = re.compile(r"^(?:Councillors?|Cllrs?\.?|Aldermen|Alderman)\s*:?\s+", re.IGNORECASE)
_POSTNOMINAL = re.compile(r"^(?:[A-Z]{2,4})(?:,?\s+[A-Z]{2,4})*$")  # "OBE", "MBE", "CBE JP" after a name
_WORD = r"[A-Z][\w'’\-]*\.?"
# A name: an optional title, then up to five capitalised words (initials included), never a sentence opener.
NAME = (
    rf"(?:{HONORIFIC}\s+)?(?!(?:The|This|It|There|All|No|Members?|Officers?|Cabinet|Council)\b)"
    rf"{_WORD}(?:\s+{_WORD}){{0,4}}"
)
_PARTICLES = {"de", "van", "von", "der", "le", "la", "du", "da", "di", "bin", "al"}
_NOT_NAMES = {
    "agenda", "item", "items", "minutes", "committee", "meeting", "members", "member", "none", "officers",
    "apologies", "present", "attendance", "chairman", "chair", "substitute", "page", "council", "cabinet",
    "councillor", "councillors", "cllr", "cllrs",
    "report", "resolved", "other", "others", "also", "absent", "virtually", "remotely", "it", "the", "there",
    # words of an office, not a name: "The Monitoring Officer advised that ..." declares nothing
    "officer", "monitoring", "director", "manager", "executive", "solicitor", "clerk", "services",
    "democratic", "governance", "legal", "corporate", "strategic", "assistant", "senior", "principal", "team",
}


def clean_name(text: str | None) -> str | None:
    """A person's name as written, without list glue ("and"), the office title, or end punctuation; None if not one."""
    name = re.sub(r"\s+", " ", text or "").strip(" \t\n.,;:-–•")
    name = re.sub(r"^(?:and|&)\s+", "", name, flags=re.IGNORECASE)
    name = _OFFICE.sub("", name)
    words = name.replace(",", " ").split()
    if not words or len(words) > 7 or any(ch.isdigit() for ch in name):
        return None
    if not words[0][0].isupper() or any(w.lower().strip(".") in _NOT_NAMES for w in words):
        return None
    if any(not w[0].isupper() and w.lower() not in _PARTICLES for w in words):
        return None
    return name


def _top_level(text: str, seps: re.Pattern[str]) -> list[str]:
    """Split at the separators that stand outside parentheses, so "(Director, Children and Families)" stays whole."""
    masked, depth = [], 0
    for ch in text:
        depth += ch == "("
        masked.append("\0" if depth and ch != "(" else ch)
        depth -= ch == ")" and depth > 0
    pieces, last = [], 0
    for m in seps.finditer("".join(masked)):
        pieces.append(text[last : m.start()])
        last = m.end()
    pieces.append(text[last:])
    return pieces


_LIST_SEPS = re.compile(r",|;|\n|\t|\s+and\s+")  # not "&": "Education & Skills" is one role
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Dr|Councillor|Cllr)\s"
_BEFORE_TITLE = re.compile(rf"(?<=[\w\0])\s+(?={_TITLE})")


def _by_titles(piece: str) -> list[str]:
    """A piece that opens with a title, cut before each later title: the names of a list that lost its commas."""
    if not re.match(_TITLE, piece):
        return [piece]
    return _top_level(piece, _BEFORE_TITLE)


def split_names(text: str) -> list[tuple[str, str | None]]:
    """Each (name, role) in a list like "Mr B J Sweetland (Chairman), Sir Paul Carter, CBE, ... and Ms L Wright"."""
    # "Councillor A Smith (Chair) Councillors B Jones, ...": a role's closing bracket ends a name like a comma
    text = re.sub(rf"\)\s+(?={HONORIFIC}\s)", "), ", text)
    pieces: list[str] = []
    for piece in _top_level(text, _LIST_SEPS):
        piece = piece.strip()
        if not piece:
            continue
        if pieces and _POSTNOMINAL.match(piece.split("(")[0].strip()):
            pieces[-1] = f"{pieces[-1]}, {piece}"  # "Sir Paul Carter, CBE": the honour belongs to the name before
        else:
            pieces.append(piece)
    # "Mrs M Aston Mr J Chilver Mr D Dhillon (VC)": a list that lost its commas still opens each name with a title
    pieces = [part.strip() for piece in pieces for part in _by_titles(piece)]
    # A surname alone is a name only where the list says whose ("Councillors Adoh, Blamires") or gives a role
    offices = bool(_OFFICE.match(text.strip()))
    out: list[tuple[str, str | None]] = []
    for piece in pieces:
        m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*\.?$", piece)
        name, role = (m.group(1), m.group(2).strip()) if m else (piece, None)
        if role is None:
            dash = re.match(r"^(.*?)\s+[-–]\s+([A-Z].*)$", piece)  # "Mr Mike Appleyard - Cabinet Member for ..."
            before = re.match(rf"^(?P<role>[A-Z][\w\s-]*?)\s+(?P<name>{HONORIFIC}\s.+)$", piece)  # "Chairman Cllr Foss"
            if dash:
                name, role = dash.group(1), dash.group(2).strip()
            elif before:
                name, role = before.group("name"), before.group("role")
        cleaned = clean_name(name)
        if cleaned and (" " in cleaned or offices or role or re.match(HONORIFIC, name.strip())):
            out.append((cleaned, role or None))
    return out


def is_list(text: str, strict: bool = False) -> bool:
    """Whether the text is a list of names (most pieces a name, with its role), as a members list's lines are; a
    column header caught beside them ("R Stuchbury / Agenda Item") does not stop it being one unless `strict`."""
    pieces = [x for x in _top_level(text, _LIST_SEPS) if x.strip() and not _POSTNOMINAL.match(x.strip())]
    return bool(pieces) and (1 if strict else 2) * len(split_names(text)) >= len(pieces)


_LIST_WORD = re.compile(r"^(?:[A-Z][\w'’.\-]*,?|and|&|de|van|von|der|le|la)$")
_OPENERS = {"The", "This", "It", "There", "All", "Members", "Later", "At", "During", "In", "On", "Following"}


def trailing_names(text: str) -> str:
    """The run of capitalised words and list glue that ends the text: "Later in the meeting Mr Sole" -> "Mr Sole".

    A backwards scan, not a regex over name lists, which backtracks without end on a long list of votes.
    """
    words = text.split()
    k = len(words)
    while k > 0 and _LIST_WORD.match(words[k - 1]):
        k -= 1
    while k < len(words) and (not words[k][0].isupper() or words[k] in _OPENERS):
        k += 1  # a list never opens with "and", nor with the sentence's first word "The"
    return " ".join(words[k:])


_ABBREV = re.compile(rf"(?:\b[A-Z]|\b{HONORIFIC}|\bNo|\bSt|\bpara|\bi\.e|\be\.g|\betc)\.$")


def sentences(text: str) -> list[str]:
    """The text's sentences; a full stop after an initial or a title ("Mr B. J. Sweetland") does not end one."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        start = 0
        for m in re.finditer(r"[.!?]\s+(?=[A-Z(“\"'‘])", block):
            if _ABBREV.search(block[start : m.start() + 1]):
                continue
            out.append(block[start : m.start() + 1].strip())
            start = m.end()
        if block[start:].strip():
            out.append(block[start:].strip())
    return out


_SMALL = {"of", "and", "the", "for", "in", "on", "at", "to", "a", "an", "&"}


def smart_case(text: str) -> str:
    """An all-capitals name in title case ("CHILDREN'S SELECT COMMITTEE" -> "Children's Select Committee")."""
    if text != text.upper():
        return text
    out = []
    for i, word in enumerate(text.split(" ")):
        if any(c.isdigit() for c in word):
            out.append(word)  # "HP19 8FF", "Q1": codes keep their capitals
        elif i and word.lower() in _SMALL:
            out.append(word.lower())
        else:
            out.append(word[:1] + word[1:].lower())
    return " ".join(out)


def norm(text: str) -> str:
    """Text for comparison: case and runs of whitespace ignored."""
    return re.sub(r"\s+", " ", text).strip().lower()
