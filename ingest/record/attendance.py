"""Who was at a meeting, as its minutes say: members present, officers and others, apologies, substitutes, interests.

Each function reads one passage's text and returns (field, value, detail) triples in the vocabulary of
ingest/record/__init__.py; the caller knows which passage and meeting they belong to.
"""

from __future__ import annotations

import re

from ingest.record.people import HONORIFIC, NAME, clean_name, is_list, sentences, split_names, trailing_names

Said = tuple[str, str, str | None]  # (field, value, detail)

# "PRESENT:", "MEMBERS PRESENT", "IN ATTENDANCE VIRTUALLY:", "Officers:", "Apologies:", ... opening a list.
_LABEL = re.compile(
    r"^\W*(?P<label>(?:(?:members|councillors|elected members)\s+)?present|"
    r"(?:officers?|others?|also)\s+(?:present|in attendance)|in attendance|officers?(?:\s+present)?|"
    r"other members(?:\s+present)?|non-committee members|members|councillors|aldermen|"
    r"apologies(?:\s+for\s+absence)?|substitutes?(?:\s+members?)?|co-opted members?\s+present|absent)"
    r"(?P<how>\s+(?:virtually|remotely|online|in person))?\b\s*[:\-–]?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_CHAIR = re.compile(r"^(?:the\s+)?(?:chair(?:man|woman|person)?|in the chair|c|presiding)$", re.IGNORECASE)
_VICE = re.compile(r"^(?:the\s+)?(?:vice[-\s]?chair(?:man|woman|person)?|deputy chair(?:man)?|vc)$", re.IGNORECASE)
_SUB_FOR = re.compile(r"^substitut\w*(?:\s+member)?\s*(?:for|:)\s*(.+)$", re.IGNORECASE)
_SUB_BY = re.compile(r"^(?:substituted by|substitute:?)\s+(.+)$|^(.+?)\s+substituting$", re.IGNORECASE)
_SUB_PIECE = re.compile(
    r"^\s*(?P<who>[^()]+?)\s*\(?\s*(?:substitut\w*\s+)?(?:for|in place of)\s+(?P<for>[^()]+?)\)?\s*$"
)
# A role that makes someone a member, not an officer: "Cabinet Member for Education", "Leader of the Council".
_MEMBER_ROLE = re.compile(r"\b(?:cabinet member|councillor|member|leader|mayor|portfolio holder|mp)\b", re.IGNORECASE)


def label_of(text: str) -> tuple[str, str] | None:
    """(field, rest of text) when the passage opens an attendance list, else None."""
    m = _LABEL.match(text)
    if not m or len(m.group("label")) > 40:
        return None
    label = m.group("label").lower()
    if label in ("members", "councillors", "aldermen") and not (
        re.match(r"\s*:", text[m.end("label") :]) or is_list(text[m.start("label") :], strict=True)
    ):
        return None  # "Members noted the report" opens no list; "Councillors: A, B" and "Councillors A, B" do
    rest = m.group("rest")
    if label in ("councillors", "aldermen") and rest.strip():
        rest = f"{m.group('label')} {rest}"  # the office is the list's, so "Councillors Adoh, Blamires" keeps surnames
    if label.startswith(("apolog",)):
        field = "apology"
    elif label.startswith("substitut"):
        field = "substitute"
    elif label.startswith("absent"):
        field = "absent"  # absent without apologies: no field of the record, but it ends the list before it
    elif label.startswith(("officer",)):
        field = "officer"
    elif label.startswith(("other", "also", "non-")):
        field = "others"  # officer or other by role; with no role given, other ("OTHERS IN ATTENDANCE: R Stuchbury")
    elif label.startswith("in attendance"):
        field = "attendance"  # officer or other by role; with no role given, officer
    else:
        field = "present"
    return field, rest


def _officer_or_other(role: str | None) -> str:
    return "other" if role and _MEMBER_ROLE.search(role) else "officer"


def listed(field: str, text: str) -> list[Said]:
    """The facts a labelled list gives: each name, with chair, vice-chair and substitutes read from roles."""
    out: list[Said] = []
    if field == "substitute":
        # "Substitutes: Councillor Y for Councillor X, Councillor W (for Councillor V)"
        for piece in re.split(r",|;|\n|\s+and\s+(?=[A-Z])", text):
            m = _SUB_PIECE.match(piece)
            who, whom = (clean_name(m.group("who")), clean_name(m.group("for"))) if m else (clean_name(piece), None)
            if who:
                out.append(("substitute", who, whom))
        return out
    for name, role in split_names(text):
        if field == "absent":
            continue
        if field == "apology":
            out.append(("apology", name, None))
            sub = _SUB_BY.match(role or "")
            if sub and (who := clean_name(sub.group(1) or sub.group(2))):
                out.append(("substitute", who, name))
            continue
        if field == "attendance":
            kind = _officer_or_other(role)
        elif field == "others":
            kind = _officer_or_other(role) if role else "other"
        else:
            kind = field
        out.append((kind, name, role))
        parts = [part.strip() for part in (role or "").split(",")]  # "Leader, in the Chair"
        if kind == "present" and role:
            if any(_CHAIR.match(part) for part in parts):
                out.append(("chair", name, None))
            elif any(_VICE.match(part) for part in parts):
                out.append(("vice_chair", name, None))
            elif sub := _SUB_FOR.match(role):
                out.append(("substitute", name, clean_name(sub.group(1))))
    return out


# A list of names runs to the sentence's end, or to a clause about them; initials' full stops do not end it.
_TAIL = r"(?=,?\s+(?:for (?:the|this) meeting|who\b|as (?:he|she|they)\b|due to\b)|;|\.?\s*$)"
_APOLOGY = (
    re.compile(
        r"apolog(?:y|ies)(?:\s+for\s+(?!lateness)[\w\s-]{1,40}?)?\s+(?:were|was|had been|have been|are|is)\s+"
        r"(?:also\s+)?(?:received|given|submitted|tendered|noted|reported|made|presented|accepted|recorded)"
        r"(?:\s+and\s+(?:accepted|recorded|noted))?\s+(?:from|by|on behalf of|for)\s+"
        rf"(?P<names>.+?){_TAIL}",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:received|reported|noted|tendered|submitted|gave|announced|were)\s+(?:the\s+|an\s+)?apolog(?:y|ies)"
        rf"(?:\s+for\s+absence)?\s+(?:from|of|on behalf of)\s+(?P<names>.+?){_TAIL}",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:^|\bthat\s+)(?P<names>[A-Z][^;]*?)\s+(?:had|have|has)\s+(?:given|sent|tendered|submitted|offered)\s+"
        r"(?:their|his|her)\s+apologies"
    ),
)
_FILLER = r"(?:\s+(?:was|were|is|are|has been|had been|attended|attending|present|in attendance|as|a|the))*"
_SUBSTITUTE = (
    re.compile(rf"(?P<who>{NAME}){_FILLER}\s+(?:substitut(?:e|ing|ed)\s+for|in place of)\s+(?P<for>{NAME})"),
    re.compile(rf"(?P<for>{NAME})\s+(?:was|were|had been|has been)\s+substituted\s+by\s+(?P<who>{NAME})"),
)


