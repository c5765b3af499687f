"""The question frame: what a question asks for, about what, and which council, meeting, body or time it names.

Computed once per question from its words and from what the index holds (the catalog), so that retrieval can
keep to the council named, the reranker can prefer the meeting and the kind of fact asked for, and the answerer
can decline when a named year, meeting, body or council is nowhere in the papers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

from assistant.intent import wanted_kinds
from index.lexical import STOPWORDS
from ingest.councils import councils_in_question, gazetteer
from ingest.dates import DATE, find_dates

SLOTS = ("figure", "date", "person", "judgement", "list", "yesno", "reason", "status", "trend", "general")

# The first slot whose cue the question holds wins: order from the most to the least specific.
_SLOT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("trend", re.compile(r"\b(over the (years|period|last \w+ years)|trend|trajectory|changed? (since|between|over)|"
                         r"how (has|have) .{0,60}(changed|moved|improved|developed)|from \d{4} to \d{4}|"
                         r"between (19|20)\d{2} and (19|20)\d{2})\b", re.I)),
    ("person", re.compile(r"^\s*(who|whom|whose)\b|\b(who (was|were|is|are|chaired|led|attended|sent|declared|"
                          r"proposed|seconded|signed)|which (officer|councillor|member|members|inspector|person|"
                          r"people)|lead inspector|name of the|attended|attendance|apologies|"
                          r"chair(man|woman|ed)?\b|signator|present at)", re.I)),
    ("judgement", re.compile(r"\b(judge?ments?|judged|verdicts?|overall effectiveness|"
                             r"how (did|does|do) (ofsted|inspectors|cqc) (rate|judge|grade|assess))\b|"
                             r"\b(grade[ds]?|rated|rating)\b(?=.*\b(ofsted|cqc|inspect))",
                             re.I)),
    ("date", re.compile(r"^\s*when\b|\b(what|which) (date|day|year|month)\b|\bby when\b|\bdeadline\b|"
                        r"\bhow long ago\b|\bwhen (did|was|were|is|will)\b|\b(timetable|timescales?|timeline)\b",
                        re.I)),
    ("figure", re.compile(r"\bhow (many|much|long|often)\b|\b(what|which)( \w+){0,2} (number|percentage|proportion|"
                          r"average|share|rate|amount|sum|cost|budget|total|figure|level|value)\b|\bfigures?\b|"
                          r"\bper ?cent\b|%",
                          re.I)),
    ("list", re.compile(r"\b(list|what (are|were) the (\w+ ){0,2}(recommendations|actions|areas|strengths|weaknesses|"
                        r"priorities|findings|items|requirements|concerns)|which (recommendations|actions|areas|items|"
                        r"strengths|priorities|findings)|what (recommendations|actions|areas for|strengths|"
                        r"weaknesses|priorities|improvements|items)|(recommendations|actions|areas for improvement|"
                        r"areas for development|strengths|weaknesses) (did|were|was|are|does|do|has|have)\b|"
                        # "What areas did Ofsted review", "What routes are there": a plural asked for is a list
                        r"\b(what|which) (\w+ )?(?!\w+(ss|us)\b|(year|date|month|week|day|time)s\b)\w+s "
                        r"(did|do|does|are there|were there|have|has|had)\b)",
                        re.I)),
    ("status", re.compile(r"\b(progress|status|what (has|had) happened|what became|implemented|completed|"
                          r"on track|behind|late|overdue|RAG)\b", re.I)),
    ("reason", re.compile(r"^\s*why\b|\b(reason|because|what caused|cause of|explain)\b", re.I)),
    ("yesno", re.compile(r"^\s*(is|are|was|were|did|does|do|has|have|had|can|could|will|would|should)\b", re.I)),
)
_TEMPORAL = (
    # "last" as an adjective ("the last inspection", "last year"), never as a verb or an adverb ("how long did it
    # last", "since the system was last reviewed")
    ("latest", re.compile(r"\b(latest|most recent|current(ly)?|now|newest|this year)\b|\b(the|its|their|our|this|"
                          r"that|his|her)\s+last\b(?!\s+(?:for|long)\b)|^\s*last\b|\blast\s+(year|month|week|time|"
                          r"inspection|visit|meeting|report|ofsted|full|two|three|four|five|few|"
                          r"inspected|visited|rated|judged)\b", re.I)),
    ("earliest", re.compile(r"\b(first|earliest|original(ly)?|previous|before)\b", re.I)),
    ("trend", re.compile(r"\b(over the years|trend|trajectory|since|between (19|20)\d{2} and)\b", re.I)),
)
_YEAR = re.compile(r"(?<![\w£.])((?:19|20)\d{2})(?:[-/](\d{2}))?(?![\w%])")
_SINCE = re.compile(r"\b(since|from|after)\s+(?:the\s+|its\s+)?((?:19|20)\d{2})\b", re.I)
_UNTIL = re.compile(r"\b(before|until|by|up to)\s+(?:the\s+|its\s+)?((?:19|20)\d{2})\b", re.I)
_FIGURE = re.compile(r"£\s?[\d,]+(?:\.\d+)?(?:m|bn|k)?|\b\d+(?:\.\d+)?%|\b\d{1,3}(?:,\d{3})+\b")
_INSPECTIONS = (
    ("monitoring visit", re.compile(r"\bmonitoring visits?\b", re.I)),
    ("focused visit", re.compile(r"\bfocused visits?\b", re.I)),
    ("area SEND inspection", re.compile(r"\b(area |joint |local area )?SEND inspections?\b|\bSEND (area )?"
                                        r"inspection", re.I)),
    ("ILACS", re.compile(r"\b(ILACS|inspection of (local authority )?children'?s services|children'?s services "
                         r"inspection|single inspection)\b", re.I)),
)


def inspection_cue(name: str) -> re.Pattern[str]:
    """The words that name an inspection of this kind ("area SEND inspection", "ILACS")."""
    return dict(_INSPECTIONS)[name]


_DOC_TYPES = (
    ("minutes", re.compile(r"\bminutes\b", re.I)),
    ("agenda", re.compile(r"\bagenda\b", re.I)),
    ("inspection report", re.compile(r"\b(inspection|inspectors?|ofsted|cqc)\b", re.I)),
    ("inquiry report", re.compile(r"\binquiry\b", re.I)),
    ("decision", re.compile(r"\b(decision|proposed record)\b", re.I)),
)
# The papers' own word for a question's: minutes say "Chairman" and "Present", reports "Lead inspector".
_PAPERS_WORDS = {
    "led": ("lead",),
    "chaired": ("chairman",),
    "chair": ("chairman",),
    "chairs": ("chairman",),
    "attended": ("present",),
    "attendance": ("present",),
    "absent": ("apologies",),
    "apology": ("apologies",),
    "declared": ("declaration",),
    "seconded": ("seconded", "proposed"),
    "proposed": ("proposed", "seconded"),
    "grade": ("judgement",),
    "rated": ("judgement",),
    "verdict": ("judgement", "overall"),
    "visited": ("inspection", "dates"),
    "visit": ("inspection", "dates"),
    "fieldwork": ("inspection", "dates"),
}
# Words that say what kind of answer is wanted or where to look, not what it is about.
_FRAME_WORDS = frozenset(
    """what which who whom whose when where why how many much long often did does do is are was were has have had
    say said tell told mention mentioned give given find found list name named according paper papers report reports
    council councils committee meeting inspection inspectors ofsted cqc year years date dates day month
    latest current recent previous last first happen happened happens become became""".split()
)


@dataclass(frozen=True)
class Catalog:
    """What the index holds that a question may name: councils, bodies, and the dates of papers and parts."""

    councils: frozenset[str] = frozenset()
    bodies: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()  # ISO dates of documents and of pack parts (meetings, letters)
    inspections: dict[str, frozenset[int]] = field(default_factory=dict)  # council -> years it was inspected
    inspection_kinds: dict[str, frozenset[str]] = field(default_factory=dict)  # council -> "ILACS", "area SEND"...


@dataclass(frozen=True)
class Frame:
    """A question's slot, focus and the references it makes, resolved against the catalog."""

    question: str
    slot: str
    focus: tuple[str, ...]  # the words the answer must be about ("turnover", "rate"), lower case
    councils: tuple[str, ...] = ()  # named and indexed (canonical names)
    unknown_councils: tuple[str, ...] = ()  # named but holding no paper in the index
    dates: tuple[str, ...] = ()  # full dates named (ISO)
    years: tuple[int, ...] = ()
    since: int | None = None
    until: int | None = None
    bodies: tuple[str, ...] = ()  # indexed bodies the question names
    doc_types: tuple[str, ...] = ()
    inspection: str | None = None  # the kind of inspection named
    temporal: str | None = None  # latest | earliest | trend
    figures: tuple[str, ...] = ()  # amounts and percentages named
    kinds: frozenset[str] = field(default_factory=frozenset)  # passage kinds the words point to
    expand: tuple[str, ...] = ()  # the papers' words for the question's, added to the lexical search
    council_words: tuple[str, ...] = ()  # the words of the councils named ("camden", "borough"...)
    stated: str = ""  # what the question states before it asks: searched with, not a specific the answer must hold

    @property
    def asked(self) -> str:
        """The question without the statement it opens with: the years, figures and bodies an answer must hold."""
        return self.question.replace(self.stated, "", 1) if self.stated else self.question

    @cached_property  # read for every fact row the record matches: the question is scanned once
    def years_held(self) -> frozenset[int]:
        """The years named, with the second year of each financial year ("2024-25" runs into 2025): a paper or
        meeting of either year may be the one meant."""
        held = set(self.years)
        for m in _YEAR.finditer(self.question):
            first, second = int(m.group(1)), m.group(2)
            if second and int(second) == (first + 1) % 100:
                held.add(first + 1)
        return frozenset(held)

    @property
    def references(self) -> bool:
        """Whether the question names anything specific to resolve (a date, year, body or council)."""
        return bool(self.dates or self.years or self.bodies or self.councils or self.unknown_councils)


