"""An inspectorate's own report or letter, read by its structure: the cover lines ("Inspection dates:", "Lead
inspector:"), the judgement table, the team table, and the sections that list what needs to improve, strengths and
areas for priority action. Every field it does not state stays absent.
"""

from __future__ import annotations

import re
from datetime import date

from ingest.models import Passage
from ingest.record.inspection_tables import cells, judgement_rows, priority_rows, team
from ingest.record.inspection_terms import (
    GRADE,
    GRADE_RE,
    INSPECTORATES,
    Found,
    first_span,
    flat,
    inspectorates_in,
    is_inspector,
    is_lead,
    names_in,
    person,
    spans,
)

SHORT_DAYS = (4, 7)  # a short ILACS inspection: one week on site (Monday to Friday)
STANDARD_DAYS = (10, 14)  # a standard one: two weeks
DERIVED = "ILACS short inspections are one week on site, standard inspections two"
_LINE = re.compile(
    r"^\W*(?P<k>inspection dates?|dates? of (?:the )?previous inspection|report published|publication date|"
    r"lead inspector(?: on site)?|deputy lead inspector|team inspectors?|shadow inspectors?|additional inspectors?|"
    r"associate inspectors?|inspectors)\s*:\s*(?P<v>.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_IMPROVE = re.compile(r"^(?:what needs to improve|what does the [\w’' ]+ need to improve|areas? for improvement|"
                      r"recommendations)\b", re.IGNORECASE)
_STRENGTH = re.compile(r"^(?:what is the area partnership doing that is effective|strengths|what is working well)\b",
                       re.IGNORECASE)
_PRIORITY = re.compile(r"^areas? for priority action\b", re.IGNORECASE)
_OUTCOME = re.compile(r"^inspection outcome\b", re.IGNORECASE)
_WEAKNESS = re.compile(r"following areas of (?:significant )?weakness\s*:", re.IGNORECASE)
_TEAM = re.compile(r"\b(?:the inspectors|Her Majesty[’']s Inspectors|His Majesty[’']s Inspectors)(?: \(HMI\))?"
                   r"(?: for this visit)? were (?P<names>[^.]+)\.", re.IGNORECASE)
_BULLET = re.compile(r"^[\s\-–−•◼▪■●✓✔*]+|^\(?\d{1,3}[.)]\s*(?=[A-Z])")
# "Children’s services in Brent require improvement to be good", "The overall judgement is that children’s
# services are inadequate": the older framework's overall effectiveness, as the report words it.
_SERVICES_ARE = re.compile(
    r"children[’']s services (?:in [^.]{1,80}? )?(?:(?:are|is) (?P<g>outstanding|good|inadequate)|"
    r"(?P<r>requires? improvement(?: to be good)?))\b",
    re.IGNORECASE,
)
_NUMBERED_GRADE = re.compile(rf"^\s*\d+(?:\.\d+)*\.?\s+(?P<area>[^\t\n]+?)\s+(?P<g>{GRADE})\s*$", re.IGNORECASE)
_PREVIOUS = re.compile(
    r"(?:\b(?:last|previous|most recent)\b[^.;]{0,60}?|\bsince the (?:[\w()]+ ){0,2}?)\b(?:inspection|visit)\b"
    r"[^.;]{0,80}?\b(?:was |were )?(?:in|on)\s+(?=(?:\d|[A-Z]))",
    re.IGNORECASE,
)
# "the first monitoring visit since the local authority was judged inadequate in January 2018"
_SINCE_JUDGED = re.compile(rf"\bsince\b[^.;]{{0,40}}?\bjudged\s+(?:to\s+be\s+)?(?P<g>{GRADE})\s+(?:in|on|at)\s+",
                           re.IGNORECASE)
_COVER = 25  # passages: a report's cover and summary come first
_FRAMEWORK = re.compile(r"\b(?P<f>short|standard) inspection\b", re.IGNORECASE)
_JUDGED = re.compile(rf"\b(?:judged|found|rated|graded)\s+(?:to be\s+|as\s+)?(?P<g>{GRADE})\b", re.IGNORECASE)
_REQUIRE = re.compile(
    r"(?:\brequires?\s+(?:the\s+)?[\w ]{0,40}?\bto\s+|\bask(?:s)?\s+that\s+(?:the\s+)?[\w ]{0,40}?\b(?=updates|"
    r"publishes|prepares|submits)|\bdetermined\s+that\s+)(?P<what>[^.]*?(?:plan|statement of action)[^.]*)",
    re.IGNORECASE,
)


def _heading(p: Passage) -> str:
    return p.section.rsplit(" > ", 1)[-1].strip()


def _items(p: Passage) -> list[str]:
    """A list item's text without its bullet or number, or each bullet of a lead-in and its list; none for headings,
    lead-ins and continuations."""
    if p.kind in ("heading", "contents") or (p.part_no or 1) > 1:
        return []
    text = p.text.strip()
    _, colon, rest = text.partition(":")
    bullets = re.split(r"\n\s*(?=[\-–−•◼▪■●✓✔*])", rest) if colon and "\n" in rest else []
    pieces = [b for b in bullets if b.strip()] if len(bullets) > 1 else [text]
    out = []
    for piece in pieces:
        item = flat(_BULLET.sub("", piece.strip()))
        # A lower-case start goes on from an item cut by a page break. A colon ends a lead-in, not an item, unless
        # the lead-in is itself a bullet ("◼ Services to care leavers, including:" over a sub-list).
        if item.endswith(":") and re.match(r"[\-–−•◼▪■●✓✔*]", piece.strip()):
            item = item.rstrip(":").strip()
        if len(item) > 12 and not item.endswith(":") and not (item[:1].islower() and len(pieces) == 1):
            out.append(item)
    return out


def _lines(found: Found, p: Passage) -> None:
    for m in _LINE.finditer(p.text):
        key, value = m.group("k").lower(), m.group("v")
        if key.startswith("inspection date") and not found.get("start"):
            span = first_span(value)
            if span:
                found.add("start", span.start, p.ordinal)
                found.add("end", span.end, p.ordinal)
        elif key.startswith(("date of", "dates of")):
            if not spans(value):  # "Not previously inspected"
                found.add("previous", value.strip(" ."), p.ordinal)
            for span in spans(value):
                revisit = re.search(r"revisit|monitoring", value[: span.at], re.IGNORECASE)
                found.add("previous", span.start, p.ordinal, "revisit" if revisit else "previous inspection")
        elif key in ("report published", "publication date"):
            span = first_span(value)
            if span and not found.get("published"):
                found.add("published", span.start, p.ordinal)
        elif key.startswith("lead inspector"):
            named = person(value)
            if named and not found.get("lead_inspector"):
                found.add("lead_inspector", named[0], p.ordinal)
        else:
            role = m.group("k").strip()
            for name in names_in(value):
                found.add("inspector", name, p.ordinal, role)


def _table(found: Found, p: Passage, heading: str) -> bool:
    """Judgement rows, team rows or priority actions from a table passage; True when it held any."""
    if _PRIORITY.match(heading):
        for action in priority_rows(p.text):
            found.add("priority_action", action, p.ordinal)
        return True
    rows = judgement_rows(p.text)
    for row in rows:
        if re.match(r"overall effectiveness", row.area, re.IGNORECASE):
            found.add("overall", row.grade, p.ordinal)
        else:
            found.add("judgement", row.grade, p.ordinal, row.area)
    header = [c for _, c in cells(p.text.split("\n")[0])]
    members = team(p.text) if rows == [] and (
        any(re.fullmatch(pattern, c) for c in header for _, pattern in INSPECTORATES) or "team" in heading.lower()
    ) else []
    for name, role, lead in members:
        found.add("lead_inspector" if lead else "inspector", name, p.ordinal, role)
    return bool(rows or members)


def _statements(found: Found, p: Passage, heading: str, before: Passage | None, cover: bool) -> None:
    """Overall, judgement, previous and requirement statements in the report's own sentences."""
    text = flat(p.text)
    low = text.lower()  # cheap tests first: most paragraphs hold none of these statements
    if not found.get("overall") and "services" in low:
        m = _SERVICES_ARE.search(re.split(r"(?<=\.)\s", text, maxsplit=1)[0])
        if m:
            found.add("overall", m.group("g") or m.group("r"), p.ordinal)
    # The older reports' cover lists the judgements as lines ("1. Children who need help and protection Requires
    # improvement"), some cut by the reader into an area line and a grade line.
    numbered = _NUMBERED_GRADE.match(text) if cover and len(text) < 160 else None
    if numbered:
        found.add("judgement", numbered.group("g"), p.ordinal, numbered.group("area"))
    elif cover and GRADE_RE.match(text) and before is not None and len(flat(before.text)) < 120:
        found.add("judgement", text.strip(" .:"), p.ordinal, re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", flat(before.text)))
    quiet = ("inspection" not in low and "visit" not in low) or _LINE.search(p.text)
    for m in _PREVIOUS.finditer("" if quiet else text):
        span = first_span(text[m.end(): m.end() + 40])
        if span and span.at == 0 and not re.search(r"\bnext\b|thematic|targeted", m.group(0), re.IGNORECASE):
            # What it found is in the same sentence or the next ("... was in October 2012. The local authority was
            # judged to be adequate.").
            after = re.split(r"(?<=\.)\s+", text[m.end():], maxsplit=2)
            judged = _JUDGED.search(" ".join(after[:2]) if len(after) > 1 and not first_span(after[1]) else after[0])
            found.add("previous", span.start, p.ordinal, judged.group("g") if judged else None)
    for m in _SINCE_JUDGED.finditer(text if "judged" in low else ""):
        span = first_span(text[m.end(): m.end() + 40])
        if span and span.at == 0:
            found.add("previous", span.start, p.ordinal, m.group("g"))
    if not _IMPROVE.match(heading) and ("plan" in low or "statement of action" in low):
        for m in _REQUIRE.finditer(text):
            found.add("requirement", m.group("what").strip(" ,"), p.ordinal)


def read_report(passages: list[Passage], kind: str, inspectorate: str, title: Passage) -> Found:
    """Everything the report or letter states about its inspection."""
    found = Found(primary=True, facts=[])
    found.add("kind", kind, title.ordinal)
    wanted = [n for n in ("Ofsted", "CQC") if n in inspectorate] or ["Ofsted"]
    named = next((p for p in passages if all(re.search(pat, p.text) for n, pat in INSPECTORATES if n in wanted)), None)
    if not inspectorate:  # a joint inspection by several inspectorates names them all in one place
        named = max(passages, key=lambda p: len(inspectorates_in(p.text)))
        inspectorate = ", ".join(inspectorates_in(named.text))
        inspectorate = " and ".join(inspectorate.rsplit(", ", 1))
    if named is not None:
        found.add("inspectorate", inspectorate, named.ordinal)
    head = passages[:4]
    first = next((p for p in head if re.match(r"^\s*\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\s*$", p.text.split("\n")[0])), None)
    if first is not None and any(re.search(r"^\s*Dear\b", p.text, re.MULTILINE) for p in passages[:8]):
        span = first_span(first.text.split("\n")[0])
        if span:
            found.add("letter_date", span.start, first.ordinal)
    outcome_done = False
    before: Passage | None = None
    weakness = False
    for n, p in enumerate(passages):
        heading = _heading(p)
        _lines(found, p)
        framework = _FRAMEWORK.search(p.text) if n < 15 or "about this inspection" in p.section.lower() else None
        if framework and not found.get("framework"):
            found.add("framework", framework.group("f").lower(), p.ordinal)
        if "\t" in p.text and _table(found, p, heading):
            if not found.get("overall"):
                _statements(found, p, heading, None, n < _COVER)
            before = p
            continue
        member = person(p.text) if "inspection team" in heading.lower() else None
        if member and is_inspector(member[1]):
            found.add("lead_inspector" if is_lead(member[1]) else "inspector", member[0], p.ordinal, member[1])
        for m in _TEAM.finditer(flat(p.text)):
            for name in names_in(m.group("names")):
                found.add("inspector", name, p.ordinal, "inspector")
        if p.kind == "heading" or _WEAKNESS.search(flat(p.text)):
            weakness = p.kind != "heading"
        for item in _items(p):
            if _IMPROVE.match(heading) and not _STRENGTH.match(heading):
                lscb = "safeguarding children board" in p.section.lower()
                found.add("improvement", item, p.ordinal, "Local Safeguarding Children Board" if lscb else None)
            elif _STRENGTH.match(heading):
                found.add("strength", item, p.ordinal)
            elif _PRIORITY.match(heading) or weakness and item != flat(p.text):
                found.add("priority_action", item, p.ordinal)
            elif _OUTCOME.match(heading) and not outcome_done:
                found.add("overall", item, p.ordinal)
                outcome_done = True
        _statements(found, p, heading, before, n < _COVER)
        before = p
    if not found.get("start"):
        _fieldwork(found, passages[:12])
    if kind == "ILACS" and not found.get("framework"):
        _framework_from_fieldwork(found)
    return found


def _framework_from_fieldwork(found: Found) -> None:
    """An ILACS report gives its fieldwork dates, not the word "short" or "standard": under the framework a short
    inspection is one week on site and a standard one two, so the dates decide it. Cited to the dates, and said to
    be derived in the detail; a span that is neither (a weekend-crossing week, a split visit) decides nothing."""
    start, end = found.get("start"), found.get("end")
    if not (start and end and len(start) == len(end) == 10):
        return
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    short, standard = SHORT_DAYS[0] <= days <= SHORT_DAYS[1], STANDARD_DAYS[0] <= days <= STANDARD_DAYS[1]
    framework = "short" if short else "standard" if standard else None
    cited = next(ordinal for field, _, ordinal, _ in found.facts if field == "end")
    found.add("framework", framework, cited, f"derived from fieldwork of {days} days ({DERIVED})")


def _fieldwork(found: Found, head: list[Passage]) -> None:
    """Fieldwork dates from a letter's opening ("Between 7 March 2022 and 11 March 2022, Ofsted and the CQC
    conducted a joint inspection"; "the monitoring visit to ... on 10 and 11 July 2018")."""
    for p in head:
        for sentence in re.split(r"(?<=[.!?])\s+", flat(p.text)):
            if not re.search(r"\b(?:inspect|visit)", sentence, re.IGNORECASE) or re.search(r"\bnext\b", sentence, re.I):
                continue
            span = next((s for s in spans(sentence) if s.end or len(s.start) == 10), None)
            if span:
                found.add("start", span.start, p.ordinal)
                found.add("end", span.end or span.start, p.ordinal)
                return
