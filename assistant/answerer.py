"""The answerer seam: a question frame and its ranked passages in, a cited Answer out; and the checks every
answerer shares, made before any answer is composed or any model is called.

The extractive answerer (assistant/extractive.py) and the LLM answerer (assistant/llm.py) both sit behind
`Answerer`; `decline_reason` is the one place that decides the papers do not answer the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from assistant.extractive import sentences, terms, tidy
from assistant.frame import Catalog, Frame, inspection_cue
from assistant.models import Answer
from assistant.rerank import SLOT_SHOWS
from index.search import Hit
from ingest.dates import MONTHS, find_dates

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
ABSTAIN_DEPTH = 5  # the passages whose scores decide whether the papers answer at all
_INSPECTION = re.compile(r"\b(inspect\w*|ofsted|cqc|visit)\b", re.I)
# A count or an amount, which "most" or "a few" does not give.
COUNT = re.compile(
    r"£\s*\d|\b\d[\d,.]*\s*(%|per ?cent)|\b(?!(?:19|20)\d{2}\b)\d[\d,.]*\d\b|\b\d+\s+(?!(?:" + _MONTHS + r")\b)[a-z]|"
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million)\b",
    re.I,
)
# "3 to 7 March 2025", "13-17 November", "March 2025": a day, a range of days or a month is no amount; nor is an
# age ("young people aged 16 and 17") the number of anything.
_DATED = re.compile(
    r"\baged\s+\d+(?:\s*(?:to|and|-|–)\s*\d+)?\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s*(?:to|-|–|and)\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+(?:{_MONTHS})\b(?:\s+\d{{4}})?|"
    rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?|\b(?:{_MONTHS})\s+\d{{4}}\b",
    re.I,
)
_MONTH_YEAR = re.compile(rf"\b({_MONTHS})\s+((?:19|20)\d{{2}})\b", re.I)
_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s?[-/–]\s?((?:19|20)?\d{2})\b")
_NUMBERED = re.compile(r"\b(amendment|recommendation|action|item|motion|priority)\s+(\d{1,2}(?:\.\d{1,2})?)\b", re.I)
# "How much did the council spend on ...", "what funding was allocated": an amount of money.
SPENDING = re.compile(
    r"\bhow much\b.*\b(spen[dt]|cost|fund\w*|budget|paid|pay|allocat\w*|overspen[dt]|grant|sav\w+)\b|"
    r"\b(spend|cost|budget|funding|overspend)\b.*\bhow much\b",
    re.I,
)
_DURATION = re.compile(r"\bhow long\b", re.I)
MONEY = re.compile(r"£\s*\d|\b\d[\d,.]*\s*(million|billion|bn|m|k)\b", re.I)
_COMMITTEE = re.compile(r"\b((?:[A-Z][\w&'’,-]*\s+){1,6}(?:Committee|Panel|Board|Forum|Partnership))\b")
# "Kent's Scrutiny Committee": the owner named before a body is not part of the body's name.
_OWNER = re.compile(r"^(?:[A-Z][\w&-]*\s+){0,3}[A-Z][\w&-]*['’]s\s+(?=\S+\s+\S)")


# "Who was the deputy lead inspector?": a role with a qualifier is not the role without it (the lead inspector).
_ROLE = re.compile(
    r"\b(deputy|vice|acting|interim|assistant|associate|former)[\s-]+((?:lead |chief |executive |corporate )?"
    r"(?:inspector|chair(?:man|woman|person)?|director|leader|head|manager|officer|chief executive))\b",
    re.I,
)


def _same_role(role: re.Match[str], text: str) -> bool:
    """Whether a passage names the qualified role ("Deputy Lead Inspector", "vice-chairman")."""
    return bool(re.search(rf"\b{role.group(1)}[\s-]+{re.escape(role.group(2))}", text, re.I))


class Answerer(Protocol):
    """Anything that turns a frame and its ranked passages into a cited Answer."""

    def answer(self, frame: Frame, question: str, query: str, hits: list[Hit]) -> Answer: ...


@dataclass(frozen=True)
class Thresholds:
    """Where the papers stop answering: chosen on the tune split by `python -m evals.calibrate`."""

    cosine: float  # the best passage's cosine with the question
    coverage: float  # the best passage's IDF-weighted share of the question's terms (BM25's own statistics)
    focus: float  # the share of the question's focus words a passage must hold, while holding the fact asked for


def missing_specifics(question: str, hits: list[Hit], bounds: tuple[int, ...] = ()) -> list[str]:
    """Years and figures the question names that none of the passages (nor their dates) contain.

    "How long was the autism wait in 2019?" must not be answered from a 2022 letter. A year that bounds a
    period ("since 2018") is not a specific the answer must hold.
    """
    wanted = set(re.findall(r"(?<![\w£])(?:19|20)\d{2}(?!\w)|£\s?[\d,]+|\b\d+(?:\.\d+)?%", question))
    wanted -= {str(y) for y in bounds}
    periods = {m.group(0): (m.group(1), m.group(2)[-2:]) for m in _PERIOD.finditer(question)}
    numbered = {m.group(0): (m.group(1), m.group(2)) for m in _NUMBERED.finditer(question)}
    if not (wanted or periods or numbered):
        return []
    seen = " ".join(
        f"{h.passage.text} {h.passage.part_date or ''} {h.doc.get('date') or ''} {h.passage.part_title or ''}"
        f" {h.doc.get('title') or ''} {h.passage.label}"
        for h in hits
    )
    missing = [w for w in wanted if w not in seen]
    # "2023-24": a financial or school year is the period named, whichever way a paper writes it.
    missing += [p for p, (a, b) in periods.items() if not re.search(rf"{a}\s?[-/–]\s?(?:20)?{b}\b", seen)]
    # "amendment 6", "recommendation 9": a numbered item the passages never number so is not in them.
    for n, (noun, no) in numbered.items():
        if not re.search(rf"\b{noun}s?\s+(?:no\.?\s*)?{no}\b", seen, re.I) and not _numbered_row(no, noun, hits):
            missing.append(n)
    # "the October 2024-25 report", "the July 2018 visit": that month named somewhere, or a paper of that month.
    dated = " ".join(f"{h.passage.part_date or ''} {h.doc.get('date') or ''}" for h in hits)
    for m in _MONTH_YEAR.finditer(question):
        month, year = m.group(1).lower(), m.group(2)
        number = f"{MONTHS[month]:02d}"
        if not re.search(rf"\b{month}\b", seen, re.I) and f"{year}-{number}" not in dated:
            missing.append(m.group(0))
    return sorted(missing)


def _numbered_row(no: str, noun: str, hits: list[Hit]) -> bool:
    """Whether a passage is the row a plan or table numbers so ("2.3 | Undertake dip sampling ..."): a dotted
    number opening a row, or any number opening a passage of the kind named (an action, a recommendation)."""
    row = re.compile(rf"^\s*{re.escape(no)}(?:\t|\s+\||\s*$)", re.M)
    return any(
        ("." in no or h.passage.kind == noun.lower()) and row.search(h.passage.text) for h in hits
    )


def focus_share(frame: Frame, hit: Hit) -> float:
    """The share of the question's focus words that a passage holds (with its heading and paper's title)."""
    focus = terms(" ".join(frame.focus))
    if not focus:
        return 1.0
    p = hit.passage
    held = terms(f"{p.text} {p.section} {p.part_title or ''} {hit.doc.get('title') or ''} {p.lead or ''}")
    return len(focus & held) / len(focus)


def fills_slot(frame: Frame, hit: Hit) -> bool:
    """Whether a passage holds the kind of fact asked for (a figure, a date, a name, a grade...)."""
    shows = SLOT_SHOWS.get(frame.slot)
    return True if shows is None else bool(shows.search(hit.passage.text))


def _unknown_bodies(question: str, catalog: Catalog, hits: list[Hit]) -> list[str]:
    """Committees or boards the question names that no indexed paper is from and no passage mentions."""
    seen = " ".join(h.passage.text for h in hits).lower()
    bodies = " ".join(catalog.bodies).lower()
    out = []
    for m in _COMMITTEE.finditer(question):
        name = re.sub(r"^(The|A|An|Did|Does|What|Which|When|Who|How)\s+", "", m.group(1).strip())
        name = _OWNER.sub("", name)
        core = name.lower()
        if core and core not in bodies and core not in seen:
            out.append(name)
    return out


@dataclass(frozen=True)
class Measures:
    """What the check reads off a question's passages, before any threshold is applied."""

    slot: str
    hard: str | None  # a reason that needs no threshold: a council, date, year, figure or body not in the papers
    cosine: float  # the best cosine among the top passages
    coverage: float  # the best IDF-weighted share of the question's terms among them
    focus: float  # the best share of focus words in a sentence (read with its heading) that holds the fact asked for


