"""Answer shapes for list and trend questions, and the one place an answer's lines become a cited Answer."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.extractive import NAVIGATION, Line, header_row, is_header, sentences, terms, tidy, whole
from assistant.models import RELATED, Answer, AnswerSentence, Citation
from assistant.rerank import SLOT_SHOWS
from index.search import Hit

MAX_ITEMS = 8
ACTION_DEPTH = 5  # the passages looked at for a plan item whose actions answer "what will be done"
ITEM_CHARS = 320  # an item longer than this is given by its first sentences
_ITEM_LINE = re.compile(r"^\s*(?:[-•◼▪●✓*]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}\))\s+\S", re.M)
_ITEM_KINDS = ("recommendation", "action", "area_for_development", "strength", "finding")
_QUANTITY = re.compile(
    r"\b(numbers?|rates?|take[- ]up|proportion|percentage|share|how (many|much)|levels?|figures?|caseloads?|"
    r"spend(ing)?|costs?|budget|overspend|total)\b",
    re.I,
)
# A value: a share, an amount, or a count that is not a year (nor a financial year's end: "2019/20"), a paragraph
# or an item number ("2.1").
_FIGURE = re.compile(
    r"\d\s*%|\bper ?cent\b|£\s*\d|(?<!\d[/-])\b(?!(?:19|20)\d{2}\b)\d{2,}(?:,\d{3})*(?!\.\d)\b"
    r"(?!\s+(?:and \d+\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)",
    re.I,
)
_BULLETED = re.compile(r"^\s*(?:[-•◼▪●✓*■]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}\))\s+\S")


def compose(question: str, query: str, hits: list[Hit], lines: list[Line]) -> Answer:
    """The answer's lines, each followed by the marker of the passage it was copied from."""
    numbers: dict[int, int] = {}
    parts, said = [], []
    for line in lines:
        n = numbers.setdefault(line.hit_rank, len(numbers) + 1)
        text = line.text if line.text.endswith((".", "!", "?", ":", ";")) else line.text + "."
        parts.append(f"{text} [{n}]")
        said.append(AnswerSentence(text=text, citations=[n]))
    citations = [Citation.from_hit(n, hits[rank]) for rank, n in numbers.items()]
    related = [Citation.from_hit(0, h) for i, h in enumerate(hits) if i not in numbers][:RELATED]
    return Answer(
        question=question,
        query=query,
        answer=" ".join(parts),
        abstained=False,
        citations=citations,
        related=related,
        sentences=said,
        passages=[Citation.from_hit(n, h) for n, h in enumerate(hits, start=1)],
    )


def _own_label(label: str) -> bool:
    """A label that is the paper's own numbering, worth saying ("Recommendation 3", "45(e)")."""
    return not label.startswith(("¶", "§", "Table")) and "bullet" not in label


def _item_text(text: str) -> str:
    body = tidy(text)
    if len(body) <= ITEM_CHARS and not header_row(text):
        return body
    out = ""
    for _, s in sentences(text):
        if is_header(text, s):
            continue
        if out and len(out) + len(s) > ITEM_CHARS:
            break
        out = f"{out} {tidy(s)}".strip()
    return out or body[:ITEM_CHARS]


def _led_list(h: Hit, focus: set[str]) -> bool:
    """A list by its form whose own lead-in names what was asked: "... the following areas of significant
    weakness:" ending its passage or followed by its items. Such a list answers before a better-ranked paragraph
    that is only of an item's kind."""
    text = h.passage.text
    first = _ITEM_LINE.search(text)
    if len(_ITEM_LINE.findall(text)) >= 2 and first:
        lead_in = text[: first.start()]
    elif text.rstrip().endswith(":"):
        lead_in = text
    else:
        return False
    return bool(focus) and len(focus & terms(lead_in)) >= len(focus) / 2


def _is_item(h: Hit) -> bool:
    """A passage that is one item of a list: a lead-in, a sub-label, a bullet or number, or an item's kind."""
    p = h.passage
    numbered = "(" in p.label or "bullet" in p.label or p.label.startswith(("Recommendation", "Action", "Key finding"))
    return bool(p.lead) or numbered or p.kind in _ITEM_KINDS or bool(_BULLETED.match(p.text))


