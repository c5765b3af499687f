"""The paper's own numbering as a label path: minute 88, its item (2), that item's point (b) -> "88(2)(b)".

Each enumerator style ("12.", "3.4", "(2)", "b)", "(iv)") is a level; a marker of a style already open
closes the levels below it, a new style opens a level under the last one. A numbered heading (a minute,
a report section) starts a new path; a dotted number ("3.4") is a path of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# (style, pattern): the first that matches a line's start names its marker. Order matters: "(i)" is tried
# as a roman numeral and a letter, decided by what is open (see Numbering.style_of).
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dotted", re.compile(r"^\s*(?:-\s+)?(\d{1,3}(?:\.\d{1,3})+)\.?(?=[\s\t]|$)")),
    ("num", re.compile(r"^\s*(?:-\s+)?(\d{1,3})\.(?=[\s\t]|$)")),
    # "(2)" and "2)" are two styles: minutes number their paragraphs "2)" and may quote a motion's "(2)".
    ("pnum", re.compile(r"^\s*(?:-\s+)?\((\d{1,2})\)(?=[\s\t]|$)")),
    ("rnum", re.compile(r"^\s*(?:-\s+)?(\d{1,2})\)(?=[\s\t]|$)")),
    (
        "letter",
        re.compile(
            r"^\s*(?:-\s+)?\(([a-zA-Z]|[ivxlIVXL]{1,5})\)(?=[\s\t]|$)|^\s*(?:-\s+)?([a-zA-Z]|[ivxlIVXL]{1,5})\)(?=[\s\t]|$)"
        ),
    ),
    ("letter", re.compile(r"^\s*-\s+([IVX]{1,5})\.(?=\s)")),
)
_ROMAN = re.compile(r"^[ivxl]+$", re.IGNORECASE)


def marker(text: str) -> tuple[str, str] | None:
    """The enumerator a line starts with, as (style family, key), or None."""
    for style, pattern in _MARKERS:
        m = pattern.match(text)
        if m:
            return style, next(g for g in m.groups() if g)
    return None


@dataclass
class Numbering:
    """The open levels of numbering while reading a paper, top first."""

    stack: list[tuple[str, str]] = field(default_factory=list)  # (style, key)

    def heading(self, key: str | None) -> str | None:
        """A heading: a numbered one starts a new path; an unnumbered one closes the levels under the top."""
        if key is not None:
            self.stack = [("head", key)]
            return self.label()
        self.stack = self.stack[:1] if self.stack and self.stack[0][0] == "head" else []
        return None

    def see(self, family: str, key: str) -> str:
        """A paragraph's marker: close or open levels, and return the label path."""
        style = self.style_of(family, key)
        if style == "dotted":
            self.stack = [s for s in self.stack if s[0] == "head"] + [(style, key)]
            return self.label()
        if style == "dotted_quoted":  # a quotation inside the current point: the point's own numbering resumes
            self.stack = [s for s in self.stack if s[0] != "dotted_quoted"] + [(style, key)]
            return self.label()
        if style == "num" and not any(s[0] == "head" for s in self.stack):
            self.stack = [(style, key)]
            return self.label()
        for i, (open_style, _) in enumerate(self.stack):
            if open_style == style:
                self.stack = self.stack[:i]
                break
        self.stack.append((style, key))
        return self.label()

    def style_of(self, family: str, key: str) -> str:
        if family == "dotted":
            head = next((k for s, k in self.stack if s == "head"), None)
            # Under minute 306, a "14.60" is a paragraph quoted from elsewhere (the constitution), not 306's own.
            quoted = head is not None and re.fullmatch(r"\d{1,3}(\.\d{1,3})*", head) and not key.startswith(head + ".")
            return "dotted_quoted" if quoted else "dotted"
        if family != "letter":
            return family
        upper = key.isupper()
        if _ROMAN.match(key):
            # "i" after "h" is a letter; "(i)" opening a list, or under a letter, is a roman numeral.
            letters = [k for s, k in self.stack if s == ("alpha_upper" if upper else "alpha")]
            romans = [k for s, k in self.stack if s == ("roman_upper" if upper else "roman")]
            if romans or not letters or len(key) > 1 or ord(key.lower()) - ord(letters[-1].lower()) != 1:
                return "roman_upper" if upper else "roman"
        return "alpha_upper" if upper else "alpha"

    def label(self) -> str:
        """The open levels as one label: "88(2)(b)", "3.4(a)", "(iv)"."""
        out = ""
        for style, key in self.stack:
            if style == "dotted" or not out and style in ("head", "num", "dotted_quoted"):
                out = key
            else:
                out += f"({key})"
        return out

    def context(self) -> str:
        """The label of the open path, for paragraphs without a marker of their own ("88", "3.4")."""
        return self.label()

    def reset(self) -> None:
        self.stack = []