def apologies(text: str) -> list[Said]:
    """Apologies and substitutes a sentence reports: "Apologies were received from Mrs C Bell." and the like."""
    out: list[Said] = []
    for sentence in sentences(text):
        for pattern in _APOLOGY:
            m = pattern.search(sentence)
            if m:
                # "It was noted that Councillors Adoh, ... had given their apologies": the names end the clause
                names = trailing_names(m.group("names")) if pattern is _APOLOGY[2] else m.group("names")
                out += listed("apology", names)
                break
        for pattern in _SUBSTITUTE:
            for m in pattern.finditer(sentence):
                who, whom = clean_name(m.group("who")), clean_name(m.group("for"))
                if who and whom:
                    out.append(("substitute", who, whom))
    return out


_ITEM_ATTENDANCE = re.compile(
    r"^(?P<list>[A-Z].+?)\s+(?:was|were)\s+(?:also\s+)?(?:in attendance|present)\s+(?:for|during)\s+(?:this|the)\s+item"
)
_ATTENDED = re.compile(
    rf"(?P<name>{NAME})\s*,\s*(?P<role>[^,]{{3,120}}?),?\s+(?:attended|joined)\s+(?:the|this)\s+meeting"
)
_WELCOMED = re.compile(r"\bwelcomed\s+(?P<list>.+?)\s+to\s+(?:the|this)\s+meeting")
_GUEST_SPLIT = re.compile(rf",?\s+and\s+(?={HONORIFIC}\s)|,\s+(?={HONORIFIC}\s)")


def attendance(text: str) -> list[Said]:
    """Officers and others a sentence says attended: "X (Director) and Y (Head) were in attendance for this item"."""
    out: list[Said] = []
    for sentence in sentences(text):
        m = _ITEM_ATTENDANCE.match(sentence)
        if m:
            for name, role in split_names(m.group("list")):
                out.append((_officer_or_other(role), name, role))
            continue
        m = _ATTENDED.search(sentence)
        if m and (name := clean_name(m.group("name"))):
            role = m.group("role").strip()
            out.append((_officer_or_other(role), name, role))
            continue
        m = _WELCOMED.search(sentence)
        if m:
            for chunk in _GUEST_SPLIT.split(m.group("list")):
                head = re.match(rf"({NAME})(?:\s*,\s*(.+?))?,?\s*$", chunk.strip())
                if head and (name := clean_name(head.group(1))):
                    role = head.group(2)
                    out.append((_officer_or_other(role), name, role))
    return out


_NONE_DECLARED = re.compile(
    r"\bno\b[^.]*\b(?:declarations?|interests?)\b|\bnone\b|\bnil\b|\bno (?:other )?interests? (?:was|were) declared",
    re.IGNORECASE,
)
_DECLARE_VERB = re.compile(
    r"\s(?P<verb>declared|declares|disclosed|registered|stated|reported|indicated|advised|noted|"
    r"informed the (?:committee|meeting|council) that)\s+(?:that\s+)?(?P<what>.+)$"
)
def declarations(text: str, in_declarations_item: bool) -> list[Said]:
    """Interests declared: who, and what interest (with the item when the paper names it).

    In the item for declarations any "X stated/declared ..." counts; elsewhere only "X declared ... interest".
    """
    out: list[Said] = []
    for sentence in sentences(text):
        if _NONE_DECLARED.search(sentence) and not re.search(r"\bdeclared\s+(?:a|an)\b", sentence):
            continue
        m = _DECLARE_VERB.search(sentence)
        who = trailing_names(sentence[: m.start()]) if m else ""
        if not m or not who:
            continue
        declared_interest = m.group("verb").startswith("decl") and "interest" in m.group("what").lower()
        if not in_declarations_item and not declared_interest:
            continue
        what = m.group("what").strip().rstrip(".")
        for name, _ in split_names(who):
            out.append(("declaration", name, what))
    return out
