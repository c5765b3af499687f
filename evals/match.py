"""Whether a passage holds gold evidence: a quote (exact after normalisation, or a near-complete word match) or a key
fact stated in a passage of an evidence file."""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import PurePosixPath

from evals.correctness import fact_found
from evals.dataset import Evidence
from evals.text import normalise, words

COVERAGE = 0.8  # share of the quote's words a passage must hold, in order
# A paragraph broken in two by a page break makes two passages, each a fragment of one quote. A fragment counts
# when COVERAGE of its own words are in the quote, in order, and it is long enough to be more than a heading.
FRAGMENT_MIN_WORDS = 4
FRAGMENT_MIN_SHARE = 0.3  # of the quote's words


def file_name(path: str) -> str:
    """The bare file name of a source path (systems may report "corpus/seeds/x.txt" for "x.txt")."""
    return PurePosixPath(path.replace("\\", "/")).name


def same_file(a: str, b: str) -> bool:
    """Whether two source names refer to the same file."""
    return bool(a) and bool(b) and file_name(a) == file_name(b)


def _in_order(quote: tuple[str, ...], passage: tuple[str, ...]) -> int:
    matcher = SequenceMatcher(None, quote, passage, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


@lru_cache(maxsize=65536)
def text_supports(passage: str, quote: str) -> bool:
    """Whether passage text contains the quote, (most of) it in order, or is itself a sizeable part of it."""
    p, q = normalise(passage), normalise(quote)
    if not p or not q:
        return False
    if q in p:
        return True
    pw, qw = words(passage), words(quote)
    if not pw or not qw:
        return False
    fragment_ok = len(pw) >= FRAGMENT_MIN_WORDS
    if fragment_ok and p in q and len(pw) >= FRAGMENT_MIN_SHARE * len(qw):
        return True
    # A bag-of-words overlap bounds the in-order match from above and rules out most pairs cheaply.
    overlap = sum((Counter(qw) & Counter(pw)).values())
    whole = overlap >= COVERAGE * len(qw)
    part = fragment_ok and overlap >= COVERAGE * len(pw) and overlap >= FRAGMENT_MIN_SHARE * len(qw)
    if not (whole or part):
        return False
    matched = _in_order(qw, pw)
    if matched >= COVERAGE * len(qw):
        return True
    return part and matched >= COVERAGE * len(pw) and matched >= FRAGMENT_MIN_SHARE * len(qw)


def supports(file: str, text: str, evidence: Evidence) -> bool:
    """Whether a passage of `file` supports the evidence quote; relevance requires the same file."""
    return same_file(file, evidence.file) and text_supports(text, evidence.quote)


def supported_quotes(file: str, text: str, evidence: tuple[Evidence, ...]) -> list[int]:
    """Indexes of the evidence quotes a passage supports."""
    return [j for j, ev in enumerate(evidence) if supports(file, text, ev)]


def held_facts(file: str, text: str, key_facts: tuple[str, ...], evidence: tuple[Evidence, ...]) -> list[str]:
    """The key facts a passage states, counted only when the passage is from one of the evidence files."""
    if not any(same_file(file, ev.file) for ev in evidence):
        return []
    plain = normalise(text)
    return [f for f in key_facts if f.strip() and fact_found(f, plain)]