@lru_cache(maxsize=1)
def _all_councils() -> frozenset[str]:
    g = gazetteer()
    return frozenset(c for hits in g.full.values() for c in hits)


_SECOND_ASK = re.compile(
    r",?\s+and\s+(?=(?:(?:by|at|in|on|for|from|to|with|of)\s+)?"
    r"(?:who|whom|what|which|when|where|why|how|did|does|do|has|have|had|was|were|is|are)\b)",
    re.I,
)


_NO_VERB = re.compile(r"^(?:how (?:much|many)|what|which)(?:\s+(?!\w+ed\b)[\w'’-]+)*\s*$", re.I)  # a noun phrase
_VERB = re.compile(r"\b(did|does|do|has|have|had|was|were|is|are|will|would|can|could|should)\b", re.I)
# The predicate the second ask shares with a first that has none: "How much extra investment and how many posts
# did Wigan put into children's services?" asks "How much extra investment did Wigan put into children's services?"
_PREDICATE = re.compile(r"^(?:how \w+|what|which|who|whom)\b.*?\b(?P<rest>(?:did|does|do|has|have|had|was|were|is|"
                        r"are|will)\b.*)$", re.I)


def asks(question: str) -> list[str]:
    """A question that asks two things ("Who chaired it, and who was vice-chairman?") as its two asks; else itself."""
    pieces = [p.strip(" ,;") for p in _SECOND_ASK.split(question) if p and p.strip(" ,;")]
    if len(pieces) < 2 or any(len(p.split()) < 3 for p in pieces):
        return [question]
    shared = _PREDICATE.match(pieces[-1])
    if len(pieces) == 2 and shared and _NO_VERB.match(pieces[0]) and not _VERB.search(pieces[0]):
        pieces[0] = f"{pieces[0]} {shared.group('rest')}"
    return [pieces[0] if pieces[0].endswith("?") else pieces[0] + "?", *pieces[1:]]


