"""Tables from a page's geometry: grids of ruled lines, and columns of text aligned without rules.

A table comes out as rows of cells, so a row can be cited with its column headers and a number stays in
its cell. A ruled box with one column (a panel round a summary) is not a table: its text flows as prose.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ingest.readers.pdf.glyphs import Rule, Run
from ingest.readers.pdf.lines import Line, build_lines

TOUCH = 2.5  # points: rules this close meet
# A list marker standing alone as a run: a bullet, "1." "(2)" "b)" "(iv)" "3.1".
MARKER = re.compile(
    r"^(?:[•●▪◦■□◼◻➢►‣⁃o\-–*✓✔]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,5}[.)]|\d{1,3}(?:\.\d{1,3})+\.?)$"
)
_NUMBER = re.compile(r"^[-–(£$€]*\d[\d,]*(\.\d+)?%?\)?$")
_YEARS = re.compile(r"^(19|20)\d{2}([-–/](19|20)?\d{2})?$")


@dataclass
class Table:
    """Rows of cells in reading order, with how many leading rows are column headers."""

    x0: float
    x1: float
    top: float
    bottom: float
    rows: list[list[str]]
    header_rows: int = 1
    runs: list[Run] = field(default_factory=list, repr=False)  # what it holds, kept out of the prose

    @property
    def contents(self) -> bool:
        """A table of contents: entries whose last cell is a page number."""
        numbered = [row for row in self.rows if re.fullmatch(r"\d{1,3}", [c for c in row if c][-1].strip())]
        return len(numbered) >= 3 and len(numbered) >= 0.6 * len(self.rows)


def _cluster(values: list[float], tol: float = TOUCH) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _components(rules: list[Rule]) -> list[list[Rule]]:
    """Rules that touch one another, grouped (union-find)."""
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(rules):
        for j in range(i + 1, len(rules)):
            b = rules[j]
            if (
                a.x0 - TOUCH <= b.x1
                and b.x0 - TOUCH <= a.x1
                and a.top - TOUCH <= b.bottom
                and b.top - TOUCH <= a.bottom
            ):
                parent[find(i)] = find(j)
    groups: dict[int, list[Rule]] = {}
    for i, r in enumerate(rules):
        groups.setdefault(find(i), []).append(r)
    return list(groups.values())


def ruled_tables(runs: list[Run], rules: list[Rule], page: int) -> list[Table]:
    """Tables drawn with rules: the grid's vertical rules and the text's own alignment give the columns.

    Rules may mark only column groups (a budget's years) or only some rows: the text inside still lines up.
    """
    tables = []
    for group in _components(rules):
        verticals = [r for r in group if not r.horizontal]
        horizontals = [r for r in group if r.horizontal]
        xs = _cluster([(r.x0 + r.x1) / 2 for r in verticals])
        ys = _cluster([(r.top + r.bottom) / 2 for r in horizontals])
        if len(xs) < 2 or len(ys) < 2 or (len(xs) < 3 and len(ys) < 3):
            continue
        x0, x1 = min(r.x0 for r in group), max(r.x1 for r in group)
        top, bottom = min(r.top for r in group), max(r.bottom for r in group)
        inside = [r for r in runs if r.upright and x0 <= (r.x0 + r.x1) / 2 <= x1 and top <= r.middle <= bottom]
        if not inside:
            continue
        lines = build_lines(inside, page)
        multi = [cells for ln in lines if len(cells := _merge_marker(ln)) >= 2]
        # Prose in a box has a few lines with a wide gap; a table's text lines up on most of its lines.
        seps = _separators(multi, x0, x1) if len(multi) >= max(2, 0.3 * len(lines)) else []
        bounds = _cluster([x0, *xs[1:-1], *((a + b) / 2 for a, b in seps), x1], 6.0)
        table = _build(lines, bounds, ys, verticals)
        if table is not None:
            tables.append(table)
    return tables


def _merge_marker(line: Line) -> list[Run]:
    """A list item's marker and its text are one cell, not two columns ("1)", "(a)", "•" then the text)."""
    runs = line.runs
    if len(runs) >= 2 and MARKER.match(runs[0].text):
        a, b = runs[0], runs[1]
        top, bottom = min(a.top, b.top), max(a.bottom, b.bottom)
        joined = Run(f"{a.text} {b.text}", a.x0, b.x1, top, bottom, b.size, b.bold, baseline=b.baseline)
        return [joined, *runs[2:]]
    return runs


def _separators(lines: list[list[Run]], x0: float, x1: float) -> list[tuple[float, float]]:
    """Gaps that almost no row's runs cross: the column boundaries."""
    if not lines:
        return []
    width = int(x1 - x0) + 2
    cover = [0] * width
    for runs in lines:
        for r in runs:
            for x in range(max(0, int(r.x0 - x0)), min(width, int(r.x1 - x0) + 1)):
                cover[x] += 1
    allowed = len(lines) // 8
    seps, start = [], None
    for i, c in enumerate(cover):
        if c <= allowed and start is None:
            start = i
        elif c > allowed and start is not None:
            if i - start >= 2 and start > 0:
                seps.append((x0 + start, x0 + i))
            start = None
    return seps


def aligned_tables(lines: list[Line], page: int) -> list[tuple[int, int, Table]]:
    """Runs of lines whose cells line up in columns without rules: (first line, last line, table)."""
    out = []
    i = 0
    while i < len(lines):
        j, multi = _group(lines, i)
        if multi >= 2:
            table = _aligned(lines[i : j + 1])
            if table is not None:
                out.append((i, j, table))
                i = j + 1
                continue
        i += 1
    return out


def _group(lines: list[Line], i: int) -> tuple[int, int]:
    """The last line of a candidate group starting at line i, and how many of its lines hold several cells."""
    if len(_merge_marker(lines[i])) < 2:
        return i, 0
    j, multi, singles = i, 1, 0
    k = i + 1
    while k < len(lines):
        line, prev = lines[k], lines[k - 1]
        close = line.top - prev.bottom <= 1.6 * prev.height
        cells = len(_merge_marker(line))
        if cells >= 2 and line.top - lines[j].bottom <= 2.5 * prev.height:
            j, multi, singles = k, multi + 1, 0
        elif cells == 1 and close and singles < 3:
            singles += 1
        else:
            break
        k += 1
    return j, multi


def _aligned(group: list[Line]) -> Table | None:
    runs_by_line = [_merge_marker(line) for line in group]
    x0 = min(line.x0 for line in group)
    x1 = max(line.x1 for line in group)
    seps = _separators([runs for runs in runs_by_line if len(runs) >= 2], x0, x1)
    if not seps:
        return None
    # A line of one run across a column boundary is prose (a justified line), not a cell that wrapped.
    if any(len(runs) == 1 and any(runs[0].x0 < a - 3 and runs[0].x1 > b + 3 for a, b in seps) for runs in runs_by_line):
        return None
    return _build(group, [x0 - 1, *((a + b) / 2 for a, b in seps), x1 + 1], [], [])


def _build(lines: list[Line], bounds: list[float], rule_ys: list[float], verticals: list[Rule]) -> Table | None:
    """Rows of cells from lines: a line filling several cells starts a row; a line of one cell wraps the last.

    A horizontal rule between two lines always starts a row. A cell with no vertical rule at its right edge
    in that row spans on to the next column (a merged cell), so its text stays whole in its first column.
    """
    ncols = len(bounds) - 1
    if ncols < 2:
        return None
    rows: list[list[list[Run]]] = []
    used: list[Run] = []
    prev: Line | None = None
    placements = [_place(line, bounds, verticals, ncols) for line in lines]
    whole = _bands_of_prose(lines, placements, rule_ys)
    for n, (line, placed) in enumerate(zip(lines, placements, strict=True)):
        used += line.runs
        filled = [c for c in range(ncols) if placed[c]]
        ruled = prev is not None and any(prev.middle < y < line.middle for y in rule_ys)
        wraps = rows and not ruled and filled and (n in whole or
            (len(filled) == 1 and (not rows[-1][filled[0]] or _continues(rows[-1][filled[0]], line)))
            # Several cells wrapping at once: the row's key column stays empty and each cell runs on.
            or (
                0 not in filled
                and rows[-1][0]
                and all(rows[-1][c] and _continues(rows[-1][c], line) for c in filled)
            )
        )
        if wraps:
            for c in filled:
                rows[-1][c] += placed[c]
        else:
            rows.append(placed)
        prev = line
    cells = [[" ".join(r.text for r in cell) for cell in row] for row in rows]
    keep = [c for c in range(ncols) if any(row[c] for row in cells)]
    cells = [[row[c] for c in keep] for row in cells]
    if len(keep) < 2 or sum(1 for row in cells if sum(1 for c in row if c) >= 2) < 1:
        return None
    header = _header_rows(cells) or (1 if rule_ys else 0)
    top, bottom = lines[0].top, lines[-1].bottom
    return Table(bounds[0], bounds[-1], top, bottom, cells, header, used)


def _place(line: Line, bounds: list[float], verticals: list[Rule], ncols: int) -> list[list[Run]]:
    """A line's runs, cut where they cross a column boundary, in the columns they belong to."""
    placed: list[list[Run]] = [[] for _ in range(ncols)]
    for r in _merge_marker(line):
        for piece in _cut(r, bounds, verticals):
            placed[_column(piece, bounds, verticals)].append(piece)
    return placed


def _bands_of_prose(lines: list[Line], placements: list[list[list[Run]]], rule_ys: list[float]) -> set[int]:
    """Lines that continue the row above them because a ruled band holds wrapped prose, not rows of figures.

    Between two horizontal rules, a cell whose text runs on to a lower-case next line is a paragraph that
    wrapped; then every line of that band (up to a dozen) belongs to one row.
    """
    out: set[int] = set()
    if len(rule_ys) < 2:
        return out
    bands: dict[int, list[int]] = {}
    for n, line in enumerate(lines):
        bands.setdefault(bisect.bisect(rule_ys, line.middle), []).append(n)
    for members in bands.values():
        if not 2 <= len(members) <= 12:
            continue
        ncols = len(placements[members[0]])
        wrapped = any(
            placements[a][c] and placements[b][c] and placements[b][c][0].text[:1].islower()
            for a, b in zip(members, members[1:], strict=False)
            for c in range(ncols)
        )
        if wrapped:
            out.update(members[1:])
    return out


def _column(run: Run, bounds: list[float], verticals: list[Rule]) -> int:
    """The column a run's text belongs to: where it starts, moved left past boundaries no rule marks in its row."""
    col = min(len(bounds) - 2, max(0, bisect.bisect(bounds, run.x0 + 1) - 1))
    if verticals:
        while col > 0 and not any(
            abs((v.x0 + v.x1) / 2 - bounds[col]) < 3 and v.top <= run.middle <= v.bottom for v in verticals
        ) and _ruled_boundary(bounds[col], verticals):
            col -= 1
    return col


def _ruled_boundary(x: float, verticals: list[Rule]) -> bool:
    return any(abs((v.x0 + v.x1) / 2 - x) < 3 for v in verticals)


def _continues(cell: list[Run], line: Line) -> bool:
    """A one-cell line under a filled cell continues it when the cell's text did not end a sentence."""
    text = line.text
    return text[:1].islower() or text[:1] in "(&-" or not re.search(r"[.:;!?)]$", cell[-1].text)


def _cut(run: Run, bounds: list[float], verticals: list[Rule]) -> list[Run]:
    """A run that crosses a column boundary, cut at the word nearest it (a figure and its label ran together).

    A ruled boundary with no rule beside this run (a heading across the grid, a merged cell) does not cut it.
    """
    for b in bounds[1:-1]:
        if not run.x0 + 2 < b < run.x1 - 2:
            continue
        if _ruled_boundary(b, verticals) and not any(
            abs((v.x0 + v.x1) / 2 - b) < 3 and v.top <= run.middle <= v.bottom for v in verticals
        ):
            continue
        parts = run.split_at(b)
        if parts:
            return [*_cut(parts[0], bounds, verticals), *_cut(parts[1], bounds, verticals)]
    return [run]


def _header_rows(cells: list[list[str]]) -> int:
    """Leading rows with no figure in them (years and units are headers), when later rows hold figures."""
    def data(row: list[str]) -> bool:
        return any(_NUMBER.match(c.replace(" ", "")) and not _YEARS.match(c.strip()) for c in row if c)

    first_data = next((n for n, row in enumerate(cells) if data(row)), None)
    if first_data is None:
        return 0
    return min(first_data, 4)
