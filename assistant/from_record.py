"""Passages the council's record points at for a question: who attended, what Ofsted judged, what was recommended.

When the question frame asks for something the record holds (a meeting's attendance, an inspection's judgement,
lead inspector or dates, a paper's recommendations or actions), the facts that match the named council, meeting
date, body and year are found, and the passages they cite lead the ranked list the answerer reads. The answer
then quotes those passages as it would any other; when the record has nothing the ranking is left as it was.
"""

from __future__ import annotations

import re

from assistant.extractive import terms
from assistant.frame import Frame
from index.search import Hit
from ingest.parents import REACH, item_number, sub_number
from ingest.store import Store

MAX_PASSAGES = 6  # of the record's, put first
# Fields a paper gives as a list of items (areas to improve, strengths, recommendations): answered as a list.
LISTED_FIELDS = frozenset({"improvement", "priority_action", "strength", "text"})


def _cue(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# (entity, fields, cue): a question whose words match the cue wants those fields of that entity.
# Who a paper is from (ingest/record/papers.py), each asked for in its own words: "who wrote and who was the
# contact officer" asks for two of them, "who is the contact officer" for one.
_PAPER_CUES = {
    "author": _cue(r"\bwho wrote\b|\bwritten by\b|\bauthor(s|ed)?\b"),  # never "authority"
    "contact_officer": _cue(r"\bcontact officer"),
    "contributor": _cue(r"\bcontribut"),
    "sign_off": _cue(r"\bsign(ed)?[- ]?off"),
    "lead_officer": _cue(r"\blead (person|officer|director)s?\b|\blocal authority lead\b|\brelevant director"),
}
PAPER_ROLES = tuple(_PAPER_CUES)

_WANTS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("meeting", ("apology",), _cue(r"\bapolog|\babsent\b|\bsent apologies\b")),
    ("meeting", ("substitute",), _cue(r"\bsubstitut|\bstood in\b|\binstead of\b")),
    ("meeting", ("declaration",), _cue(r"\bdeclar|\binterests?\b")),
    ("meeting", ("chair", "vice_chair", "present"), _cue(r"\bchair(ed|man|woman|ing)?\b|\bvice.chair")),
    ("meeting", ("present", "chair", "vice_chair"), _cue(r"\battend|\bpresent\b|\bwho (was|were) at\b")),
    ("meeting", ("officer",), _cue(r"\bofficers?\b.*\b(attend|present)|\bin attendance\b")),
    ("meeting", ("voted", "vote"), _cue(r"\bvot(e|ed|ing)\b|\bagainst\b|\babstain")),
    ("meeting", ("resolution",), _cue(r"\bresolv|\bdecided?\b|\bdecisions?\b|\bagreed?\b")),
    ("inspection", ("lead_inspector", "inspector"), _cue(r"\blead inspector\b|\bled\b|\binspectors? (was|were)\b")),
    (
        "inspection",
        ("overall", "judgement"),
        _cue(r"\bjudge?ment|\bjudged?\b|\bgrade|\brat(ed?|ing)\b|\boverall|\bverdict"),
    ),
    ("inspection", ("overall",), _cue(r"\boutcome")),
    ("inspection", ("start", "end"), _cue(r"\bwhen\b.*\b(inspect|visit)|\binspection dates?\b|\bfieldwork\b")),
    ("inspection", ("improvement", "priority_action"), _cue(r"\bimprove|\bweakness|\bpriority action")),
    (
        "inspection",
        ("strength",),
        _cue(r"\bstrengths?\b|\beffective\b|\b(going|doing|done|working|works?) well\b|\b(is|was|are|were) working\b"),
    ),
    ("paper", PAPER_ROLES, _cue("|".join(f"(?:{c.pattern})" for c in _PAPER_CUES.values()))),
    # a paper's recommendations are what it asks its readers to do: "what was the Council asked to agree?"
    ("recommendation", ("text",), _cue(r"\brecommend|\basked to\b")),
    ("recommendation", ("status",), _cue(r"\brecommend.*\b(accepted|implemented|status|happened|became)")),
    ("action", ("action", "owner", "due", "status"), _cue(r"\bactions?\b|\baction plan\b|\bwho is responsible\b")),
)
# "What must they urgently improve?", "the areas for priority action": the priority actions before the other areas.
_URGENT = re.compile(r"\burgent|\bpriorit", re.I)
_RECORD_WORDS = terms(
    "recommendation recommend action plan improvement strength priority resolved decided decision agreed ask"
)
_INSPECTION_WORDS = re.compile(r"\b(inspect\w*|ofsted|cqc|visit)\b", re.I)
_MEETING_WORDS = re.compile(r"\b(meeting|minutes|committee|cabinet|council|panel|board)\b", re.I)


