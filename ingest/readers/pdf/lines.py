"""Runs into visual lines, in reading order: columns first, then top to bottom; running furniture found across pages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.readers.pdf.glyphs import PageGlyphs, Run

EDGE_BAND = 0.12  # share of the page height at the top and at the bottom where running headers and footers sit
FURNITURE_PAGES = 3  # a line repeated at the same edge on this many pages is furniture
_PAGE_NUMBER = re.compile(r"^\s*[-–(]?\s*(page\s+)?\d{1,4}(\s*(of|/)\s*\d{1,4})?\s*[-–)]?\s*$", re.IGNORECASE)
_BLANK_PAGE = re.compile(r"^\s*this page (is |has been )?(intentionally )?left blank\.?\s*$", re.IGNORECASE)


@dataclass
class Line:
    """Runs that share a baseline, left to right."""

    runs: list[Run]
    page: int
    x0: float = field(init=False)
    x1: float = field(init=False)
    top: float = field(init=False)
    bottom: float = field(init=False)

    def __post_init__(self) -> None:
        self._measure()

    def _measure(self) -> None:
        self.x0 = min(r.x0 for r in self.runs)
        self.x1 = max(r.x1 for r in self.runs)
        self.top = min(r.top for r in self.runs)
        self.bottom = max(r.bottom for r in self.runs)

    def add(self, run: Run) -> None:
        self.runs.append(run)
        self._measure()

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.runs)

    @property
    def size(self) -> float:
        """The font size most of the line's letters are set in."""
        weight: Counter[float] = Counter()
        for r in self.runs:
            weight[round(r.size, 1)] += len(r.text)
        return weight.most_common(1)[0][0]

    @property
    def bold(self) -> float:
        """Share of the line's characters in a bold font."""
        total = sum(len(r.text) for r in self.runs)
        return sum(r.bold * len(r.text) for r in self.runs) / max(total, 1)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def baseline(self) -> float:
        """The baseline of the line's longest run (a superscript's sits higher)."""
        return max(self.runs, key=lambda r: len(r.text)).baseline


def _overlaps_x(a: Run, b: Run) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5


def build_lines(runs: list[Run], page: int) -> list[Line]:
    """Group runs whose middles sit inside one another's band into lines, top to bottom."""
    lines: list[Line] = []
    for run in sorted(runs, key=lambda r: (r.top, r.x0)):
        home = None
        for line in reversed(lines[-8:]):
            shared = min(line.bottom, run.bottom) - max(line.top, run.top)
            if shared >= 0.5 * min(line.height, run.height) and not any(_overlaps_x(run, o) for o in line.runs):
                home = line
                break
        if home is None:
            lines.append(Line([run], page))
        else:
            home.add(run)
    for line in lines:
        line.runs.sort(key=lambda r: r.x0)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def regions(page: PageGlyphs, runs: list[Run]) -> list[list[Run]]:
    """The page's runs in reading order of its areas: above a two-column zone, left column, right, below.

    A gutter is a band near the middle of the page that no long run crosses, with long runs side by side on
    both sides of it: a table's columns hold short cells, so they do not pass for a second column of text.
    """
    long = [r for r in runs if r.upright and r.x1 - r.x0 >= 0.2 * page.width and len(r.text.split()) >= 3]
    gutter = _gutter(page.width, long)
    if gutter is None:
        return [runs]
    g0, g1 = gutter
    left = [r for r in long if r.x1 <= g0]
    right = [r for r in long if r.x0 >= g1]
    side_by_side = [a for a in left if any(b.top < a.bottom and b.bottom > a.top for b in right)]
    if len(side_by_side) < 4:
        return [runs]
    zone_top = min(min(r.top for r in left), min(r.top for r in right))
    zone_bottom = max(max(r.bottom for r in left), max(r.bottom for r in right))
    crossing = [r for r in runs if r.x0 < g0 and r.x1 > g1 and zone_top < r.middle < zone_bottom]
    if crossing:
        return [runs]
    above = [r for r in runs if r.middle <= zone_top]
    below = [r for r in runs if r.middle >= zone_bottom]
    inside = [r for r in runs if zone_top < r.middle < zone_bottom]
    middle = (g0 + g1) / 2
    left_column = [r for r in inside if (r.x0 + r.x1) / 2 < middle]
    right_column = [r for r in inside if (r.x0 + r.x1) / 2 >= middle]
    return [part for part in (above, left_column, right_column, below) if part]


def _gutter(width: float, long: list[Run]) -> tuple[float, float] | None:
    if len(long) < 8:
        return None
    lo, hi = int(0.3 * width), int(0.7 * width)
    covered = [False] * (hi - lo)
    for r in long:
        for x in range(max(lo, int(r.x0)), min(hi, int(r.x1) + 1)):
            covered[x - lo] = True
    best, start = None, None
    for i, c in enumerate([*covered, True]):
        if not c and start is None:
            start = i
        elif c and start is not None:
            if i - start >= 8 and (best is None or i - start > best[1] - best[0]):
                best = (start + lo, i + lo)
            start = None
    return best


def furniture_key(line: Line) -> str:
    """A line's text with digits folded, to see a running header whose page number changes."""
    return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))


def find_furniture(pages: list[list[Line]], heights: list[float]) -> set[tuple[int, int]]:
    """(page index, line index) of running headers and footers, page numbers and 'left blank' notices."""
    edge: Counter[tuple[str, str]] = Counter()
    where: list[list[tuple[str, str] | None]] = []
    for lines, height in zip(pages, heights, strict=True):
        marks: list[tuple[str, str] | None] = []
        for line in lines:
            top, bottom = line.bottom <= EDGE_BAND * height, line.top >= (1 - EDGE_BAND) * height
            side = "top" if top else "bottom" if bottom else ""
            marks.append((side, furniture_key(line)) if side else None)
        for mark in set(m for m in marks if m):
            edge[mark] += 1
        where.append(marks)
    repeated = {m for m, n in edge.items() if n >= FURNITURE_PAGES and len(m[1]) < 160}
    out: set[tuple[int, int]] = set()
    for p, (lines, marks) in enumerate(zip(pages, where, strict=True)):
        for i, (line, mark) in enumerate(zip(lines, marks, strict=True)):
            rotated = not all(r.upright for r in line.runs)
            number = _PAGE_NUMBER.match(line.text) is not None
            if (
                (mark and (mark in repeated or number))
                or (rotated and number)
                or (rotated and re.fullmatch(r"page\s+\d+", line.text.strip(), re.I))
                or _BLANK_PAGE.match(line.text)
            ):
                out.add((p, i))
    return out
