"""Which sentences of the ranked passages answer the question: a small model learned on the tune split.

Each sentence of the answering passages gets a few plain features (its passage's place in the reranked list,
how much of the question's focus it and its passage hold, whether it holds the kind of fact asked for and the
year or date named, its length and place in the passage); a logistic model learned on the tune split
(`python -m evals.train_rerank`, which writes choose.json beside this file, by pairwise logistic regression as the
reranker is) scores each. The answer opens with the best and adds others within a margin chosen on the tune split.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.answerer import of_days
from assistant.extractive import NAVIGATION, bigrams, is_header, same_sentence, sentences, terms, tidy, whole
from assistant.frame import Frame
from assistant.rerank import SLOT_SHOWS, Model, read_model
from index.search import Hit
from ingest.models import Passage

WEIGHTS = Path(__file__).with_name("choose.json")
FEATURES = (
    "passage_rank",
    "first_passage",
    "focus_sentence",
    "focus_passage",
    "slot_fill",
    "slot_near_focus",
    "year_or_date",
    "words",
    "first_sentence",
    "digits",
    "lead_in",
    "table_row",
    "idf_focus",
    "bigrams",
    "capitals",
)
_DIGIT = re.compile(r"\d")
LATEST_DEPTH = 5  # of the reranked passages, the ones a "latest" question's newest answer is looked for in


@dataclass(frozen=True)
class Candidate:
    """A sentence that may go into the answer: its passage (by rank) and its tidied text."""

    hit_rank: int
    start: int
    text: str


@dataclass(frozen=True)
class Chooser(Model):
    """The learned weights (FEATURES order) over standardised features, and how close to the best a second
    sentence must score to join the answer."""

    margin: float


@lru_cache(maxsize=4)
def load(path: Path = WEIGHTS) -> Chooser:
    """The learned chooser; features it does not name weigh nothing."""
    model, data = read_model(path, FEATURES)
    return Chooser(model.weights, model.mean, model.scale, float(data.get("margin", 1.0)))


@dataclass(frozen=True)
class _Sentence:
    """What the features read of one whole sentence of a passage, whatever the question."""

    n: int  # its place in the passage
    start: int
    raw: str
    text: str  # tidied
    words: frozenset[str]
    length: float
    digits: bool
    lead_in: bool
    bigrams: frozenset[tuple[str, str]]
    capitals: float


# 2,048 passages: the 189 tune questions' answers read 827. Each entry is about 1.7 KB beyond the word sets that
# terms() and bigrams() keep anyway, 15 KB with them (measured on corpus/): 3.4 MB, at worst 31 MB, at any corpus size.
@lru_cache(maxsize=2048)
def _own(p: Passage, title: str) -> tuple[frozenset[str], bool, tuple[_Sentence, ...]]:
    """A passage's context words, whether it is a table, and its whole sentences: worked out once per passage."""
    context = terms(f"{p.section} {p.part_title or ''} {title} {p.lead or ''} {p.text}")
    table = "\t" in p.text
    out = []
    for n, (start, raw) in enumerate(sentences(p.text)):
        text = tidy(raw)
        if not whole(text) and not table:
            continue
        if table and is_header(p.text, raw):
            continue
        out.append(
            _Sentence(
                n, start, raw, text, terms(text), math.log(1 + len(text.split())), bool(_DIGIT.search(text)),
                text.rstrip().endswith(":"), bigrams(text), _capitals(text),
            )
        )
    return context, table, tuple(out)


def candidates(frame: Frame, hits: list[Hit]) -> tuple[list[Candidate], np.ndarray]:
    """The answering passages' whole sentences and their features (one row of FEATURES each)."""
    focus = terms(" ".join(frame.focus)) or terms(frame.question)
    shows = SLOT_SHOWS.get(frame.slot)
    named = [str(y) for y in frame.years] + list(frame.dates)
    pairs = bigrams(frame.question)
    out: list[Candidate] = []
    rows: list[list[float]] = []
    seen: list[frozenset[str]] = []
    for rank, h in enumerate(hits):
        p = h.passage
        if p.kind in NAVIGATION:
            continue
        context, table, whole_sentences = _own(p, h.doc.get("title") or "")
        for s in whole_sentences:
            words = s.words
            seen.append(words)
            share = len(focus & words) / len(focus) if focus else 0.0
            fills = bool(shows and shows.search(s.text))
            out.append(Candidate(rank, s.start, s.text))
            rows.append(
                [
                    1.0 / (1 + rank),
                    float(rank == 0),
                    share,
                    len(focus & context) / len(focus) if focus else 0.0,
                    float(fills),
                    float(fills and share > 0),
                    float(any(x in s.raw for x in named)),
                    s.length,
                    float(s.n == 0),
                    float(s.digits),
                    float(s.lead_in),
                    float(table),
                    0.0,  # idf_focus, below: it needs every candidate's words
                    len(pairs & s.bigrams) / len(pairs) if pairs else 0.0,
                    s.capitals,
                ]
            )
    x = np.asarray(rows, dtype=np.float64).reshape(len(out), len(FEATURES))
    if len(out) and focus:
        # A focus word few of these sentences hold says more than one they all hold.
        idf = {w: math.log(1 + len(seen) / (1 + sum(w in s for s in seen))) for w in focus}
        total = sum(idf.values()) or 1.0
        x[:, FEATURES.index("idf_focus")] = [sum(idf[w] for w in focus & s) / total for s in seen]
    return out, x