def list_lines(frame, hits: list[Hit], neighbours: Callable[[Hit], list[Hit]] | None, focus: set[str]) -> list[Line]:
    """A list question's items with their labels, from the best-ranked list among the passages."""
    usable = [(r, h) for r, h in enumerate(hits[:5]) if h.passage.kind not in NAVIGATION]
    usable.sort(key=lambda rh: (not _led_list(rh[1], focus), rh[0]))
    for rank, anchor in usable:
        text = anchor.passage.text
        items = [m.start() for m in _ITEM_LINE.finditer(text)]
        if len(items) >= 2:  # a lead-in with its short list, kept as one passage
            # an item may start in lower case ("- the lack of a cohesive strategy"): it reads on from its lead-in
            lines = [Line(tidy(s), rank) for _, s in sentences(text) if whole(tidy(s)) or _BULLETED.match(s)]
            return lines[: MAX_ITEMS + 1]
        if not (_is_item(anchor) or text.rstrip().endswith(":")):
            continue
        siblings = _siblings(anchor, hits, neighbours)
        if len(siblings) < 2:
            continue
        lines = []
        for h in siblings[:MAX_ITEMS]:
            if h not in hits:
                hits.append(h)
            label = h.passage.label
            body = _item_text(h.passage.text)
            if not whole(body) and not _own_label(label):
                continue
            lines.append(Line(f"{label}: {body}" if _own_label(label) else body, hits.index(h)))
        if len(lines) >= 2:
            return lines
    return []


def action_lines(frame, hits: list[Hit], actions: Callable[[Hit], list[tuple[Hit, dict[str, str]]]]) -> list[Line]:
    """What a plan will do: the actions of the best-ranked plan item among the first passages, each with its
    reference, after the item they serve ("Recommendation 6: ..." then "Action 6.1: ..."); an action ranked first
    is given alone, with its siblings only when the question asks for a list."""
    for rank, anchor in enumerate(hits[:ACTION_DEPTH]):
        if anchor.passage.kind in NAVIGATION:
            continue
        found = actions(anchor)
        if not found:
            continue
        lines = []
        if all(h.id != anchor.id for h, _ in found):
            lines.append(Line(_item_text(anchor.passage.text), rank))
        elif frame.slot != "list":
            found = [(h, f) for h, f in found if h.id == anchor.id]
        for h, fields in found[:MAX_ITEMS]:
            at = next((i for i, x in enumerate(hits) if x.id == h.id), None)
            if at is None:
                hits.append(h)
                at = len(hits) - 1
            # The row's reference as the paper gives it: "Action 6.1" where its table calls rows actions
            ref = f"Action {fields['key']}" if h.passage.label.startswith("Action ") else fields["key"]
            lines.append(Line(f"{ref}: {fields['action']}", at))
        return lines
    return []


FIELD_WORDS = {
    "overall": "overall",
    "chair": "chair",
    "vice_chair": "vice",
    "lead_inspector": "lead",
    "apology": "apolog",
    "substitute": "substitut",
    "declaration": "declar",
    "start": "date",
    "end": "date",
    "resolution": "resolved",
    "contact_officer": "contact",
    "contributor": "contribut",
    "sign_off": "sign",
    "status": "status",
    "owner": "responsib",
    "due": "due",
}
SHORT_PASSAGE = 300  # characters: a passage of lines too short to be sentences is stated whole
MAX_STATED = 4  # sentences that state the record's answer, before the chosen ones
# The record's short answers (who, when, what grade), stated first; its lists (recommendations, actions, areas to
# improve) are answered by the list and action shapes.
STATED_FIELDS = frozenset(
    {*FIELD_WORDS, "present", "officer", "inspector", "vote", "voted", "judgement", "published", "letter_date",
     "author", "lead_officer"}
)


def stated_lines(hits: list[Hit], stated: list[tuple[int, dict]]) -> list[Line]:
    """The sentences (or table rows) that state the record's answer: for each fact, the one of its passage that
    holds its value, with its detail ("The impact of leaders ...") and the field's word ("overall") when it can."""
    out: list[Line] = []
    for rank, fact in stated:
        value, detail = _flat(fact["value"]), _flat(fact.get("detail") or "")
        word = FIELD_WORDS.get(fact["field"], "")
        best, score = None, -1
        passage = hits[rank].passage.text
        said = sentences(passage)
        for _, s in said:
            text = tidy(s)
            flat = _flat(text)
            if value not in flat or not (whole(text) or "|" in text or ":" in text):  # "Author: Tolis Vouyioukas"
                continue
            points = 2 * bool(detail and detail in flat) + bool(word and word in flat)
            if points > score:
                best, score = text, points
        whole_passage = (best is None and not said) or fact["field"] == "voted"
        if whole_passage and value in _flat(passage) and len(passage) <= SHORT_PASSAGE:
            # "Against (1)\n\nMr Booth": lines too short to be sentences; a division's side with its tally
            best = " ".join(passage.split())
        if best and all(best != line.text for line in out):
            out.append(Line(best, rank))
        if len(out) == MAX_STATED:
            break
    return out


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def _siblings(anchor: Hit, hits: list[Hit], neighbours: Callable[[Hit], list[Hit]] | None) -> list[Hit]:
    """The items of the anchor's list (itself included), in the paper's order."""
    p = anchor.passage
    pool = {h.passage.passage_id: h for h in hits}
    for h in neighbours(anchor) if neighbours else []:
        pool.setdefault(h.passage.passage_id, h)

    def same_list(h: Hit) -> bool:
        q = h.passage
        if q.doc_id != p.doc_id or q.kind in NAVIGATION:
            return False
        if p.text.rstrip().endswith(":"):  # a lead-in: what follows it under the same heading
            return q.ordinal > p.ordinal and q.section == p.section and q.ordinal - p.ordinal <= MAX_ITEMS
        if p.lead:
            return q.lead == p.lead
        if _BULLETED.match(p.text):  # bullets under one heading
            return q.section == p.section and bool(_BULLETED.match(q.text))
        return q.section == p.section and (q.kind == p.kind or _prefix(q.label) == _prefix(p.label))

    found = sorted((h for h in pool.values() if same_list(h)), key=lambda h: h.passage.ordinal)
    return found


