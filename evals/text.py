"""Text normalisation shared by the matchers: quotes, dashes, markdown, list marks, citation markers."""

from __future__ import annotations

import re
from functools import lru_cache

_UNIFY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
# Heading hashes, bullets ("-", "•", "✓") and paper numbering ("45.", "3.2)", "a)", "(iv)") at a line start.
_BULLETS = "-*\u2022\u2713\u2714\u25aa\u25cf\u25e6\u00b7>"
_LEAD_MARKS = re.compile(
    rf"^[ \t]*(?:#+[ \t]*|(?:[{_BULLETS}]+|\(?\d+(?:\.\d+)*[.)]|\(?[a-z]{{1,4}}\))[ \t]+)+",
    re.MULTILINE,
)
_EMPHASIS = re.compile(r"\*\*|__")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Lowercase, unify quotes and dashes, drop markdown emphasis and list marks, collapse whitespace."""
    text = _EMPHASIS.sub("", text.lower().translate(_UNIFY))
    return _SPACE.sub(" ", _LEAD_MARKS.sub("", text)).strip()


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """The word tokens of the normalised text."""
    return tuple(_WORD.findall(normalise(text)))


def marker_numbers(text: str) -> list[int]:
    """Every citation number referred to by markers like "[1]", "[1][3]" or "[1, 3]", in order."""
    return [int(n) for group in MARKER.findall(text) for n in re.split(r"\s*[,;]\s*", group)]


def strip_markers(text: str) -> str:
    """The text without its citation markers."""
    return _SPACE.sub(" ", MARKER.sub(" ", text)).strip()


def sentences(text: str) -> list[str]:
    """Split an answer into sentences, keeping markers placed after a full stop with their sentence."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        lead = _LEADING_MARKERS.match(piece)
        if lead and out:
            out[-1] = f"{out[-1]} {lead.group(0).strip()}"
            piece = piece[lead.end() :]
        if piece.strip():
            out.append(piece.strip())
    return out