_ASK_OPENS = r"(?:who|whom|whose|what|which|when|where|why|how|did|does|do|has|have|had|was|were|is|are|can|will)\b"
# "Kent asked in January 2025 to join the programme. What happened?": a statement, then the question about it.
_PREMISE = re.compile(rf"^(?P<premise>(?!{_ASK_OPENS})[^?]{{20,}}?)(?:[.;:]\s+)(?P<ask>{_ASK_OPENS}[^?]*\?)\s*$", re.I)
# An ask about what came of the statement: its answer is in a later paper than the one the statement is from.
_FOLLOWED = re.compile(
    r"\b(happen(ed|s)?|came of|became|become|outcome|result(ed)?|since then|followed?|go(ne)? ahead|went ahead|"
    r"conclude[ds]?|decided|decision|response|respond(ed)?|now)\b",
    re.I,
)
_EARLIER = re.compile(r"\b(before|previous(ly)?|earlier|prior|first|originally|used to)\b", re.I)
_MONTH_YEAR = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+((?:19|20)\d{2})\b",
    re.I,
)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


@dataclass(frozen=True)
class Premise:
    """What a question states before it asks ("Kent asked in January 2025 to join ...") and what it asks ("What
    happened?"); when the ask is about what came of it, the day after the latest time the statement names."""

    text: str
    ask: str
    since: str | None  # ISO date: after the statement's day, month ("January 2025") or year


