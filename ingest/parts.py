"""A document pack (agenda, minutes, a report, a letter in one file) split into its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.dates import first_date
from ingest.lines import Line, heading_text

# Lines that open a new paper inside a pack.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("minutes", re.compile(r"^\s*(Minutes|MINUTES OF THE MEETING\b.*)\s*$")),
    ("report", re.compile(r"^\s*#*\s*\**Report to\b")),
    ("agenda", re.compile(r"^\s*Agenda Item\s+\d+\s*(Appendix.*)?$", re.IGNORECASE)),
    ("letter", re.compile(r"^\s*Dear\s+\S")),
    ("plan", re.compile(r"^\s*\**[A-Z][^.:]{5,100}\b(Action Plan|Improvement Plan)\s*\**$")),
    ("review", re.compile(r"^\s*\**(?:[A-Z][^.:]{0,60}\s)?(Review on|Review of|Inquiry)\b[^.:]{0,60}$")),
    ("paper", re.compile(r"^\s*\**Title:?\**\s*:?\s*\S")),
)
_MIN_GAP = 12  # lines: cues closer than this belong to the part already opened


@dataclass(frozen=True)
class Part:
    """A paper inside a pack: the line it starts at, its title and date."""

    first_line: int
    kind: str
    title: str
    date: str | None


def _title(kind: str, lines: list[Line], i: int, end: int) -> str:
    window = [ln.text.strip() for ln in lines[i:end] if ln.text.strip()]
    text = "\n".join(window[:25])
    field = re.search(r"^\s*\**Title:?\**\s*:?\s*(.+)$", text, re.MULTILINE)
    if field:
        return heading_text(field.group(1))
    if kind == "minutes":
        held = next((w for w in window[:12] if w.upper().startswith("MINUTES OF THE MEETING")), None)
        when = first_date(held or text)
        return f"Minutes of the meeting of {when}" if when else "Minutes"
    if kind == "letter":
        # The line after the salutation is the letter's subject.
        sal = next((k for k, w in enumerate(window) if w.startswith("Dear ")), None)
        if sal is not None and sal + 1 < len(window):
            return heading_text(window[sal + 1])
    return heading_text(window[0]) if window else kind


def find_parts(lines: list[Line]) -> list[Part]:
    """The parts of a pack, in order; a single paper is one part starting at line 0."""
    starts: list[tuple[int, str]] = [(0, "document")]
    for i, ln in enumerate(lines):
        for kind, cue in _CUES:
            if cue.match(ln.text):
                if i - starts[-1][0] >= _MIN_GAP:
                    if kind == "letter":
                        i = _letter_head(lines, i)
                    starts.append((i, kind))
                elif starts[-1][1] in ("agenda", "document") and kind != "agenda" and len(starts) > 1:
                    starts[-1] = (starts[-1][0], kind)  # "Agenda Item 4" then "Minutes": a minutes part
                break
    parts = []
    for n, (i, kind) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        head = "\n".join([ln.text for ln in lines[i:end] if ln.text.strip()][:15])
        parts.append(Part(i, kind, _title(kind, lines, i, end), first_date(head)))
    return parts


def _letter_head(lines: list[Line], i: int) -> int:
    """A letter starts at its date line, a few lines above the salutation, when there is one."""
    for j in range(i - 1, max(-1, i - 20), -1):
        if first_date(lines[j].text) and len(lines[j].text.strip()) <= 30:
            return j
    return i