def measure(
    frame: Frame,
    hits: list[Hit],
    catalog: Catalog,
    coverage: float,
    mentioned: Callable[[str], bool] = bool,
    weights: dict[str, float] | None = None,
) -> Measures:
    """The check's measures of one question.

    `coverage` comes from Index.coverage over the top passages; `mentioned(phrase)` says whether any paper the
    caller may read holds the phrase (a committee the question names).
    """
    top = hits[:ABSTAIN_DEPTH]
    cosine = max((h.dense for h in hits if h.dense is not None), default=0.0)
    answering = [h for h in top if h.passage.kind not in ("heading", "contents")]
    focus = max((sentence_focus(frame, h, weights) for h in answering), default=0.0)
    return Measures(frame.slot, _hard_reason(frame, hits, catalog, mentioned), cosine, coverage, focus)


def sentence_focus(frame: Frame, hit: Hit, weights: dict[str, float] | None = None) -> float:
    """The best share of the focus words held by one sentence of the passage that holds the fact asked for,
    read with the passage's heading and paper title (a sentence under "Caseloads" is about caseloads).

    `weights` (word -> IDF) make a rare focus word count for more than a common one; equal weights without them.
    """
    weigh = {stem_of: (weights or {}).get(w, 1.0) for w in frame.focus for stem_of in terms(w)}
    focus = frozenset(weigh)
    if not focus:
        return 1.0 if fills_slot(frame, hit) else 0.0
    total = sum(weigh.values()) or 1.0
    p = hit.passage
    context = terms(f"{p.section} {p.part_title or ''} {hit.doc.get('title') or ''} {p.lead or ''}")
    shows = asked_amount(frame) or SLOT_SHOWS.get(frame.slot)
    best = 0.0
    for _, raw in sentences(p.text) or [(0, p.text)]:
        s = tidy(raw)  # a paragraph's own number is not a figure
        if shows is not None and not (holds_amount(shows, s) if frame.slot == "figure" else shows.search(s)):
            continue
        best = max(best, sum(weigh[w] for w in focus & (terms(s) | context)) / total)
    return best


