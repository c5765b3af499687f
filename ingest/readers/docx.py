"""Word .docx: body paragraphs and tables in order, headings as markdown, automatic numbering rendered."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from lxml.etree import XMLSyntaxError, _Element

from ingest import limits
from ingest.errors import CorruptFile, EmptyDocument, FileTooLarge
from ingest.models import Extracted
from ingest.readers.text import join_pages

_PAGE = "\f"  # stands for an explicit page break inside a paragraph's text until pages are split
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Skipped inside a paragraph: properties, the legacy copy of drawings, text boxes (their own paragraphs).
_SKIP = {qn("w:pPr"), qn("w:rPr"), qn("w:txbxContent"), _MC_FALLBACK}
_HEADING = re.compile(r"^heading ([1-6])$", re.I)


@dataclass(frozen=True)
class _Level:
    fmt: str  # w:numFmt: decimal, lowerLetter, upperRoman, bullet, none, ...
    text: str  # w:lvlText: "%1." or "%1.%2" or "(%2)"
    start: int
    restart: int | None  # w:lvlRestart: restart only after levels shallower than this; 0 = never


class _Numbering:
    """numbering.xml resolved to levels per numId, and the running counters Word keeps per list."""

    def __init__(self, root: _Element | None, style_num: dict[str, str]) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.iter(qn("w:abstractNum"))}
        for num in root.iter(qn("w:num")):
            abs_id = _val(num.find(qn("w:abstractNumId")))
            levels = _levels(abstract.get(abs_id), abstract, root, style_num)
            for override in num.iter(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                if (lvl := override.find(qn("w:lvl"))) is not None:
                    levels[ilvl] = _level(lvl)
                if (start := _val(override.find(qn("w:startOverride")))) is not None and ilvl in levels:
                    levels[ilvl] = replace(levels[ilvl], start=int(start))
            self._levels[num.get(qn("w:numId"))] = levels

    def label(self, num_id: str, ilvl: int) -> tuple[str, bool]:
        """Advance the list's counters; return the rendered number ("45.", "a)") and whether it is a bullet."""
        levels = self._levels.get(num_id, {})
        level = levels.get(ilvl) or _Level("decimal", f"%{ilvl + 1}.", 1, None)
        state = self._counters.setdefault(num_id, {})
        state[ilvl] = state[ilvl] + 1 if ilvl in state else level.start
        for deeper in [d for d in state if d > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if ilvl < (deeper if restart is None else restart):
                del state[deeper]
        if level.fmt == "bullet":
            return "", True

        def render(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = levels.get(k) or level
            return _format(state.get(k, lvl.start), lvl.fmt)

        return re.sub(r"%([1-9])", render, level.text).strip(), False


def _val(el: _Element | None) -> str | None:
    return None if el is None else el.get(qn("w:val"))


def _level(lvl: _Element) -> _Level:
    restart = _val(lvl.find(qn("w:lvlRestart")))
    return _Level(
        fmt=_val(lvl.find(qn("w:numFmt"))) or "decimal",
        text=_val(lvl.find(qn("w:lvlText"))) or "",
        start=int(_val(lvl.find(qn("w:start"))) or "1"),
        restart=None if restart is None else int(restart),
    )


def _levels(
    abstract: _Element | None,
    all_abstract: dict[str | None, _Element],
    root: _Element,
    style_num: dict[str, str],
) -> dict[int, _Level]:
    if abstract is None:
        return {}
    # A list style's abstractNum holds no levels, only a link to the style whose numId has them.
    link = _val(abstract.find(qn("w:numStyleLink")))
    if link and link in style_num:
        for num in root.iter(qn("w:num")):
            if num.get(qn("w:numId")) == style_num[link]:
                target = all_abstract.get(_val(num.find(qn("w:abstractNumId"))))
                if target is not None and target is not abstract:
                    return _levels(target, all_abstract, root, {})
    return {int(lvl.get(qn("w:ilvl"), "0")): _level(lvl) for lvl in abstract.iter(qn("w:lvl"))}


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        # Word repeats the letter past z: aa, bb, ...
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)  # decimal, and the formats we do not render (ordinal, cardinalText, ...)


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = ""
    for value, numeral in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out += numeral * count
    return out


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None


class _Reader:
    """One pass over the body: blocks per page, with heading and table hints."""

    def __init__(self, document: DocxDocument) -> None:
        self.styles, self.default_style = _styles(document)
        style_num = {sid: s.num_id for sid, s in self.styles.items() if s.num_id}
        self.numbering = _Numbering(_numbering_root(document), style_num)
        self.pages: list[list[tuple[str, str | None]]] = [[]]
        self.paginated = False

    def walk(self, container: _Element) -> None:
        for child in container:
            if child.tag == qn("w:p"):
                self.paragraph(child)
            elif child.tag == qn("w:tbl"):
                self.table(child)
            elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
                self.walk(child)

    def paragraph(self, p: _Element) -> None:
        ppr = p.find(qn("w:pPr"))
        if self.is_toc(ppr):  # a table of contents repeats the headings with page numbers: noise to search
            return
        before = ppr.find(qn("w:pageBreakBefore")) if ppr is not None else None
        if before is not None and _val(before) not in ("0", "false"):
            self.new_page()
        marks, number = self.prefix(ppr)
        prefix = marks + number
        for i, piece in enumerate(_text(p).split(_PAGE)):
            if i:
                self.new_page()
            text = " ".join(piece.split())
            if text:
                self.pages[-1].append((prefix + text, "heading" if marks else None))
                prefix = marks = ""  # the rest of a paragraph split by a page break is plain text

    def is_toc(self, ppr: _Element | None) -> bool:
        return any(s.name.lower().startswith("toc ") for s in self.style_chain(ppr))

    def prefix(self, ppr: _Element | None) -> tuple[str, str]:
        """The heading marks ("## ") and the list number Word draws but does not store ("  - a) ")."""
        chain = self.style_chain(ppr)
        level = next((lv for s in chain if (lv := _heading_level(s.name))), 0)
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num_id = _val(numpr.find(qn("w:numId"))) if numpr is not None else None
        ilvl_s = _val(numpr.find(qn("w:ilvl"))) if numpr is not None else None
        num_id = num_id or next((s.num_id for s in chain if s.num_id), None)
        ilvl = int(ilvl_s) if ilvl_s else next((s.ilvl for s in chain if s.ilvl is not None), 0)
        marks = "#" * level + " " if level else ""
        if not num_id or num_id == "0":  # numId 0 switches inherited numbering off
            return marks, ""
        label, bullet = self.numbering.label(num_id, ilvl)
        # The seeds' shapes: "45. text", "- text", and sub-levels indented as "  - a) text".
        indent = "  " * ilvl
        if bullet:
            return marks, indent + "- "
        if not label:
            return marks, ""
        return marks, (indent + "- " if ilvl else "") + label + " "

    def style_chain(self, ppr: _Element | None) -> list[_Style]:
        style_id = (_val(ppr.find(qn("w:pStyle"))) if ppr is not None else None) or self.default_style
        chain: list[_Style] = []
        while style_id in self.styles and len(chain) < 20:
            chain.append(self.styles[style_id])
            style_id = self.styles[style_id].based_on or ""
        return chain

    def table(self, tbl: _Element) -> None:
        rows = tbl.findall(qn("w:tr"))
        if rows and all(len(tr.findall(qn("w:tc"))) <= 1 for tr in rows):
            # A one-column table is a box drawn around text, not data: read its cells as body.
            for tc in (tc for tr in rows for tc in tr.findall(qn("w:tc"))):
                self.walk(tc)
            return
        lines = []
        for tr in rows:
            cells = []
            for tc in tr.findall(qn("w:tc")):
                parts = []
                for p in tc.iter(qn("w:p")):
                    _, number = self.prefix(p.find(qn("w:pPr")))  # counters run on through tables
                    parts.append(number.strip() + " " + _text(p).replace(_PAGE, " "))
                cells.append(" ".join(" ".join(parts).split()))
            if any(cells):
                lines.append("\t".join(cells))
        if lines:
            self.pages[-1].append(("\n".join(lines), "table"))

    def new_page(self) -> None:
        self.paginated = True
        self.pages.append([])

    def extracted(self) -> Extracted:
        texts = ["\n\n".join(text for text, _ in blocks) for blocks in self.pages]
        joined = join_pages(texts) if self.paginated else Extracted(text=texts[0])
        spans = []
        for start, blocks in zip(joined.page_starts or (0,), self.pages, strict=True):
            pos = start
            for text, kind in blocks:
                if kind:
                    spans.append((pos, pos + len(text), kind))
                pos += len(text) + 2  # the blank line between blocks
        return Extracted(text=joined.text, page_starts=joined.page_starts, hints=tuple(spans))


def _heading_level(name: str) -> int:
    if name.lower() == "title":
        return 1
    match = _HEADING.match(name)
    return int(match.group(1)) if match else 0


def _text(p: _Element) -> str:
    # Word keeps list numbers out of the runs; everything the reader sees in the runs is here.
    out = []
    for child in p:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == qn("w:t"):
            out.append(child.text or "")
        elif tag in (qn("w:tab"), qn("w:cr")):
            out.append(" ")  # a tab in body text would read as a table row downstream
        elif tag == qn("w:br"):
            out.append(_PAGE if child.get(qn("w:type")) == "page" else " ")
        elif tag == qn("w:noBreakHyphen"):
            out.append("-")
        elif tag != qn("w:softHyphen"):
            out.append(_text(child))
    return "".join(out)


def _styles(document: DocxDocument) -> tuple[dict[str, _Style], str]:
    """Paragraph styles by id, and the id of the default one (not always "Normal" in other languages)."""
    styles, default = {}, "Normal"
    for st in document.styles.element.iter(qn("w:style")):
        if st.get(qn("w:type")) != "paragraph":
            continue
        if st.get(qn("w:default")) in ("1", "true"):
            default = st.get(qn("w:styleId"))
        numpr = st.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        ilvl = _val(numpr.find(qn("w:ilvl"))) if numpr is not None else None
        styles[st.get(qn("w:styleId"))] = _Style(
            name=_val(st.find(qn("w:name"))) or "",
            based_on=_val(st.find(qn("w:basedOn"))),
            num_id=_val(numpr.find(qn("w:numId"))) if numpr is not None else None,
            ilvl=int(ilvl) if ilvl else None,
        )
    return styles, default


def _numbering_root(document: DocxDocument) -> _Element | None:
    # Looked up through the relationships: python-docx's numbering_part would create one when absent.
    for rel in document.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return rel.target_part.element
    return None


def _check_inflated(path: Path) -> None:
    """Refuse an archive whose parts inflate past the limits, before python-docx inflates any.

    The sizes checked are the archive's own claims; zipfile never inflates a part past its claimed size (the
    surplus fails the CRC, as BadZipFile), so a lying archive costs no more than an honest one. XML depth is
    bounded by libxml2 itself (256 levels without XML_PARSE_HUGE, which python-docx does not set).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorruptFile(f"not a readable .docx ({str(exc)[:100]})") from None
    for part in parts:
        if part.filename.lower().endswith((".xml", ".rels")) and part.file_size > limits.MAX_XML:
            mb = part.file_size / 1e6
            raise FileTooLarge(f"{part.filename[:60]} inflates to {mb:.0f} MB uncompressed, over the limit")
    if (total := sum(part.file_size for part in parts)) > limits.MAX_INFLATED:
        raise FileTooLarge(f"the archive inflates to {total / 1e6:.0f} MB uncompressed, over the limit")


def read_docx(path: Path) -> Extracted:
    """Extract a .docx body in order: '#' headings, rendered list numbers, tab-separated tables."""
    path.stat()  # a missing file is FileNotFoundError, not a corrupt one
    if not zipfile.is_zipfile(path):
        raise CorruptFile("not a .docx (not a zip archive)")
    _check_inflated(path)
    try:
        document = docx.Document(str(path))
        reader = _Reader(document)
        reader.walk(document.element.body)
    except (OpcError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:100]
        raise CorruptFile(f"not a readable .docx ({reason})") from None
    extracted = reader.extracted()
    if not extracted.text.strip():
        raise EmptyDocument("no text in the document")
    return extracted