# Slots a list of items does not fill: a person, a date, a figure.
_ONE_FACT = frozenset({"person", "date", "figure"})
# "Despite the poor overall outcome, what ... was working?": a concession sets the scene; the ask comes after it.
_CONCESSION = re.compile(r"^\s*(despite|although|though|even though|whilst)\b[^,?]*,\s*", re.I)


def wanted(frame: Frame) -> list[tuple[str, tuple[str, ...]]]:
    """What of the record the question asks for: (entity, fields), most specific first."""
    q = _CONCESSION.sub("", frame.asked)  # what the question asks, not the statement it opens with
    out = []
    for entity, fields, cue in _WANTS:
        if not cue.search(q):
            continue
        # A judgement is an inspection's: "the overall judgement for X's children's services in 2015" names none.
        inspected = _INSPECTION_WORDS.search(q) or frame.inspection or frame.slot == "judgement"
        if entity == "inspection" and not inspected:
            continue
        if entity == "meeting" and not (_MEETING_WORDS.search(q) or frame.dates or frame.bodies or "vote" in fields):
            continue  # a vote is a meeting's whatever the question calls it ("who voted against the Pay Policy?")
        if frame.slot in _ONE_FACT and set(fields) <= LISTED_FIELDS:
            continue  # "who wrote the Improvement Plan report?" asks for a person, not the areas to improve
        if entity == "paper":
            fields = tuple(f for f in fields if _PAPER_CUES[f].search(q))
        out.append((entity, fields))
    return out


# Fields whose value says what something is about (a recommendation's text, an action): a question about
# caseload reporting wants the recommendations about it, not every recommendation the body made.
ABOUT = frozenset({"text", "action"})
# Fields whose item says what they are about: a resolution is about the agenda item it was made under ("91.
# 24/00115 - Integrated Care Strategy Delivery Plan"), which its passage's heading names; an author or contact
# officer about the report their heading, pack part or paper names ("7 HOME TO SCHOOL TRANSPORT CONSULTATION").
ABOUT_ITEM = frozenset({"resolution", "vote", "voted", *PAPER_ROLES})
_VOTE_WORDS = terms("vote voted voting against abstain abstained abstention favour councillors members")
_ROLE_WORDS = terms("author wrote written contact officer contributed contributors sign signed off lead person")
ABOUT_SHARE = 0.34  # of the focus words, a third: set by hand, not tuned (0.2-0.5 gave the same tune figures)


def _about(frame: Frame, rows: list[dict], listed: bool = False) -> list[dict]:
    """The rows whose value holds enough of the question's focus, those holding most first; all of them when
    the question names no focus beyond the record's own words. A list is asked for by what its items share (the
    paper, heading or plan they are in: "the SEND improvement plan's actions"), so a listed row is read with
    its heading and paper's title."""
    focus = terms(" ".join(frame.focus)) - _RECORD_WORDS
    if any(r["field"] in PAPER_ROLES for r in rows):
        focus -= _ROLE_WORDS  # "who wrote and who was the contact officer for X": X is what the rows must be about
    if any(r["field"] in ("vote", "voted") for r in rows):
        focus -= _VOTE_WORDS  # "which councillors abstained on X": the same
    if not focus:
        return rows
    share = {r["id"]: len(focus & _said_about(r, listed)) / len(focus) for r in rows}
    kept = [r for r in rows if r["field"] not in ABOUT | ABOUT_ITEM or share[r["id"]] >= ABOUT_SHARE]
    # An action's owner, date and status go with its action: kept when it is, left out when it is not
    said = {(r["doc_id"], r["key"]) for r in rows if r["field"] in ABOUT}
    held = {(r["doc_id"], r["key"]) for r in kept if r["field"] in ABOUT}
    kept = [r for r in kept if r["field"] in ABOUT or (r["doc_id"], r["key"]) not in said - held]
    # A question names one item: the resolutions of the item it names best, not of every item it shares a word with
    best = max((share[r["id"]] for r in kept if r["field"] in ABOUT_ITEM), default=0.0)
    kept = [r for r in kept if r["field"] not in ABOUT_ITEM or share[r["id"]] == best]
    return sorted(kept, key=lambda r: -share[r["id"]])