def holds_amount(shows: re.Pattern[str], sentence: str) -> bool:
    """Whether a sentence holds what `shows` matches outside its dates and ages ("Inspection dates: 3 to 7 March
    2025" counts nothing)."""
    return bool(shows.search(_DATED.sub(" ", sentence)))


# "How many responses did ...", "how many children and young people in Suffolk had ...": what is counted, up to the
# first verb or preposition.
_COUNTED = re.compile(
    r"\bhow many\s+((?:(?!(?:did|do|does|were|was|are|is|had|have|has|will|would|could|in|of|at|for|on|from|with|"
    r"by|to|across|per)\b)[\w'’-]+\s*){1,4})",
    re.I,
)


def counts_what_was_asked(question: str, sentence: str) -> bool:
    """Whether a sentence counts what a "how many" question counts ("eight weeks" counts no responses); True for
    a question that counts nothing named."""
    m = _COUNTED.search(question)
    counted = terms(m.group(1)) if m else frozenset()
    return not counted or bool(counted & terms(sentence))


def of_year(frame: Frame, sentence: str, hit: Hit) -> bool:
    """Whether a sentence may be of the year the question names: the year stands in it, its passage, heading, part
    or paper (or the question names none, or only bounds a period: "since 2018")."""
    years = {str(y) for y in frame.years} - {str(frame.since), str(frame.until)}
    if not years:
        return True
    p, doc = hit.passage, hit.doc
    said = f"{sentence} {p.text} {p.section} {p.part_title} {p.part_date} {doc.get('date')} {doc.get('title')}"
    return any(y in said for y in years)


def lacks_what_was_asked(frame: Frame, said: list[tuple[str, Hit]]) -> str | None:
    """Why an answer (its sentences, each with the passage it cites) does not give the amount asked for, or None.
    The same check for every answerer: the extractive one's chosen sentences and a model's cited ones."""
    shows = asked_amount(frame)
    if not shows:
        return None
    if not any(holds_amount(shows, text) and counts_what_was_asked(frame.question, text) for text, _ in said):
        # "How many children ..." answered with "most children ...": the answer lacks what was asked for.
        return "no sentence of the answer holds the number asked for"
    if not any(holds_amount(shows, text) and of_year(frame, text, hit) for text, hit in said):
        # "How much was Kent allocated for 2023-24?" answered with the 2024-25 allocation.
        return "no amount in the answer is of the year asked for"
    return None


def asked_amount(frame: Frame) -> re.Pattern[str] | None:
    """What a sentence must hold to give the amount a question asks for: money for "how much was spent", a
    number for "how many" or "what was the average"; None for a question that asks for no amount, or for a
    duration, which two dates give ("how long was there between the two inspections?")."""
    if frame.slot == "figure" and SPENDING.search(frame.question):
        return MONEY
    if frame.slot == "figure" and not _DURATION.search(frame.question):
        return COUNT  # "what was the average caseload": a number, which "most children" does not give
    return None