def _prefix(label: str) -> str:
    return re.sub(r"[\d.]+|\([^)]*\)$", "", label)


def trend_lines(frame, hits: list[Hit], focus: set[str]) -> list[Line]:
    """Dated values in date order: the best sentence of each paper or meeting that holds the fact asked for."""
    judged = "judge" in " ".join(frame.focus) or (frame.inspection is not None or "Ofsted" in frame.bodies)
    quantity = _QUANTITY.search(frame.question) is not None and not judged
    if judged:  # "how did Ofsted's view of services for children in care change": each inspection's grade
        shows = SLOT_SHOWS.get("judgement")
    elif quantity:  # "how has the number of ... moved": each paper's figure, not its date
        shows = _FIGURE
    else:
        shows = SLOT_SHOWS.get("date")
    best: dict[str, tuple[float, int, str]] = {}
    moved: dict[str, tuple[float, int, str]] = {}  # a sentence that holds a change by itself: "from 82% to 75%"
    lo, hi = _period(frame)
    for rank, h in enumerate(hits):
        if h.passage.kind in NAVIGATION:
            continue
        date = h.passage.part_date or h.doc.get("date")
        if not date or not lo <= int(date[:4]) <= hi:
            continue
        for _, s in sentences(h.passage.text):
            text = tidy(s)
            words = terms(text)
            showing = bool(shows and shows.search(text))
            if quantity and not showing:
                continue  # a trend of a quantity is its values: a sentence without one is no point on it
            score = len(focus & words) + showing + 0.5 / (1 + rank)
            if whole(text) and focus & words and score > best.get(date, (-1.0, 0, ""))[0]:
                best[date] = (score, rank, text)
            values = len(set(shows.findall(text))) if quantity else 0
            if values >= 2 and whole(text) and focus & words and score > moved.get(date, (-1.0, 0, ""))[0]:
                moved[date] = (score, rank, text)
    if len(best) < 2:
        return []
    lines = []
    for date, (_, rank, text) in sorted(best.items()):
        lines.append(Line(f"{date}: {text}", rank))
        if date in moved and moved[date][2] != text:
            lines.append(Line(f"{date}: {moved[date][2]}", moved[date][1]))
    return lines[:6]


def _period(frame) -> tuple[int, int]:
    """The years a trend is asked over: "between 2018 and 2021", "since 2016", "until 2020"; else any."""
    named = [y for y in frame.years if y not in (frame.since, frame.until)]
    lo = frame.since or (min(named) if len(named) >= 2 else 0)
    hi = frame.until or (max(named) if len(named) >= 2 else 9999)
    return lo, hi


def join_answers(question: str, answers: list[Answer]) -> Answer:
    """The answers to a question's asks as one: sentences in order, citations renumbered and shared."""
    answered = [a for a in answers if not a.abstained]
    if not answered:
        first = answers[0]
        return first.model_copy(update={"question": question})
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    said: list[AnswerSentence] = []
    parts: list[str] = []
    for a in answered:
        renumber = {}
        for c in a.citations:
            if c.passage_id not in numbers:
                numbers[c.passage_id] = len(numbers) + 1
                citations.append(c.model_copy(update={"n": numbers[c.passage_id]}))
            renumber[c.n] = numbers[c.passage_id]
        for s in a.sentences:
            if any(s.text == o.text for o in said):
                continue
            marks = [renumber[n] for n in s.citations if n in renumber]
            said.append(AnswerSentence(text=s.text, citations=marks))
            parts.append(f"{s.text} {''.join(f'[{n}]' for n in marks)}".strip())
    cited = set(numbers)
    passages: list[Citation] = []
    for a in answers:
        passages += [p for p in a.passages if p.passage_id not in {q.passage_id for q in passages}]
    related = [c for a in answers for c in a.related if c.passage_id not in cited][:RELATED]
    return Answer(
        question=question,
        query=" / ".join(a.query for a in answers),
        answer=" ".join(parts),
        abstained=False,
        citations=citations,
        related=related,
        sentences=said,
        passages=[p.model_copy(update={"n": n}) for n, p in enumerate(passages, start=1)],
        timings=dict(answered[0].timings),
    )
