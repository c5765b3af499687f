"""Answer correctness: key-fact recall and SQuAD-style token F1 against the reference answer."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

from evals.text import strip_markers

_UNIFY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT = re.compile(r"\s*(?:per\s*cent|percent|%)")
_SPACE = re.compile(r"\s+")
_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
# A table cell's edge or a label's colon separates as a space does: "care leavers | Good" states "care leavers: good".
_SEPARATOR = re.compile(r"\s*\|\s*|:(?=\s)")
_PUNCT = str.maketrans("", "", string.punctuation + "\u2018\u2019\u201c\u201d\u2013\u2014\u00a3")


def normalise_fact(text: str) -> str:
    """Lowercase, unify quotes and dashes, "1,000" -> "1000", "per cent" -> "%", "three-year" -> "three year",
    "20th October" -> "20 october", "Grade | Good" and "grade: good" -> "grade good"."""
    text = _SEPARATOR.sub(" ", strip_markers(text).lower().translate(_UNIFY))
    text = _WORD_HYPHEN.sub(" ", _PERCENT.sub("%", _THOUSANDS.sub("", text)))
    text = _ORDINAL.sub(r"\1", text)
    return _SPACE.sub(" ", text).strip()


def fact_found(fact: str, answer: str) -> bool:
    """Whether a key fact occurs in the answer after normalisation, starting a word and not inside a number."""
    needle = normalise_fact(fact)
    if not needle:
        return True
    # "tablet" may match "tablets", but "81" must not match inside "811" nor "art" inside "start".
    left = r"(?<!\w)" if needle[0].isalnum() else ""
    right = r"(?![\d.,]?\d)" if needle[-1].isdigit() else ""
    return re.search(left + re.escape(needle) + right, normalise_fact(answer)) is not None


def missed_facts(key_facts: Sequence[str], answer: str) -> list[str]:
    """The key facts the answer does not state."""
    return [f for f in key_facts if not fact_found(f, answer)]


def key_fact_recall(key_facts: Sequence[str], answer: str) -> float:
    """Fraction of key facts stated in the answer (1.0 when there are none)."""
    if not key_facts:
        return 1.0
    return 1.0 - len(missed_facts(key_facts, answer)) / len(key_facts)


def squad_tokens(text: str) -> list[str]:
    """SQuAD normalisation: lowercase, no punctuation, no articles, split on whitespace."""
    text = strip_markers(text).lower().translate(_PUNCT)
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, reference: str) -> float:
    """Token-overlap F1 between an answer and the reference answer."""
    pred, ref = squad_tokens(prediction), squad_tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)
