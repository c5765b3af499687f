"""Inspections as a council's own paper reports them, read sentence by sentence.

A sentence states an inspection when it names one ("re-inspection", "monitoring visit", "inspected", "Ofsted
report") by an inspectorate (in the sentence, or in its section's heading or pack part), and says when it was, what
it found, or that it was carried out. What is to come ("the next monitoring visit on 11 and 12 December 2018", "the
inspection expected in Q4 2021") and what is about schools or other providers are not the council's inspection.
A sentence that gives a grade or a publication date without naming the inspection ("the service was found to be
inadequate in 2014", "(Ofsted, February 2022)") speaks of its section's inspection, the first one the section dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Passage
from ingest.record.inspection_tables import judgement_rows
from ingest.record.inspection_terms import GRADE, Found, Span, Stated, flat, inspectorates_in, spans

_NOUN = re.compile(r"\b(?:re-?inspection|inspection|inspected|monitoring visit|focused visit|Ofsted\s+report)\b",
                   re.IGNORECASE)
_OTHERS = re.compile(r"\bschools?\b|\bacadem(?:y|ies)\b|\bnurser(?:y|ies)\b|\bcolleges?\b|\bproviders?\b|\bsettings?\b|"
                     r"\bchildminders?\b|\bhomes?\b|\bhospitals?\b|\bGP\b|\bpractices\b|\bprisons?\b|"
                     r"\bplanning inspector|\bhighways?\b|\bfire\b", re.IGNORECASE)
_NOT_EVENT = re.compile(r"^\s*(?:judgements?|framework|handbook|team|activity|programme|regime|preparation|"
                        r"readiness|improvement|action plan|findings|outcome report)\b", re.IGNORECASE)
_FUTURE = re.compile(r"(?:\b(?:next|forthcoming|upcoming|future|potential|possible|expected|anticipated|planned|"
                     r"preparing for|prepare for|preparation for|due to|will|would|face|facing|ahead of)\b|post-)"
                     r"[^.;,]{0,40}$", re.IGNORECASE)
_FUTURE_AFTER = re.compile(r"^[^.;]{0,30}?\b(?:expected|is due|are due|will take place|anticipated)\b", re.IGNORECASE)
_PRIOR = re.compile(r"\b(?:last|previous|prior|earlier|preceding)\b[\w\s’'()-]{0,30}$", re.IGNORECASE)
_DONE = re.compile(r"\b(?:conducted|carried out|took place|undertook|undertaken|completed|visited)\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:\bpublished\s+(?:on\s+|in\s+)?|\breport\s*\(|\(Ofsted,?\s+)$", re.IGNORECASE)
_LINK = re.compile(r"\b(?:in|on|between|during|from|of|dated|since|until)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?\s*)?$",
                   re.IGNORECASE)
_Q = r"['‘\"“]?"
# "the Care Leaving Service requiring improvement to be good", "the impact of leaders judged to be Outstanding"
_JUDGEMENT = re.compile(rf"(?:\b(?:the\s+)?(?P<a>[A-Z][A-Za-z’' ]{{2,50}}?)|\bthe\s+(?P<b>[a-z][A-Za-z’' ]{{2,50}}?))"
                        rf"\s+(?:(?:was|were|is|are)\s+)?(?:judged\s+(?:to\s+be\s+|as\s+)?|rated\s+(?:as\s+)?|"
                        rf"(?=requiring\s)){_Q}(?P<g>(?i:{GRADE}))")
_OVERALL = tuple(re.compile(p, re.IGNORECASE) for p in (
    rf"\bjudged\s+(?:the\s+)?(?:overall\s+)?(?:service|services|it|them)?\s*(?:overall\s+)?(?:to\s+be|as)\s+{_Q}"
    rf"(?P<g>{GRADE})",
    rf"\bfound\s+(?:the\s+(?:service|services|council)\s+|it\s+|them\s+)?to\s+be\s+{_Q}(?P<g>{GRADE})",
    rf"\bresulted\s+in\s+an?\s+{_Q}(?P<g>{GRADE})['’\"”]?\s+(?:rating|judgement|grade)",
    rf"\b(?:rated|graded|ranked)\s+(?:the\s+service\s+)?(?:as\s+)?{_Q}(?P<g>{GRADE})",
    r"\bwith\s+the\s+outcome\s+['‘\"“](?P<g>[^'’\"”]{3,60})['’\"”]",
    rf"\bfrom\s+{_Q}{GRADE}['’\"”]?\s+to\s+{_Q}(?P<g>{GRADE})",
    r"\b(?P<g>require(?:s|d)?\s+(?:further\s+)?improvements?\s+to\s+be\s+good)",
))
_ABOUT = re.compile(r"\b(?:ofsted|cqc|care quality commission|inspect\w*|services?|report)\b",
                    re.IGNORECASE)  # a grade said without naming the inspection must still be about it
_NOT_AREA = re.compile(r"^(?:the\s+)?(?:overall|it|they|council|authority|local authority|services?|children[’']s "
                       r"services)\b|\b(?:has|have|had|ofsted|inspectors?)\b", re.IGNORECASE)
_IN_YEAR = re.compile(r"^['’\"”]?\s+in\s+((?:19|20)\d{2})\b")
_RECS_TITLE = re.compile(r"(?:ofsted|inspection)\b.{0,80}\brecommendations\s*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*[\-–•◼▪*]?\s*\(?\d{1,2}[.)]\s+(?P<t>[A-Z].+)", re.DOTALL)


@dataclass
class _Event:
    """One inspection a sentence names, with what that sentence says of it."""

    ordinal: int
    prior: bool
    done: bool  # the sentence says it was carried out, or what it found
    facts: list[Stated]

    def dated(self) -> bool:
        return any(f in ("start", "published") for f, _, _, _ in self.facts)


def _kind(noun: str, near: str) -> str | None:
    n = noun.lower()
    if "visit" in n:
        return n.replace("  ", " ")
    if re.search(r"\bSEND\b|special educational needs", near, re.IGNORECASE):
        return "joint area SEND" if re.search(r"\bjoint\b", near, re.IGNORECASE) else "area SEND"
    if re.search(r"\bILACS\b|inspections? of local authority children", near, re.IGNORECASE):
        return "ILACS"
    if re.search(r"single inspection framework|\bSIF\b|children in need of help and protection, children looked "
                 r"after and care leavers", near, re.IGNORECASE):
        return "single inspection framework"
    return "re-inspection" if n.startswith("re") else None


def _statements(sentence: str, ordinal: int) -> list[Stated]:
    """Grades, judgements, publication dates and earlier inspections a sentence states."""
    out: list[Stated] = []
    taken: list[tuple[int, int]] = []
    for m in _JUDGEMENT.finditer(sentence):
        area = m.group("a") or m.group("b")
        if not _NOT_AREA.search(area):
            out.append(("judgement", m.group("g"), ordinal, area))
            taken.append(m.span())
    for pattern in _OVERALL:
        for m in pattern.finditer(sentence):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            year = _IN_YEAR.match(sentence[m.end():])
            out.append(("previous", year.group(1), ordinal, m.group("g")) if year else ("overall", m.group("g"),
                                                                                          ordinal, None))
    for s in spans(sentence):
        if _PUBLISHED.search(sentence[: s.at]):
            out.append(("published", s.start, ordinal, None))
    return out


def _linked(sentence: str, s: Span) -> bool:
    """Whether a date is tied to what precedes it ("in November 2017", "took place on", "between the", "end of")."""
    return bool(_LINK.search(sentence[: s.at]))


def _date(sentence: str, begin: int, at: int, stop: int, alone: bool, reach: int) -> Span | None:
    """The date that goes with the inspection named at sentence[begin:at]: after it, or just before it when it is
    the sentence's only one ("Between 7 and 11 March 2022, Ofsted and the CQC inspected", "The 2018 Ofsted report")."""
    after = [s for s in spans(sentence[:stop]) if s.at >= at and _linked(sentence, s)
             and not _PUBLISHED.search(sentence[: s.at])]
    before = [s for s in spans(sentence[:begin]) if 0 <= begin - s.stop <= reach and ":" not in sentence[s.stop: begin]
              and (reach <= 12 or _linked(sentence, s)) and not _PUBLISHED.search(sentence[: s.at])] if alone else []
    return after[0] if after else before[-1] if before else None


