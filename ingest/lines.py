"""Lines of extracted text, each with its offsets and what its shape says it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Order matters: the first pattern that matches names the line's kind.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("heading", re.compile(r"^\s*#{1,6}\s+\S")),
    ("agenda", re.compile(r"^\s*Agenda Item\s+(\d{1,2})\b", re.IGNORECASE)),
    ("keyfinding", re.compile(r"^\s*(?:-\s+)?\**Key finding\s+(\d{1,2})\b", re.IGNORECASE)),
    ("recommendation", re.compile(r"^\s*(?:-\s+)?\**Recommendation\s+(\d{1,2})\s*[:.]", re.IGNORECASE)),
    ("resolved", re.compile(r"^\s*(?:-\s+)?(?:\(?\d{1,2}\)\s+)?(RESOLVED\b|Resolved:|Resolved that\b)")),
    # A recorded vote's tally: "For (52)", "Against (0)", "Abstain (11)".
    ("vote", re.compile(r"^\s*(For|Against|Abstain|Abstentions?)\s*\((\d{1,3})\)", re.IGNORECASE)),
    # A tab between cells; not the indentation before a line, nor the one tab after "45." in "45.\tText".
    (
        "table",
        re.compile(
            r"^[ \t]*(?!(?:-\s+)?\(?(?:\d{1,3}(?:\.\d{1,2})?\.?|[a-zA-Z]\)|[ivxIVX]{1,5}[.)])\t[^\t]*$)\S[^\t]*\t"
        ),
    ),
    # "45. text", "- 45. text", "2.9 text": the paper's own paragraph numbers.
    ("num", re.compile(r"^\s*(?:-\s+)?(?:(\d{1,3}\.\d{1,2})\.?|(\d{1,3})\.)\s+(?=\S)")),
    # "a) text", "(b) text", "- (ii) text", "- I. text", "(2) text", "3) text": points under a numbered paragraph.
    (
        "sub",
        re.compile(
            r"^\s*(?:-\s+)?\(?([a-zA-Z]|[ivx]{1,5}|[IVX]{1,5}|\d{1,2})\)\s+|^\s*-\s+([IVX]{1,5})\.\s+"
        ),
    ),
    # "6 OFSTED INSPECTION OUTCOME REPORT": an item heading in minutes.
    ("item", re.compile(r"^\s*(\d{1,2})\s+(?=[A-Z][A-Z0-9'’&,\-/ ]{3,}$)")),
    ("bullet", re.compile(r"^\s*(?:[-•✓✔*▪●◦■□◼◻➢►‣⁃–]\s*|o\s+(?=[A-Z]))+")),
)

_TERMINAL = re.compile(r"[.!?:;\"”’)\]]\**\s*$")


@dataclass
class Line:
    """One line of the document with its [start, end) offsets (newline excluded)."""

    start: int
    end: int
    text: str
    kind: str  # blank heading agenda keyfinding recommendation resolved vote table contents num sub item bullet text
    key: str | None = None  # the number or letter the line carries ("45", "e", "6")
    level: int = 0  # for headings the reader marked: 1 is the largest type
    hint: int = -1  # which of the reader's table spans the line belongs to, if any

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def ends_sentence(self) -> bool:
        return bool(_TERMINAL.search(self.text))

    @property
    def starts_lower(self) -> bool:
        body = re.sub(r"^\s*(?:[-•✓*]\s+)*", "", self.text)
        return bool(body) and body[0].islower()


def classify(text: str) -> tuple[str, str | None]:
    """Name a line's kind from its shape, and the number or letter it carries."""
    if not text.strip() or text.strip() in ("-", "–", "•", "✓", "*"):
        return "blank", None  # a bullet with nothing after it is what a page break left behind
    for kind, pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            key = next((g for g in m.groups() if g), None) if m.groups() else None
            return kind, key
    return "text", None


def split_lines(text: str) -> list[Line]:
    """Split text into classified lines with their offsets."""
    lines, pos = [], 0
    for raw in text.split("\n"):
        kind, key = classify(raw)
        lines.append(Line(pos, pos + len(raw), raw, kind, key))
        pos += len(raw) + 1
    return lines


def apply_hints(lines: list[Line], hints: tuple[tuple[int, int, str], ...]) -> None:
    """Let the reader's structure decide: a line inside a heading span is a heading, inside a table a row."""
    if not hints:
        return
    spans = sorted(hints)
    k = 0
    for line in lines:
        while k < len(spans) and spans[k][1] <= line.start:
            k += 1
        if k == len(spans) or line.kind == "blank" or not spans[k][0] <= line.start < spans[k][1]:
            if line.kind == "heading" and not line.text.lstrip().startswith("#"):
                line.kind = "text"
            continue
        kind = spans[k][2]
        name, _, arg = kind.partition(":")
        if name == "heading":
            line.kind, line.level = "heading", int(arg) if arg.isdigit() else 3
        elif name in ("table", "contents"):
            line.kind, line.hint, line.key = name, k, arg or None


def heading_text(line: str) -> str:
    """A heading's words without markdown (#, **) or trailing colons."""
    return re.sub(r"^[#\s]+|\*\*|__", "", line).strip().rstrip(":").strip()


def looks_like_heading(line: Line, prev_blank: bool, next_blank: bool) -> bool:
    """A short, unpunctuated, capitalised line standing alone reads as a heading in converted PDFs."""
    t = line.text.strip()
    if line.kind != "text" or not (prev_blank and next_blank):
        return False
    if re.fullmatch(r"\*\*[^*]{2,100}\*\*", t):
        return True
    return (
        len(t) <= 80
        and 1 <= line.words <= 10
        and t[0].isupper()
        and not re.search(r"[.,;:]\s*$", t)
        and re.search(r"[A-Za-z]{3}", t) is not None
        and not re.search(r"\d{1,2}(st|nd|rd|th)?\s+\w+\s+\d{4}|https?://|@|\w:\**\s*\S", t)
    )
