"""A PDF page's text as pdfium lays it out: runs of characters with their boxes and fonts, and the ruled lines.

pdfium (Apache/BSD, via pypdfium2) gives every character its box, font size and weight at C speed; pypdf's
plain text has no geometry and pdfplumber's took 35 times as long per page on the corpus. Coordinates here
are in points from the page's top-left corner, so y grows down the page.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ingest import limits
from ingest.errors import FileTooLarge

# A gap between two characters ends a run when it is wider than this share of the font size. pdfium writes a
# space of its own (a "generated" one) where the PDF positions the next word without a space character: there a
# right-aligned number and the label beside it may be only half an em apart, while words sit a quarter em apart.
GENERATED_GAP = 0.45
SPACE_GAP = 4.0  # a real space stretched this wide is a column gap: justified lines stretch theirs past 2 ems
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demibold")
# A stroke or a filled rectangle this thin is a ruled line of a table or a box.
RULE_THICKNESS = 2.5


@dataclass(frozen=True)
class Run:
    """Characters on one baseline with no column gap inside: a word, a phrase, a table cell's line."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size in points, of the run's first character
    bold: float  # share of the run's letters in a bold font
    upright: bool = True  # False for rotated text (a "Page 9" stamp up the side of a landscape table)
    words: tuple[tuple[int, float], ...] = ()  # (offset in text, x0) of each word after the first
    baseline: float = 0.0  # where the first letter sits: line spacing is measured between baselines

    def split_at(self, x: float) -> tuple[Run, Run] | None:
        """The run cut at the word boundary nearest x (a number and a label run together), or None."""
        cuts = [(abs(wx - x), k, wx) for k, wx in self.words if self.x0 < wx < self.x1]
        if not cuts:
            return None
        _, k, wx = min(cuts)
        left, right = self.text[:k].rstrip(), self.text[k:].lstrip()
        if not left or not right:
            return None
        shift = len(self.text) - len(right)
        before = tuple(w for w in self.words if w[0] < k)
        after = tuple((o - shift, wx2) for o, wx2 in self.words if o > k)
        look = (self.top, self.bottom, self.size, self.bold, self.upright)
        return (
            Run(left, self.x0, wx - 1.0, *look, before, self.baseline),
            Run(right, wx, self.x1, *look, after, self.baseline),
        )

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Rule:
    """A ruled line: horizontal when `horizontal`, from (x0, top) to (x1, bottom)."""

    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.x1 - self.x0 >= self.bottom - self.top


@dataclass(frozen=True)
class PageGlyphs:
    """One page: its size, its runs in the order the PDF draws them, and its ruled lines."""

    number: int  # 1-based
    width: float
    height: float
    runs: tuple[Run, ...]
    rules: tuple[Rule, ...]


class _Font:
    """Font size and weight of a character, asked of pdfium once per word, not per letter."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.tp = textpage.raw
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    def size(self, i: int) -> float:
        return float(raw.FPDFText_GetFontSize(self.tp, i))

    def bold(self, i: int) -> bool:
        if raw.FPDFText_GetFontWeight(self.tp, i) >= 600:
            return True
        raw.FPDFText_GetFontInfo(self.tp, i, self.name, 128, ctypes.byref(self.flags))
        name = self.name.value.decode("latin-1").lower()
        return any(b in name for b in _BOLD_NAMES) or bool(self.flags.value & (1 << 18))  # FontDescriptor ForceBold


def read_page(page: pdfium.PdfPage, number: int, max_chars: int | None = None) -> PageGlyphs:
    """The runs and ruled lines of one page; FileTooLarge when it holds more than `max_chars` characters."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        # Counted by pdfium before the per-character loop below, the slow part, takes them one by one.
        if max_chars is not None and textpage.count_chars() > max_chars:
            raise FileTooLarge(f"page {number} takes the text past the {limits.MAX_CHARS:,} character limit")
        runs = _runs(textpage, height)
    finally:
        textpage.close()
    return PageGlyphs(number, width, height, tuple(runs), tuple(_rules(page, height)))