def _capitals(text: str) -> float:
    """The share of letters in capitals: a title line in capitals is a heading, not an answer."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _of_newest(hits: list[Hit], found: list[Candidate], x: np.ndarray) -> np.ndarray:
    """For a "latest"/"current" question, which sentences come from the newest paper among those of the first
    passages that hold the kind of fact asked for near its focus: the latest verdict, never an older one that
    happens to rank higher."""
    def dated(rank: int) -> str:
        return hits[rank].passage.part_date or hits[rank].doc.get("date") or ""

    near = x[:, FEATURES.index("slot_near_focus")] > 0
    answering = {c.hit_rank for c, ok in zip(found, near, strict=True) if ok and c.hit_rank < LATEST_DEPTH}
    newest = max((dated(r) for r in answering), default="")
    if not newest or len({dated(r) for r in answering}) < 2:
        return np.ones(len(found), dtype=bool)
    return np.array([dated(c.hit_rank) == newest for c in found])


def _of_the_day(frame: Frame, hits: list[Hit], found: list[Candidate]) -> np.ndarray:
    """For a question that names a meeting's or paper's day, which sentences come from that day's papers (or from a
    passage that names the day); all of them when none does. "Who declared an interest at Cabinet on 30 January"
    is never answered from another meeting's minutes."""
    day = {rank for rank in {c.hit_rank for c in found} if of_days(hits[rank], frame.dates)}
    if not day:
        return np.ones(len(found), dtype=bool)
    return np.array([c.hit_rank in day for c in found])


_WHEN = re.compile(r"\bwhen\b|\bhow long\b|\bdates?\b", re.I)
_DATE_WORDS = re.compile(
    r"\b(\d{1,4}(st|nd|rd|th)?|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|"
    r"dec\w*|to|and|until|from)\b|[-–—/.,]",
    re.I,
)


def _dates_line(text: str) -> bool:
    """A line that is a label and dates, and nothing more ("Inspection dates: 13 to 17 November 2023")."""
    label, colon, rest = text.partition(":")
    return bool(colon) and len(label.split()) <= 4 and bool(re.search(r"\d", rest)) and not _DATE_WORDS.sub(
        "", rest
    ).strip()


def choose(frame: Frame, hits: list[Hit], limit: int, chooser: Chooser | None = None) -> list[Candidate]:
    """The best sentence first, then up to limit-1 more within the margin of it, in reading order; no repeats."""
    found, x = candidates(frame, hits)
    if not found:
        return []
    chooser = chooser or load()
    score = chooser.scores(x)
    if frame.temporal == "latest":
        score = np.where(_of_newest(hits, found, x), score, -np.inf)
    if frame.slot not in ("date", "trend") and not _WHEN.search(frame.question):
        # "Inspection dates: 13 to 17 November 2023" answers only "when", "how long" or "how long ago"
        score = np.where([not _dates_line(c.text) for c in found], score, -np.inf)
    if frame.dates:
        score = np.where(_of_the_day(frame, hits, found), score, -np.inf)
    order = sorted(range(len(found)), key=lambda i: (-score[i], found[i].hit_rank, found[i].start))
    best = found[order[0]]
    rest: list[Candidate] = []
    for i in order[1:]:
        if len(rest) + 1 >= limit or score[i] < score[order[0]] - chooser.margin:
            break
        if any(same_sentence(found[i].text, c.text) for c in (best, *rest)):
            continue
        rest.append(found[i])
    return [best, *sorted(rest, key=lambda c: (c.hit_rank, c.start))]

