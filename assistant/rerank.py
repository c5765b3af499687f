"""Reranking the hybrid search's candidates with what the question frame knows.

A few plain features per candidate (its fused score, BM25 and cosine, how much of the question's focus it holds,
whether it is from the meeting, year, body or kind of paper named, whether it holds the kind of fact asked for,
whether it is navigation) weighed by a linear model learned on the tune split by pairwise logistic regression
(`python -m evals.train_rerank`); the weights live in rerank.json beside this file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.extractive import bigrams, terms
from assistant.frame import Frame
from index.search import Hit
from ingest.models import Passage

WEIGHTS = Path(__file__).with_name("rerank.json")
FEATURES = (
    "fused",
    "lexical",
    "dense",
    "rank",
    "focus_text",
    "focus_context",
    "date_match",
    "year_match",
    "body_match",
    "type_match",
    "inspection_match",
    "slot_fill",
    "slot_near_focus",
    "kind_match",
    "navigation",
    "short",
    "lead_in",
    "recency",
    "idf_focus",
    "bigrams",
    "section_focus",
    "length",
)

_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
SLOT_SHOWS: dict[str, re.Pattern[str]] = {
    # A count, an amount or a share: a number that is not a year, or a number word (years and dates are not).
    "figure": re.compile(
        r"\d[\d,.]*\s*(%|per ?cent|days?|weeks?|months?|years?|hours?|children|young people|cases|families|staff|"
        r"social workers|schools|places|pupils|members|FE)\b|£\s*\d|\b(?!(?:19|20)\d{2}\b)\d[\d,.]*\d\b|"
        r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
        r"thousand|half|third|quarter|majority|minority|most|few)\b",
        re.I,
    ),
    "date": re.compile(
        rf"\b\d{{1,2}}(st|nd|rd|th)?\s+{_MONTH}\b|\b{_MONTH}\s+(19|20)\d{{2}}\b|\b(19|20)\d{{2}}\b", re.I
    ),
    # A person or a body by name: a title and a name, a role, or two capitalised words not opening the sentence.
    "person": re.compile(
        r"\b(Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Sir|Dame|Professor)\.? [A-Z]|\b(Lead|lead) inspector:? [A-Z]|"
        r"(?<=[a-z,;:(] )(?!(?:His|Her|The|This|That|Ofsted|Children|Council|County|Local|National|Care|Cabinet)\b)"
        r"[A-Z][a-z]+(?: (?:for|of|and|the))? [A-Z][a-z]+|[A-Z][a-z]+ [A-Z][a-z]+(?:-[A-Z][a-z]+)?,"
    ),
    "judgement": re.compile(r"\b(outstanding|good|requires improvement|inadequate)\b", re.I),
    "status": re.compile(
        r"\b(complete[d]?|on track|delayed|ongoing|in progress|achieved|implemented|not (yet )?started|"
        r"RAG|green|amber|red|accepted|agreed|rejected)\b",
        re.I,
    ),
}
SLOT_SHOWS["trend"] = SLOT_SHOWS["date"]
_LIST_KINDS = ("recommendation", "action", "area_for_development", "strength")
_LIST_ITEM = re.compile(
    r"^\s*(?:[-•◼▪●✓*]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}\)|Recommendation \d|Action \d)", re.I
)


@dataclass(frozen=True)
class Model:
    """Feature weights (in FEATURES order) and the means and scales the features were standardised with."""

    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    def scores(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.weights


def read_model(path: Path, names: tuple[str, ...]) -> tuple[Model, dict]:
    """A learned model's weights, means and scales in `names` order, and the file's own data; features the file
    does not name weigh nothing (a model learned on fewer features). The reranker and the chooser both read so."""
    data = json.loads(path.read_text(encoding="utf-8"))
    columns = zip(data["features"], data["weights"], data["mean"], data["scale"], strict=True)
    by_name = {name: (w, m, s) for name, w, m, s in columns}
    w, m, s = (np.array([by_name.get(f, (0.0, 0.0, 1.0))[k] for f in names]) for k in range(3))
    return Model(w, m, np.where(s > 0, s, 1.0)), data


@lru_cache(maxsize=4)
def load(path: Path = WEIGHTS) -> Model:
    """The learned reranker."""
    return read_model(path, FEATURES)[0]


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


@dataclass(frozen=True)
class _Own:
    """What the features read of one candidate alone, whatever the question: worked out once per passage."""

    words: frozenset[str]  # of the text
    held: frozenset[str]  # of the text and section
    context: frozenset[str]  # of the section, part title, paper title, label and lead-in
    date: str | None
    year: int | None
    titles: str
    list_item: bool
    lead_in: bool
    navigation: bool
    short: bool
    section_words: frozenset[str]  # of the last heading
    bigrams: frozenset[tuple[str, str]]
    length: float


# 4,096 passages: the 189 tune questions' candidates are 3,396. Each entry is about 0.6 KB beyond the word sets that
# terms() and bigrams() keep anyway, 17 KB with them (measured on corpus/): 2.4 MB, at worst 70 MB, at any corpus size.
@lru_cache(maxsize=4096)
def _own(p: Passage, title: str, doc_date: str | None) -> _Own:
    text = p.text
    date = p.part_date or doc_date
    return _Own(
        words=terms(text),
        held=terms(f"{text} {p.section}"),
        context=terms(f"{p.section} {p.part_title or ''} {title} {p.label} {p.lead or ''}"),
        date=date,
        year=_year(date),
        titles=f"{title} {p.part_title or ''}".lower(),
        list_item=bool(_LIST_ITEM.match(text) or text.rstrip().endswith(":") or p.kind in _LIST_KINDS),
        lead_in=text.rstrip().endswith(":"),
        navigation=p.kind in ("heading", "contents"),
        short=len(text) < 60,
        section_words=terms(p.section.rsplit(" > ", 1)[-1]),
        bigrams=bigrams(f"{p.section} {text}"),
        length=math.log(1 + len(text)),
    )


def features(frame: Frame, hits: list[Hit]) -> np.ndarray:
    """One row of FEATURES per candidate, in the order given."""
    focus = terms(" ".join(frame.focus))
    lexical_top = max((h.lexical or 0.0 for h in hits), default=0.0) or 1.0
    recency = _recency(frame, hits)
    shows = SLOT_SHOWS.get(frame.slot)
    pairs = bigrams(frame.question)
    own = [_own(h.passage, h.doc.get("title") or "", h.doc.get("date")) for h in hits]
    # A focus word few candidates hold tells them apart better than one they all hold ("supervision", not "social").
    idf = {w: math.log(1 + len(hits) / (1 + sum(w in o.held for o in own))) for w in focus}
    idf_total = sum(idf.values()) or 1.0
    years_named = set(frame.years) | ({frame.since} if frame.since else set())
    rows = []
    for rank, h in enumerate(hits):
        p, d, o = h.passage, h.doc, own[rank]
        text = p.text
        words = o.words
        focus_text = len(focus & words) / len(focus) if focus else 0.0
        focus_context = len(focus & (words | o.context)) / len(focus) if focus else 0.0
        showing = _showing(frame.slot, text)
        filled = bool(showing)
        if frame.slot == "list":
            filled = o.list_item
        near = filled and focus_text > 0 and any(s & focus for s in showing) if shows else filled
        rows.append(
            [
                h.score,
                (h.lexical or 0.0) / lexical_top,
                h.dense or 0.0,
                1.0 / (1 + rank),
                focus_text,
                focus_context,
                float(bool(frame.dates) and o.date in frame.dates),
                float(bool(years_named) and (o.year in years_named or any(str(y) in text for y in years_named))),
                float(bool(frame.bodies) and d.get("body") in frame.bodies),
                float(bool(frame.doc_types) and d.get("doc_type") in frame.doc_types),
                float(bool(frame.inspection) and frame.inspection.lower().split()[0] in o.titles),
                float(filled),
                float(bool(near)),
                float(bool(frame.kinds) and p.kind in frame.kinds),
                float(o.navigation),
                float(o.short),
                float(o.lead_in),
                recency[rank],
                sum(idf[w] for w in focus & o.held) / idf_total,
                len(pairs & o.bigrams) / len(pairs) if pairs else 0.0,
                len(focus & o.section_words) / len(focus) if focus else 0.0,
                o.length,
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(hits), len(FEATURES))


@lru_cache(maxsize=65536)
def _showing(slot: str, text: str) -> tuple[frozenset[str], ...]:
    """The words of each sentence of a passage that holds the kind of fact a slot asks for (remembered: the same
    passages come back question after question)."""
    shows = SLOT_SHOWS.get(slot)
    if shows is None:
        return ()
    return tuple(terms(s) for s in re.split(r"(?<=[.!?;])\s+|\n+", text) if s and shows.search(s))


def _recency(frame: Frame, hits: list[Hit]) -> list[float]:
    """For "latest"/"current" questions 1 for the newest paper among the candidates, down to 0 for the oldest;
    for "first"/"previous" the other way; else 0."""
    if frame.temporal not in ("latest", "earliest"):
        return [0.0] * len(hits)
    dates = [h.passage.part_date or h.doc.get("date") or "" for h in hits]
    known = sorted({d for d in dates if d})
    if len(known) < 2:
        return [0.0] * len(hits)
    place = {d: i / (len(known) - 1) for i, d in enumerate(known)}
    return [(place[d] if frame.temporal == "latest" else 1 - place[d]) if d else 0.0 for d in dates]


def rerank(frame: Frame, hits: list[Hit], model: Model | None = None) -> list[Hit]:
    """The candidates best first by the learned model (ties keep the search's order)."""
    if len(hits) < 2:
        return list(hits)
    model = model or load()
    scores = model.scores(features(frame, hits))
    order = sorted(range(len(hits)), key=lambda i: (-scores[i], i))
    return [hits[i] for i in order]
