"""Support judges: does a passage support an answer sentence? A lexical default; NLI or LLM judges plug in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Protocol, runtime_checkable

from evals.text import normalise, strip_markers

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either few for from further had has have
    having he her here hers him his how i if in into is it its itself just may me might more most must my no nor
    not now of off on once only or other our ours out over own per same shall she should so some such than that
    the their theirs them then there these they this those through to too under until up upon very was we were
    what when where which while who whom whose why will with within without would yes yet you your""".split()
)
_SUFFIXES = ("ations", "ation", "ments", "ment", "ingly", "ings", "ing", "ies", "ied", "edly", "ed", "ers", "er", "ly")
_NUMBER = re.compile(
    r"([£$€])?\s?(\d[\d,]*(?:\.\d+)?)\s?(%|per\s?cent\b|percent\b|million\b|billion\b|bn\b|m\b|k\b)?", re.IGNORECASE
)
_UNITS = {"per cent": "%", "percent": "%", "million": "m", "billion": "bn"}
_ALPHA = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Crudely stem a lowercase word by stripping a common suffix, so "waits" and "waiting" meet at "wait"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            word = base + "y" if suffix in ("ies", "ied") else base
            break
    else:
        if word.endswith(("sses", "xes", "zes", "ches", "shes")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content: no stopwords, no citation markers, no numbers."""
    return {stem(w) for w in _ALPHA.findall(normalise(strip_markers(text))) if len(w) > 1 and w not in STOPWORDS}


def numbers(text: str) -> set[str]:
    """Numbers, money amounts and percentages as canonical tokens ("£750", "45%", "1200", "2.5m")."""
    found = set()
    for cur, num, unit in _NUMBER.findall(normalise(text)):
        unit = re.sub(r"\s+", " ", unit.lower())
        found.add(f"{cur}{num.replace(',', '')}{_UNITS.get(unit, unit)}")
    return found


@lru_cache(maxsize=4096)
def _number_forms(text: str) -> frozenset[str]:
    # A bare "750" in a sentence is borne out by "£750" in the passage; "£750" needs the currency too.
    forms = set()
    for cur, num, unit in _NUMBER.findall(normalise(text)):
        unit = _UNITS.get(re.sub(r"\s+", " ", unit.lower()), unit.lower())
        num = num.replace(",", "")
        forms |= {num, f"{cur}{num}", f"{num}{unit}", f"{cur}{num}{unit}"}
    return frozenset(forms)


def names(text: str) -> set[str]:
    """Capitalised name tokens (people, bodies, months, acronyms), lowercased, skipping a plain sentence opener."""
    tokens = _TOKEN.findall(strip_markers(text).translate({0x2019: "'"}))
    found = set()
    for i, tok in enumerate(tokens):
        word = tok.removesuffix("'s").strip("'-")
        if not word or not word[0].isupper() or word.lower() in STOPWORDS:
            continue
        acronym = len(word) > 1 and word.isupper()
        next_capital = i + 1 < len(tokens) and tokens[i + 1][0].isupper()
        if i == 0 and not (acronym or next_capital):
            continue
        found.add(word.lower())
    return found


@lru_cache(maxsize=4096)
def _passage_words(text: str) -> frozenset[str]:
    found = set()
    for tok in _TOKEN.findall(text.translate({0x2019: "'"})):
        word = tok.removesuffix("'s").strip("'-").lower()
        found.add(word)
        found.update(part for part in word.split("-") if part)
    return frozenset(found)


@lru_cache(maxsize=4096)
def _passage_stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in _ALPHA.findall(normalise(text)))


@runtime_checkable
class Judge(Protocol):
    """Anything that can say whether a passage supports a sentence (lexical, NLI model, LLM)."""

    def supports(self, sentence: str, passage: str) -> bool:
        """Whether the passage supports the sentence."""
        ...


@dataclass(frozen=True)
class LexicalJudge:
    """Supports when most content words are in the passage and every number, date and name is too."""

    coverage: float = 0.6
    name: ClassVar[str] = "lexical"

    def supports(self, sentence: str, passage: str) -> bool:
        """Whether >= `coverage` of the sentence's content words and all its numbers and names are in the passage."""
        sentence = strip_markers(sentence)
        content = content_stems(sentence)
        if not content:
            return False
        if len(content & _passage_stems(passage)) < self.coverage * len(content):
            return False
        if not numbers(sentence) <= _number_forms(passage):
            return False
        return names(sentence) <= _passage_words(passage)


def judge_name(judge: Judge) -> str:
    """A short name for a judge, for reports."""
    return str(getattr(judge, "name", type(judge).__name__))
