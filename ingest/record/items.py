"""Numbered and bulleted list items as papers write them: "1.", "(2)", "A.", "◼", and runs of them after a lead-in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Passage

_BULLET = re.compile(r"^\s*(?:[-–—•◼▪●○◦✓✔·*]|o(?=\s))\s+")
# "1." "1)" "(1)" "A." "(a)" "iv." optionally behind a bullet ("- 2. The Committee believes...")
_MARK = re.compile(
    r"^\s*(?:[-–—•◼▪●✓·*]\s+)?(?:\((?P<paren>\d{1,3}|[A-Za-z]|[ivxlc]{1,5})\)|(?P<plain>\d{1,3}|[A-Za-z]|[ivxlc]{2,5})[.)])"
    r"\s*(?=[A-Z*‘'\"“(]|\S{2})"
)
_ROMAN = re.compile(r"^[ivxlc]+$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_INLINE_PAREN = re.compile(r"\s\((\d{1,3})\)\s+(?=[A-Z])")


def norm(text: str) -> str:
    """Whitespace collapsed and markdown bold dropped: how a value is compared with its passage."""
    return " ".join(text.replace("**", " ").split())


@dataclass(frozen=True)
class Marker:
    """A list item's numbering: its style ("num", "paren", "alpha", "roman", "bullet") and value as written."""

    style: str
    value: str = ""

    @property
    def rank(self) -> int:
        """Its position in a sequence, for telling whether numbering continues."""
        if self.style in ("num", "paren") and self.value.isdigit():
            return int(self.value)
        if self.style == "roman":
            return _roman(self.value)
        return ord(self.value.lower()) - 96 if len(self.value) == 1 else 0

    @property
    def numbered(self) -> bool:
        return self.style != "bullet"


@dataclass(frozen=True)
class Item:
    """One list item: its numbering (None when the paper gives none), its text, the passage that holds it."""

    marker: Marker | None
    text: str
    ordinal: int


def _roman(value: str) -> int:
    total, prev = 0, 0
    for ch in reversed(value.lower()):
        v = _ROMAN_VALUES[ch]
        total, prev = (total - v, prev) if v < prev else (total + v, v)
    return total


def split_marker(text: str) -> tuple[Marker | None, str]:
    """The item's marker and the text after it; a short sub-heading line before a numbered item is passed over."""
    chunks = [c for c in re.split(r"\n\s*\n", text.strip()) if c.strip()]
    for i, chunk in enumerate(chunks[:2]):
        m = _MARK.match(chunk)
        if m:
            if m.group("paren"):
                value, style = m.group("paren"), "paren"
            else:
                value = m.group("plain")
                style = "num" if value.isdigit() else "roman" if len(value) > 1 and _ROMAN.match(value) else "alpha"
            if style == "paren" and not value.isdigit():
                style = "paren_alpha"
            rest = "\n\n".join([chunk[m.end() :], *chunks[i + 1 :]])
            return Marker(style, value), rest
        b = _BULLET.match(chunk)
        if b:
            return Marker("bullet"), "\n\n".join([chunk[b.end() :], *chunks[i + 1 :]])
        if len(chunk) > 60 or chunk.rstrip().endswith("."):
            break  # a sentence, not a sub-heading: the passage is unnumbered
    return None, text.strip()


def item_text(rest: str) -> str:
    """The item's words: trailing sub-heading lines ("Retention:") that the reader glued on are dropped."""
    chunks = [c for c in re.split(r"\n\s*\n", rest) if c.strip()]
    while len(chunks) > 1 and len(chunks[-1]) < 50 and chunks[-1].rstrip().endswith(":"):
        chunks.pop()
    return norm(" ".join(chunks))


def split_inline(marker: Marker, text: str, ordinal: int) -> list[Item]:
    """One passage holding "(1) ... (2) ...": one item per number, when the numbers run on."""
    if marker.style != "paren" or not marker.value.isdigit():
        return [Item(marker, text, ordinal)]
    out, current, rest = [], marker, text
    while True:
        nxt = next((m for m in _INLINE_PAREN.finditer(rest) if int(m.group(1)) == current.rank + 1), None)
        if nxt is None:
            out.append(Item(current, norm(rest), ordinal))
            return out
        out.append(Item(current, norm(rest[: nxt.start()]), ordinal))
        current, rest = Marker("paren", nxt.group(1)), rest[nxt.end() :]


def continues(last: Marker | None, marker: Marker | None) -> bool:
    """Whether `marker` carries on the numbering after `last` (same style, higher rank)."""
    if last is None or marker is None or not marker.numbered:
        return False
    return marker.style == last.style and marker.rank > last.rank


def fill_numbers(items: list[Item]) -> list[Item]:
    """The items of a numbered list, giving bullets the numbers a conversion lost when they exactly fill a gap.

    ("2", four bullets, "7" gives 3 to 6.) Bullets that fill no gap are sub-points, and so are items numbered in
    another style ("(a)" under "1."): both are dropped. A list with no numbers at all is returned as it is.
    """
    numbered = [i for i, it in enumerate(items) if it.marker and it.marker.numbered]
    if not numbered:
        return items
    style = items[numbered[0]].marker.style  # type: ignore[union-attr]
    out: list[Item] = []
    prev_rank, start = 0, 0
    for idx in numbered:
        here = items[idx].marker
        if here is None or here.style != style:
            continue
        between = items[start:idx]
        gap = here.rank - prev_rank - 1
        if (
            between
            and style in ("num", "paren")
            and gap == len(between)
            and all(b.marker and not b.marker.numbered for b in between)
        ):
            out += [Item(Marker(style, str(prev_rank + k + 1)), b.text, b.ordinal) for k, b in enumerate(between)]
        out.append(items[idx])
        prev_rank, start = here.rank, idx + 1
    return out


def parse(p: Passage) -> list[Item]:
    """The list items one passage holds (usually one; "(1) ... (2) ..." gives two)."""
    marker, rest = split_marker(p.text)
    text = item_text(rest)
    if not text:
        return []
    if marker is None:
        return [Item(None, text, p.ordinal)]
    return split_inline(marker, text, p.ordinal)