def _events(sentence: str, ordinal: int, context: str) -> tuple[list[_Event], bool]:
    """The inspections a sentence names, and whether it names any at all (even ones to come)."""
    if _OTHERS.search(sentence):
        return [], True
    nouns = list(_NOUN.finditer(sentence))
    out = []
    for i, m in enumerate(nouns):
        stop = nouns[i + 1].start() if i + 1 < len(nouns) else len(sentence)
        before, after = sentence[max(0, m.start() - 60): m.start()], sentence[m.end(): stop]
        if _NOT_EVENT.match(after) or _FUTURE.search(before) or _FUTURE_AFTER.match(after):
            continue
        names = inspectorates_in(before + m.group(0) + after) or inspectorates_in(sentence) or inspectorates_in(context)
        event = _Event(ordinal, bool(_PRIOR.search(before)), bool(_DONE.search(sentence) or _statements(sentence, 0)),
                       [])
        if names:  # without one, the words can only be about the inspection its section already named
            event.facts.append(("inspectorate", " and ".join(n for n in names if n in ("Ofsted", "CQC")) or names[0],
                                ordinal, None))
        kind = _kind(m.group(0), before + m.group(0) + after)
        if kind:
            event.facts.append(("kind", kind, ordinal, None))
        report = "report" in m.group(0).lower()
        # A date before the naming goes with it only in "Between 7 and 11 March 2022, Ofsted inspected" or "the
        # 2018 Ofsted report"; before "inspection" it is some other date ("Date: 12 June 2024 Title: ... inspection").
        reach = 12 if report else 60 if m.group(0).lower() == "inspected" else -1
        when = _date(sentence, m.start(), m.end(), stop, len(nouns) == 1, reach)
        for s in spans(sentence[:stop]):
            if s.at >= m.end() and _PUBLISHED.search(sentence[m.end(): s.at]):
                event.facts.append(("published", s.start, ordinal, None))
        if when and report:
            event.facts.append(("published", when.start, ordinal, None))
        elif when:
            event.facts.append(("start", when.start, ordinal, None))
            if when.end:
                event.facts.append(("end", when.end, ordinal, None))
        out.append(event)
    # "the outcome of the Ofsted inspection of the local area SEND provision, carried out between 28 February and
    # 11 March 2022": where one inspection is named twice, the dated naming stands for both.
    dated = [e for e in out if e.dated()]
    out = [e for e in out if e.dated() or not any(_kind_of(e.facts) in (None, _kind_of(d.facts)) for d in dated)]
    return out, bool(nouns)