def _runs(textpage: pdfium.PdfTextPage, height: float) -> list[Run]:
    n = textpage.count_chars()
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    if len(text) != n:  # characters outside the BMP come back as surrogate pairs: ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, i)) or " " for i in range(n))
    text = text.replace("\ufffe", "-")  # pdfium's mark for a hyphen it found at a line end
    # Symbol and Wingdings glyphs come through in the private use area: as list markers they are bullets.
    text = _PRIVATE_USE.sub("•", text)
    tp = textpage.raw
    font = _Font(textpage)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    baseline = 0.0
    runs: list[Run] = []
    chars: list[str] = []
    box: list[float] = []  # x0, x1, top, bottom of the run so far
    size = 0.0
    bold_letters = letters = 0
    last = (0.0, 0.0, 0.0, 0.0)  # the previous letter's box
    space = ""  # what stands between the last letter and the next: "", "real" or "generated" (pdfium's own)
    word_bold = False
    upright = True

    words: list[tuple[int, float]] = []

    def flush() -> None:
        nonlocal chars, box, bold_letters, letters, words
        body = "".join(chars).rstrip()
        if body.strip() and box:
            lead = len(body) - len(body.lstrip())
            starts = tuple((k - lead, x) for k, x in words if k > lead)
            bold = bold_letters / max(letters, 1)
            runs.append(Run(body.lstrip(), box[0], box[1], box[2], box[3], size, bold, upright, starts, baseline))
        chars, box, bold_letters, letters, words = [], [], 0, 0, []

    for i, ch in enumerate(text):
        if ch in "\r\n":
            flush()
            space = ""
            continue
        if ch.isspace() or ch == "\x00":
            if chars and not space:
                space = "generated" if raw.FPDFText_IsGenerated(tp, i) == 1 else "real"
                chars.append(" ")
            continue
        raw.FPDFText_GetCharBox(tp, i, left, right, bottom, top)
        x0, x1, y0, y1 = left.value, right.value, height - top.value, height - bottom.value
        new_word = not box or bool(space)
        if box:
            limit = SPACE_GAP if space == "real" else GENERATED_GAP
            if upright:
                gap = x0 - last[1]
                same_line = y0 < box[3] and y1 > box[2]  # the boxes overlap vertically (superscripts do)
            else:  # text up or down the page: the letters stack, so they share a column instead
                gap = max(y0 - last[3], last[2] - y1)
                same_line = x0 < box[1] and x1 > box[0]
            if not same_line or gap > limit * size or gap < -size:
                flush()
        if not box:
            size = font.size(i) or (y1 - y0)
            upright = _upright(tp, i)
            raw.FPDFText_GetCharOrigin(tp, i, origin_x, origin_y)
            baseline = height - origin_y.value
            box = [x0, x1, y0, y1]
        else:
            box[0], box[1] = min(box[0], x0), max(box[1], x1)
            box[2], box[3] = min(box[2], y0), max(box[3], y1)
        if new_word:
            word_bold = font.bold(i)
            if chars:
                words.append((len(chars), x0))
        if ch.isalnum():
            letters += 1
            bold_letters += word_bold
        chars.append(ch)
        last = (x0, x1, y0, y1)
        space = ""
    flush()
    return runs


def _stroked(obj) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke)):
        return True
    return bool(stroke.value)


def _upright(tp, i: int) -> bool:
    angle = raw.FPDFText_GetCharAngle(tp, i)  # radians; -1 when unknown
    return angle < 0 or min(angle, 6.2832 - angle) < 0.2 or abs(angle - 3.1416) < 0.2


def _rules(page: pdfium.PdfPage, height: float) -> list[Rule]:
    """Thin strokes and thin filled rectangles: the lines tables and boxes are drawn with."""
    out: list[Rule] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1):
        if not raw.FPDFPageObj_GetBounds(obj.raw, left, bottom, right, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, height - top.value, height - bottom.value
        w, h = x1 - x0, y1 - y0
        if min(w, h) <= RULE_THICKNESS and max(w, h) >= 4:
            out.append(Rule(x0, x1, y0, y1))
        elif w > 4 and h > 4 and raw.FPDFPath_CountSegments(obj.raw) in (4, 5, 6) and _stroked(obj):
            # A rectangle outlined as one path (a box round a cell or a panel): its four edges are rules. A filled
            # one without an outline is shading behind a header row, inset from the rules: not a rule.
            out += [Rule(x0, x1, y0, y0), Rule(x0, x1, y1, y1), Rule(x0, x0, y0, y1), Rule(x1, x1, y0, y1)]
    return out