def _said_about(row: dict, listed: bool = False) -> frozenset[str]:
    if row["field"] in ABOUT_ITEM or listed:
        return terms(" ".join(row.get(k) or "" for k in ("value", "section", "part_title", "title")))
    return terms(row["value"])


# A joint inspection is each inspectorate's: "Ofsted and CQC" is Ofsted's, and CQC's.
_JOINT = re.compile(r"\s+and\s+|\s*&\s*|,\s*")


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def _matches(frame: Frame, row: dict, by_doc: dict[str, list[dict]]) -> bool:
    """Whether a fact is about the meeting, body, council and time the question names."""
    if frame.councils and row["council"] not in frame.councils:
        return False
    if frame.bodies and not {row["body"], *_JOINT.split(row["body"] or "")} & set(frame.bodies):
        return False
    date = row["part_date"] or row["date"]
    if frame.dates and date not in frame.dates:
        meeting_dates = {r["value"] for r in by_doc.get(row["doc_id"], []) if r["field"] == "date"}
        if not meeting_dates & set(frame.dates):
            return False
    years = set(frame.years_held) - {frame.since, frame.until}
    if years and not frame.dates:
        held = {_year(date)} | {
            _year(r["value"]) for r in by_doc.get(row["doc_id"], []) if r["field"] in ("start", "end", "published")
        }
        if not held & years:
            return False
    return True


_SIDES = (("Against", re.compile(r"\bagainst\b", re.I)), ("Abstain", re.compile(r"\babstain", re.I)),
          ("For", re.compile(r"\bvot\w* for\b|\bin favour\b|\bsupported\b", re.I)))


def _on_side(frame: Frame, rows: list[dict]) -> list[dict]:
    """Who voted the way the question asks ("who voted against"): the other sides' names left out; every side's
    when it names none."""
    side = next((name for name, cue in _SIDES if cue.search(frame.question)), None)
    if side is None:
        return rows
    return [r for r in rows if r["field"] != "voted" or (r["detail"] or "").startswith(side)]


_NUMBERED_ITEM = re.compile(r"\b(action|recommendation)s?\s+(?:no\.?\s*)?(\d{1,2}(?:\.\d{1,2})?)\b", re.I)


def named_keys(frame: Frame, entity: str) -> set[str]:
    """The numbers of the actions or recommendations the question names ("action 2.3", "recommendation 6")."""
    return {no for noun, no in _NUMBERED_ITEM.findall(frame.question) if noun.lower() == entity}


def record_hits(frame: Frame, store: Store, access: tuple[str, ...]) -> list[tuple[int, str]]:
    """(passage id, field) of the facts that answer the question, best first; empty when the record has none."""
    out: list[tuple[int, str]] = []
    for r in record_facts(frame, store, access):
        if all(pid != r["passage_id"] for pid, _ in out):
            out.append((r["passage_id"], r["field"]))
    return out[:MAX_PASSAGES]