def _recommendations(run: list[Passage], i: int) -> list[Stated]:
    """The items listed under a title like "Ofsted Re-Inspection Report (29th January 2018) Recommendations"."""
    out: list[Stated] = []
    for p in run[i + 1:]:
        text = p.text.strip()
        item = _LIST_ITEM.match(text)
        if item and p.kind != "heading":
            out.append(("improvement", flat(item.group("t")), p.ordinal, None))
        elif not (text.endswith(":") and not out):
            break
    return out


def _kind_of(facts: list[Stated]) -> str | None:
    kind = next((v for f, v, _, _ in facts if f == "kind"), None)
    return None if kind == "re-inspection" else kind  # a re-inspection is of the framework the section names


def _route(event: _Event, current: _Event | None) -> str:
    """Where a naming goes: "prior" (an earlier inspection), "current" (the section's inspection, first named),
    "new" (another inspection), or "same" (the section's inspection named again)."""
    named = any(f == "inspectorate" for f, _, _, _ in event.facts)
    kind = _kind_of(event.facts)
    if event.prior:
        return "prior"
    if current is None:
        return "current" if named and (event.dated() or kind and event.done) else "same"
    if not named:
        return "same"
    start, now = _get(event, "start"), _get(current, "start")
    if start and now and not kind and start[:4] < now[:4] and len(event.facts) <= 2:
        return "prior"  # "the action plans from the 2017 inspection", in a section about the 2021 one
    if event.dated() and not _covers(event, current) or kind and event.done and kind != _kind_of(current.facts):
        return "new"
    return "same"