def premise(question: str) -> Premise | None:
    """The statement a question opens with and its ask, or None when it opens by asking."""
    m = _PREMISE.match(question.strip())
    if not m:
        return None
    text, ask = m.group("premise").strip(), m.group("ask").strip()
    if not _FOLLOWED.search(ask) or _EARLIER.search(ask):
        return Premise(text, ask, None)
    after = [(date.fromisoformat(d) + timedelta(days=1)).isoformat() for _, d in find_dates(text)]
    for month, year in _MONTH_YEAR.findall(text):
        n = _MONTHS.index(month.lower()) + 1
        after.append(f"{int(year) + n // 12}-{n % 12 + 1:02d}-01")
    after += [f"{int(y.group(1)) + 1}-01-01" for y in _YEAR.finditer(text) if not _MONTH_YEAR.search(text)]
    return Premise(text, ask, max(after) if after else None)


def slot_of(question: str) -> str:
    """The kind of fact the question asks for (one of SLOTS)."""
    return next((slot for slot, cue in _SLOT_CUES if cue.search(question)), "general")


def _bodies(question: str, known: frozenset[str]) -> tuple[str, ...]:
    """Indexed bodies the question names: all the body's distinctive words appear in the question."""
    q = question.lower()
    out = []
    for body in sorted(known):
        words = [w for w in re.findall(r"[a-z]+", body.lower()) if w not in ("and", "the", "of", "s")]
        if words and all(re.search(rf"\b{w}", q) for w in words):
            out.append(body)
    # "the County Council" names the body "County Council", not every body with "Council" in it.
    return tuple(b for b in out if not any(b != o and b.lower() in o.lower() for o in out))


def _focus(question: str, drop: set[str]) -> tuple[str, ...]:
    """The question's content words, without those that only say where to look or what kind of answer."""
    out: list[str] = []
    for w in re.findall(r"[A-Za-z][A-Za-z'’-]+|\d+(?:\.\d+)?%?", question):
        low = re.sub(r"['’]s$", "", w.lower())
        if low in STOPWORDS or low in _FRAME_WORDS or low in drop or len(low) < 3 and not low.isdigit():
            continue
        if _YEAR.fullmatch(low):
            continue
        if low not in out:
            out.append(low)
    return tuple(out)


def frame(question: str, catalog: Catalog) -> Frame:
    """The frame of one question against what the index holds."""
    named = councils_in_question(question, set(_all_councils()))
    councils = tuple(c for c in named if c in catalog.councils)
    unknown = tuple(c for c in named if c not in catalog.councils)
    dates = tuple(d for _, d in find_dates(question))
    years = tuple(sorted({int(m.group(1)) for m in _YEAR.finditer(question)}))
    since = next((int(m.group(2)) for m in _SINCE.finditer(question)), None)
    until = next((int(m.group(2)) for m in _UNTIL.finditer(question)), None)
    bodies = _bodies(question, catalog.bodies)
    inspection = next((name for name, cue in _INSPECTIONS if cue.search(question)), None)
    temporal = next((name for name, cue in _TEMPORAL if cue.search(question)), None)
    doc_types = tuple(name for name, cue in _DOC_TYPES if cue.search(question))
    drop = {w.lower() for name in (*named, *bodies) for w in re.findall(r"[A-Za-z]+", name)}
    drop |= {w.lower() for m in DATE.finditer(question) for w in m.group(0).split()}
    drop |= {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "local", "authority", "borough", "county", "city", "metropolitan", "district",
             "ilacs"}  # the inspection's kind, a reference (Frame.inspection): its reports never use the acronym
    return Frame(
        question=question,
        slot=slot_of(question),
        focus=_focus(question, drop),
        councils=councils,
        unknown_councils=unknown,
        dates=dates,
        years=years,
        since=since,
        until=until,
        bodies=bodies,
        doc_types=doc_types,
        inspection=inspection,
        temporal=temporal,
        figures=tuple(m.group(0) for m in _FIGURE.finditer(question)),
        kinds=frozenset(wanted_kinds(question)),
        expand=tuple(dict.fromkeys(w for word in re.findall(r"[a-z]+", question.lower())
                                   for w in _PAPERS_WORDS.get(word, ()))),
        council_words=tuple(sorted({w.lower() for c in named for w in re.findall(r"[A-Za-z]+", c)}
                                   & set(re.findall(r"[a-z]+", question.lower())))),
    )