def record_facts(frame: Frame, store: Store, access: tuple[str, ...]) -> list[dict]:
    """The record's facts that answer the question (rows of Store.facts), best first; empty when it has none."""
    asks = wanted(frame)
    if not asks or not (frame.councils or frame.dates or frame.bodies):
        return []  # without a council, meeting or body named, the record cannot tell which one is meant
    for entity, fields in asks:
        rows = store.facts(access, entity=entity, council=frame.councils[0] if len(frame.councils) == 1 else None)
        by_doc: dict[str, list[dict]] = {}
        for r in rows:
            by_doc.setdefault(r["doc_id"], []).append(r)
        chosen = [r for r in rows if r["field"] in fields and _matches(frame, r, by_doc)]
        named = named_keys(frame, entity)
        if named and any(r["key"] in named for r in chosen):
            chosen = [r for r in chosen if r["key"] in named]  # "action 2.3": that row of the plan, not every row
        elif chosen and set(fields) & (ABOUT | ABOUT_ITEM):
            chosen = _about(frame, chosen, listed=frame.slot == "list")
        if "voted" in fields:
            chosen = _on_side(frame, chosen)
        if frame.temporal == "latest" and chosen:
            newest = max((r["part_date"] or r["date"] or "") for r in chosen)
            chosen = [r for r in chosen if (r["part_date"] or r["date"] or "") == newest]
        urgent = fields == ("improvement", "priority_action") and _URGENT.search(frame.question)
        order = fields[::-1] if urgent else fields
        chosen.sort(key=lambda r: (order.index(r["field"]), r["part_date"] or r["date"] or "", r["id"]))
        if chosen:
            return chosen  # the most specific ask the record answers
    return []


# Words every area of a judgement table shares ("The experiences and progress of children ..."): naming them
# names no area.
_AREA_COMMON = terms("the experiences and progress of children who")
_AREA_OPENING = re.compile(r"^(the )?experiences and progress of ")


def _area_words(fact: dict) -> frozenset[str]:
    return terms(fact["detail"]) - _AREA_COMMON if fact["field"] == "judgement" and fact.get("detail") else frozenset()


def named_areas(frame: Frame, facts: list[dict]) -> set[int]:
    """The ids of the sub-judgements whose area the question names ("help and protection", "care leavers"): at
    least half of the area's own words are among the question's focus words; an area whose words another named
    area of the paper holds all of is named only in its own words ("care leavers" does not name "children in care";
    "children in care and care leavers" names both)."""
    focus = terms(" ".join(frame.focus))
    asked = " ".join(frame.question.lower().split())
    named = [f for f in facts if (own := _area_words(f)) and len(own & focus) >= len(own) / 2]

    def own_words_used(f: dict) -> bool:
        return _AREA_OPENING.sub("", " ".join(f["detail"].lower().split())) in asked

    return {
        f["id"]
        for f in named
        if own_words_used(f)
        or not any(g["doc_id"] == f["doc_id"] and _area_words(f) < _area_words(g) for g in named)
    }


def plan_actions(hit: Hit, store: Store, access: tuple[str, ...]) -> list[tuple[Hit, dict[str, str]]]:
    """The record's actions of the plan item a passage is, or is an action of, in the paper's order.

    "Recommendation 6" gives actions 6.1, 6.2, ... that follow it (ingest/parents.py says what an item is);
    action 6.2 gives itself and its siblings. Each with its fields (action, owner, due, status) and its passage.
    """
    p = hit.passage
    rows = store.facts(access, entity="action", doc_id=p.doc_id)
    if not rows:
        return []
    own = next((r["key"] for r in rows if r["passage_id"] == hit.id and r["field"] == "action"), None)
    number = own.split(".")[0] if own and "." in own else None
    if number is None:
        n = item_number(p)
        number = str(n) if n is not None and sub_number(p) is None else None
    if number is None:
        return []
    by_key: dict[str, dict] = {}
    for r in rows:
        key = r["key"]
        under = key.split(".")[0] == number and "." in key and r["ordinal"] - p.ordinal <= REACH
        if under and (own or r["ordinal"] > p.ordinal):
            entry = by_key.setdefault(key, {"passage_id": r["passage_id"], "ordinal": r["ordinal"]})
            entry.setdefault(r["field"], r["value"])
    if not by_key:
        return []
    passages = store.passages_by_id([e["passage_id"] for e in by_key.values()])
    out = []
    for key, e in sorted(by_key.items(), key=lambda kv: kv[1]["ordinal"]):
        q = passages.get(e["passage_id"])
        if q is not None and "action" in e:
            fields = {k: v for k, v in e.items() if k in ("action", "owner", "due", "status")}
            out.append((Hit(e["passage_id"], q, hit.doc, 0.0), {"key": key, **fields}))
    return out


def lead_with_record(hits: list[Hit], found: list[Hit]) -> list[Hit]:
    """The record's passages first, then the ranked hits without them."""
    ids = {h.id for h in found}
    return [*found, *(h for h in hits if h.id not in ids)]