def _get(event: _Event, name: str) -> str | None:
    return next((v for f, v, _, _ in event.facts if f == name), None)


def _covers(a: _Event, b: _Event) -> bool:
    """Whether a's dates can be b's ("2017-11" and "2017-11-06"); a report date is not a fieldwork date."""
    for name in ("start", "published"):
        x, y = _get(a, name), _get(b, name)
        if x and y:
            return x[: min(len(x), len(y))] == y[: min(len(x), len(y))]
    return False


def read_mentions(run: list[Passage]) -> list[Found]:
    """The inspections a council paper (or one part of a pack) reports, one account per section and inspection."""
    found: list[Found] = []
    prior: list[_Event] = []
    section: tuple[str | None, str] | None = None
    current: _Event | None = None
    pending: list[Stated] = []

    def close() -> None:
        if current is not None:
            found.append(Found(False, current.facts + pending))

    for i, p in enumerate(run):
        if (p.part_title, p.section) != section:
            close()
            section, current, pending = (p.part_title, p.section), None, []
        context = f"{p.part_title or ''} {p.section}"
        rows = judgement_rows(p.text) if "\t" in p.text else []
        if len(rows) >= 2:  # a council's copy of the report's judgement table
            said = [("overall", r.grade, p.ordinal, None) if re.match(r"overall", r.area, re.IGNORECASE) else
                    ("judgement", r.grade, p.ordinal, r.area) for r in rows]
            (current.facts if current is not None else pending).extend(said)
            continue
        for sentence in re.split(r"(?<=[.!?”])\s+(?=[A-Z“\"‘(])", flat(p.text)):
            events, named = _events(sentence, p.ordinal, context)
            said = _statements(sentence, p.ordinal) if events or not named and _ABOUT.search(sentence) else []
            own: list[Stated] | None = None  # the account this sentence's words go to
            for event in events:
                route = _route(event, current)
                if route == "prior":
                    # An earlier inspection: a paper that names no other keeps it; otherwise it is the "previous".
                    event.facts += said
                    prior.append(event)
                    when, grade = _get(event, "start"), next((v for f, v, _, _ in said if f == "overall"), None)
                    said = [x for x in said if x[0] != "overall"] + ([("previous", when, p.ordinal, grade)] if when
                                                                     else [])
                elif route == "current":
                    current = event
                    own = current.facts
                elif route == "new":
                    found.append(Found(False, event.facts))
                    own = found[-1].facts
                else:
                    said = [x for x in event.facts if x[0] not in ("inspectorate", "kind")] + said
            if own is None and current is not None:
                own = current.facts
            if own is not None:
                own += said
            else:
                pending += said
        if _RECS_TITLE.search(flat(p.text)) and len(p.text) < 200:
            pending += _recommendations(run, i)
    close()
    if not found:
        # A paper that mentions only an earlier inspection ("the last full inspection in November 2017") records it.
        found = [Found(False, e.facts) for e in prior if len(e.facts) > 1 and _get(e, "inspectorate")]
    return found
