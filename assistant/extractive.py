"""The embedded default answerer: the sentences of the ranked passages that answer the question, in its shape.

No model, no network, deterministic. Sentences are copied from the passages as they stand (only list markers
and line breaks are tidied), so numbers, dates and names are never altered. The shape follows the question's
slot: the sentence that holds the fact asked for comes first; a list question gives the items with their
labels; a trend gives dated values in date order (assistant/shapes.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from index.lexical import STOPWORDS
from index.search import Hit

MAX_SENTENCES = {"figure": 2, "date": 2, "person": 2, "judgement": 2, "yesno": 2}  # others: 3
KEEP_RATIO = 0.6  # a further sentence must score at least this share of the best one
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘(£])|\n\s*\n|\n(?=\s*(?:[-•✓*◼]|\(?[a-z0-9]{1,3}[.)])\s)")
_MARKER = re.compile(r"^\s*(?:[-•✓*▪◼]\s+)*(?:\(?(?:\d{1,3}(?:\.\d{1,2})?|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+)?")
_WORD = re.compile(r"[a-z0-9£%]+(?:['’][a-z]+)?")
NAVIGATION = ("heading", "contents")


def stem(word: str) -> str:
    """A crude English stem: enough to match 'recommendations' with 'recommended'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def terms(text: str) -> frozenset[str]:
    """Stemmed content words of a text (remembered: the same passages come back question after question)."""
    return frozenset(stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a hit, with where it sits in the passage and how well it answers."""

    hit_rank: int
    start: int  # offset in the passage text
    text: str  # tidied for reading
    score: float
    coverage: float  # share of the question's (weighted) focus words it holds
    fills: bool = False  # holds the kind of fact asked for


def sentences(text: str) -> list[tuple[int, str]]:
    """Sentences of a passage with their offsets; table rows and list items count as sentences."""
    out, pos = [], 0
    for m in _SENTENCE.finditer(text):
        out.append((pos, text[pos : m.start()]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return [(s, t) for s, t in out if len(t.split()) >= 3]


def tidy(sentence: str) -> str:
    """One line, without the list marker or paragraph number it starts with."""
    flat = " ".join(sentence.replace("\t", " | ").split())
    return _MARKER.sub("", flat, count=1).strip()


def whole(text: str) -> bool:
    """A sentence a reader can take alone: starts as a sentence does and has a few words."""
    return len(text.split()) >= 4 and not text[:1].islower()


def score_sentences(focus: set[str], hits: list[Hit], shows: re.Pattern[str] | None) -> list[Sentence]:
    """Every sentence of the answering hits, scored by its focus words, its passage's and its rank."""
    candidates = [
        (rank, s, t, terms(t), context)
        for rank, h in enumerate(hits)
        if h.passage.kind not in NAVIGATION
        for context in [terms(f"{h.passage.section} {h.passage.lead or ''} {h.passage.text}")]
        for s, t in sentences(h.passage.text)
    ]
    if not candidates or not focus:
        return []
    n = len(candidates)
    idf = {w: math.log(1 + n / (1 + sum(1 for c in candidates if w in c[3]))) for w in focus}
    total = sum(idf.values()) or 1.0
    out = []
    for rank, start, text, words, context in candidates:
        coverage = sum(idf[w] for w in focus & words) / total
        in_context = sum(idf[w] for w in focus & context) / total
        fills = bool(shows and shows.search(text))
        score = 0.55 * coverage + 0.3 * in_context + 0.25 / (1 + rank) + (0.25 if fills else 0.0)
        out.append(Sentence(rank, start, tidy(text), score, coverage, fills))
    return out


def best_sentences(scored: list[Sentence], slot: str) -> list[Sentence]:
    """The sentence that answers first, then up to a few more near it in score, in reading order; no repeats."""
    ranked = sorted((s for s in scored if whole(s.text)), key=lambda s: (-s.score, s.hit_rank, s.start))
    if not ranked:
        return []
    best = ranked[0]
    picked = [best]
    limit = MAX_SENTENCES.get(slot, 3)
    for s in ranked[1:]:
        if len(picked) == limit or s.score < KEEP_RATIO * best.score:
            break
        if s.coverage == 0 or any(_same(s.text, p.text) for p in picked):
            continue
        picked.append(s)
    rest = sorted(picked[1:], key=lambda s: (s.hit_rank, s.start))
    return [best, *rest]


def _same(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) >= 0.8 * min(len(wa), len(wb))


@dataclass(frozen=True)
class Line:
    """One sentence of the answer and the hit it cites (by rank in the hits the answer was built from)."""

    text: str
    hit_rank: int


class ExtractiveAnswerer:
    """Answers by choosing sentences; `neighbours` fetches a list item's siblings that search did not rank."""

    def __init__(self, neighbours: Callable[[Hit], list[Hit]] | None = None) -> None:
        self.neighbours = neighbours

    def answer(self, frame, question: str, query: str, hits: list[Hit]):
        from assistant.models import Answer
        from assistant.rerank import SLOT_SHOWS
        from assistant.shapes import compose, list_lines, trend_lines

        focus = terms(" ".join(frame.focus)) or terms(query)
        lines: list[Line] = []
        hits = list(hits)
        if frame.slot == "list":
            lines = list_lines(frame, hits, self.neighbours, focus)
        elif frame.slot == "trend":
            lines = trend_lines(frame, hits, focus)
        if not lines:
            scored = score_sentences(focus, hits, SLOT_SHOWS.get(frame.slot))
            lines = [Line(s.text, s.hit_rank) for s in best_sentences(scored, frame.slot)]
        if not lines:
            return Answer.declined(question, query, hits, "no sentence of the passages answers the question")
        return compose(question, query, hits, lines)
