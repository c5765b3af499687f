"""Visual lines into blocks: paragraphs, headings and list items, by spacing, font and the left edge.

Line shapes alone broke sentences: a wrapped line that began "17.67 for calling-in a decision." was read as
paragraph 17.67, and a short wrapped line ("April 2028") as a title. Here a line continues its paragraph
unless the gap above it, a change of font, or a list marker after a finished line says otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.readers.pdf.lines import Line
from ingest.readers.pdf.tables import MARKER

PARAGRAPH_GAP = 0.4  # baselines this share of the font size further apart than the document's line spacing
SPACING_RATIO = 1.25  # ... or this many times it: either way a paragraph starts
HEADING_SIZE = 1.12  # a line set this much larger than the body text is a heading
HEADING_MAX_WORDS = 30
HEADING_MAX_LINES = 3
SHORT = 0.85  # a line ending before this share of the column's width ended its paragraph, if a sentence ended
_BULLET = re.compile(r"^[•●▪◦■□◼◻➢►‣⁃✓✔\uf0b7\uf0a7\uf0d8\uf0fc\uf076\uf0a8]")
_FINISHED = re.compile(r"[.!?:;][\"'”’)\]]*$")
_PRIVATE_BULLET = str.maketrans({c: "•" for c in "\uf0b7\uf0a7\uf0d8\uf0fc\uf076\uf0a8"})


@dataclass
class Block:
    """A paragraph, heading or list item: its lines and what kind it is."""

    kind: str  # "paragraph" | "heading"
    lines: list[Line] = field(default_factory=list)
    level: int = 0  # for headings: 1 is the largest type

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def text(self) -> str:
        return join_lines([ln.text for ln in self.lines])


def join_lines(texts: list[str]) -> str:
    """Visual lines as one paragraph: a soft hyphen joins, a real one keeps its hyphen, else a space."""
    out = ""
    for t in texts:
        t = t.translate(_PRIVATE_BULLET).strip()
        if not out:
            out = t
        elif out.endswith(("\xad", "\x02")):
            out = out[:-1] + t
        elif re.search(r"[A-Za-z]-$", out) and t[:1].islower():
            out += t  # "co-" + "ordinated": the hyphen is the word's own
        else:
            out += " " + t
    return out.replace("\x02", "")


def line_spacing(lines: list[Line]) -> float:
    """The document's usual distance between baselines, as a share of the font size (1.2 when unknown)."""
    steps = sorted(
        round((b.baseline - a.baseline) / a.size, 2)
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and abs(a.size - b.size) < 0.5 and a.size > 0
        and 0.9 <= (b.baseline - a.baseline) / a.size <= 2.6
    )
    # Lines within a paragraph are the closest regular steps: a quarter of the way up the sorted steps.
    return steps[len(steps) // 4] if steps else 1.2


def body_size(lines: list[Line]) -> float:
    """The font size most of the document's letters are set in."""
    weight: Counter[float] = Counter()
    for ln in lines:
        for r in ln.runs:
            weight[round(r.size, 1)] += len(r.text)
    return weight.most_common(1)[0][0] if weight else 10.0


def is_heading(line: Line, body: float) -> bool:
    """Larger than the body text, or wholly bold, and short: a heading line."""
    words = line.text.split()
    if not words or len(words) > HEADING_MAX_WORDS or not re.search(r"[A-Za-z]{2}", line.text):
        return False
    return line.size >= HEADING_SIZE * body or (line.bold >= 0.85 and line.size >= 0.9 * body)


def starts_item(text: str) -> bool:
    """Whether a line opens with a list marker or a paragraph number ("•", "(2)", "b)", "3.1", "12.")."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    return bool(_BULLET.match(text) or MARKER.match(first))


def to_blocks(lines: list[Line], body: float, spacing: float = 1.2) -> list[Block]:
    """One region's lines (top to bottom, tables taken out) as blocks."""
    if not lines:
        return []
    right = max(ln.x1 for ln in lines)
    left = min(ln.x0 for ln in lines)
    width = max(right - left, 1.0)
    blocks: list[Block] = []
    for line in lines:
        kind = "heading" if is_heading(line, body) else "paragraph"
        current = blocks[-1] if blocks else None
        if current is None or _starts_block(current, kind, line, right, width, spacing):
            blocks.append(Block(kind, [line]))
        else:
            current.lines.append(line)
    return [b for block in blocks for b in _unheading(block)]


def _starts_block(current: Block, kind: str, line: Line, right: float, width: float, spacing: float) -> bool:
    prev = current.lines[-1]
    if kind != current.kind or line.page != prev.page:
        return True
    if abs(line.size - prev.size) > 0.12 * prev.size:
        return True
    step = line.baseline - prev.baseline
    if step > max(SPACING_RATIO * spacing, spacing + PARAGRAPH_GAP) * prev.size or step < 0:
        return True
    if kind == "heading":
        return len(current.lines) >= HEADING_MAX_LINES or starts_item(line.text) and not prev.text.endswith(("-", "&"))
    finished = bool(_FINISHED.search(prev.text))
    short = prev.x1 < right - (1 - SHORT) * width
    if _BULLET.match(line.text):
        return True
    if starts_item(line.text) and (finished or short or line.x0 < current.lines[0].x0 - 2):
        return True
    # No spacing between paragraphs: a short line that ended a sentence ended its paragraph.
    return short and finished and (line.text[:1].isupper() or line.text[:1].isdigit())


def _unheading(block: Block) -> list[Block]:
    """A bold run of many words is emphasis, not a heading."""
    if block.kind == "heading" and len(block.text.split()) > HEADING_MAX_WORDS:
        return [Block("paragraph", block.lines)]
    return [block]


def heading_levels(blocks: list[Block]) -> None:
    """Number heading styles by size, largest first: 1, 2, 3 ... (bold before plain at one size)."""
    styles = sorted(
        {(round(b.lines[0].size), b.lines[0].bold >= 0.5) for b in blocks if b.kind == "heading"},
        key=lambda s: (-s[0], not s[1]),
    )
    rank = {s: n for n, s in enumerate(styles, start=1)}
    for b in blocks:
        if b.kind == "heading":
            b.level = min(rank[(round(b.lines[0].size), b.lines[0].bold >= 0.5)], 6)
