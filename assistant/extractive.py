"""The embedded default answerer: choose the sentences of the top passages that answer the question.

No model, no network, deterministic. Sentences are copied from the passages as they stand (only
list markers and line breaks are tidied), so numbers, dates and names are never altered.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from index.lexical import STOPWORDS
from index.search import Hit

MAX_SENTENCES = 3
KEEP_RATIO = 0.5  # a further sentence must score at least this share of the best one (tune split: 3 and 0.5
# gave the best key-fact recall and pass rate of 2-3 sentences x 0.5-0.8; 4 sentences lost too much token F1)
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘(£])|\n\s*\n|\n(?=\s*(?:[-•✓*]|\(?[a-z0-9]{1,3}[.)])\s)")
_MARKER = re.compile(r"^\s*(?:[-•✓*▪]\s+)*(?:\(?(?:\d{1,3}(?:\.\d{1,2})?|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+)?")
# What kind of fact a question wants, and how a sentence shows it has one.
_WANTS = (
    (
        re.compile(r"\b(how (many|much|long|often)|what (number|percentage|proportion|share|rate)|figures?)\b", re.I),
        re.compile(r"\d[\d,.]*\s*(%|per cent|days?|weeks?|months?|years?|hours?)|£\s*\d|\b\d{2,}\b", re.I),
    ),
    (
        re.compile(r"\b(when|what date|by when|deadline)\b", re.I),
        re.compile(
            r"\b(\d{1,2}(st|nd|rd|th)?\s+)?(january|february|march|april|may|june|july|august|september|october|"
            r"november|december)\b|\b(19|20)\d{2}\b",
            re.I,
        ),
    ),
    (
        re.compile(r"\b(who|whom|whose|which (officer|councillor|member))\b", re.I),
        re.compile(
            r"\b(Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr)\.? [A-Z]|\b[A-Z][a-z]+ [A-Z][a-z]+\b.{0,40}\b(Chairman|Chair|"
            r"Director|Cabinet Member|Inspector|Officer|Lead)\b|\b(Chairman|Director|Cabinet Member|HMI)\b"
        ),
    ),
)
ANSWER_BONUS = 0.2
_WORD = re.compile(r"[a-z0-9£%]+(?:['’][a-z]+)?")


def stem(word: str) -> str:
    """A crude English stem: enough to match 'recommendations' with 'recommended'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> set[str]:
    """Stemmed content words of a text."""
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


@dataclass(frozen=True)
class Sentence:
    """A sentence of a hit, with where it sits in the passage and how well it answers."""

    hit_rank: int
    start: int  # offset in the passage text
    text: str  # tidied for reading
    score: float
    coverage: float  # share of the question's (weighted) content words it holds


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


def score_sentences(question: str, hits: list[Hit]) -> list[Sentence]:
    """Every sentence of the hits, scored by weighted overlap with the question and its passage's rank."""
    q = terms(question)
    if not q or not hits:
        return []
    candidates = [
        (rank, s, t, terms(t), context)
        for rank, h in enumerate(hits)
        for context in [terms(f"{h.passage.section} {h.passage.lead or ''} {h.passage.text}")]
        for s, t in sentences(h.passage.text)
    ]
    n = len(candidates) or 1
    df = {w: sum(1 for c in candidates if w in c[3]) for w in q}
    idf = {w: math.log(1 + n / (1 + df[w])) for w in q}
    total = sum(idf.values())
    wanted = [shows for asks, shows in _WANTS if asks.search(question)]
    out = []
    for rank, start, text, words, context in candidates:
        coverage = sum(idf[w] for w in q & words) / total
        # A sentence is read in its paragraph: "The average wait is 559 days" answers an autism question.
        in_context = sum(idf[w] for w in q & context) / total
        score = 0.6 * coverage + 0.4 * in_context + 0.25 / (1 + rank)
        if any(shows.search(text) for shows in wanted):
            score += ANSWER_BONUS
        out.append(Sentence(rank, start, tidy(text), score, coverage))
    return out


def choose(scored: list[Sentence]) -> list[Sentence]:
    """The best sentence and up to two more that score near it, in reading order."""
    if not scored:
        return []
    ranked = sorted(scored, key=lambda s: (-s.score, s.hit_rank, s.start))
    best = ranked[0]
    picked = [best]
    for s in ranked[1:]:
        if len(picked) == MAX_SENTENCES or s.score < KEEP_RATIO * best.score:
            break
        if s.coverage == 0 or any(s.text == p.text for p in picked):
            continue
        picked.append(s)
    return sorted(picked, key=lambda s: (s.hit_rank, s.start))