def _hard_reason(frame: Frame, hits: list[Hit], catalog: Catalog, mentioned: Callable[[str], bool]) -> str | None:
    if not hits:
        return "no passage matched the question"
    if frame.unknown_councils and not frame.councils:
        return f"no indexed paper is from {', '.join(frame.unknown_councils)}"
    top = hits[:ABSTAIN_DEPTH]
    if frame.dates:
        # A question that names a meeting's or a paper's day is answered from that day's papers (or one citing it).
        if not any(of_days(h, frame.dates) for h in top):
            held = any(d in catalog.dates for d in frame.dates)
            return f"no passage from {'the' if held else 'any'} paper dated {', '.join(frame.dates)} holds this"
    bounds = tuple(y for y in (frame.since, frame.until) if y)
    missing = missing_specifics(frame.asked, hits, bounds)
    if missing:
        return f"no passage mentions {', '.join(missing)}"
    role = _ROLE.search(frame.asked)
    if role and frame.slot == "person" and not any(_same_role(role, h.passage.text) for h in top):
        return f"no passage names the {role.group(0).lower()}"
    unknown = [b for b in _unknown_bodies(frame.asked, catalog, top) if not mentioned(b)]
    if unknown:
        return f"no indexed paper is from or mentions {', '.join(unknown)}"
    missed = _inspection_not_held(frame, catalog) or _inspection_kind_not_held(frame, catalog, top)
    if missed:
        return missed
    return None


def _inspection_not_held(frame: Frame, catalog: Catalog) -> str | None:
    """A named council's inspection in a named year, when the papers hold that council's inspections but not
    that year's ("Camden's 2018 inspection" with only the 2025 report indexed)."""
    if not (frame.councils and frame.years and _INSPECTION.search(frame.asked)):
        return None
    asked = set(frame.years) - {frame.since, frame.until}
    for council in frame.councils:
        held = catalog.inspections.get(council)
        if held and asked and not asked & held:
            return f"no indexed inspection of {council} in {', '.join(map(str, sorted(asked)))}"
    return None


# A full inspection the frame names, and the kinds the record gives such a report (a monitoring or focused visit is
# left out: other papers report those more often than the inspectorate's own letter is indexed).
_KINDS = {
    "ILACS": frozenset({"ILACS", "single inspection framework", "re-inspection"}),
    "area SEND inspection": frozenset({"area SEND", "joint area SEND"}),
}


def _inspection_kind_not_held(frame: Frame, catalog: Catalog, top: list[Hit]) -> str | None:
    """A named council's inspection of a named kind, when the record holds that council's inspections but none of
    that kind and no top passage names it ("Bolton's last ILACS inspection" with only its area SEND report)."""
    kinds = _KINDS.get(frame.inspection or "")
    if not (kinds and len(frame.councils) == 1):  # two councils named may be two inspections of two kinds
        return None
    if any(inspection_cue(frame.inspection).search(h.passage.text) for h in top):
        return None
    held = catalog.inspection_kinds.get(frame.councils[0])
    if held and not held & kinds:
        return f"no indexed {frame.inspection} of {frame.councils[0]}"
    return None


def verdict(m: Measures, thresholds: Thresholds) -> str | None:
    """Why the papers do not answer, from the measures and the thresholds; None when they may."""
    if m.hard:
        return m.hard
    if m.cosine < thresholds.cosine or m.coverage < thresholds.coverage:
        return "the closest passages are about something else"
    if m.focus < thresholds.focus or m.focus == 0.0:
        return f"no passage holds the {m.slot if m.slot != 'general' else 'answer'} asked for"
    return None


def decline_reason(
    frame: Frame,
    hits: list[Hit],
    catalog: Catalog,
    thresholds: Thresholds,
    coverage: float,
    mentioned: Callable[[str], bool] = bool,
    weights: dict[str, float] | None = None,
) -> str | None:
    """Why the papers do not answer the question, or None when they may (see `measure`)."""
    return verdict(measure(frame, hits, catalog, coverage, mentioned, weights), thresholds)


def of_days(hit: Hit, days: tuple[str, ...]) -> bool:
    """Whether a passage is of one of these days (ISO): its paper's or pack part's date, or a date it names."""
    dated = hit.passage.part_date or hit.doc.get("date")
    return dated in days or any(d in days for _, d in find_dates(hit.passage.text))
