"""HTML (mod.gov-style council pages): the main content as markdown-ish blocks, site chrome dropped."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from ingest import limits
from ingest.errors import EmptyDocument
from ingest.models import Extracted

_DROP_TAGS = ["script", "style", "nav", "footer", "aside", "noscript", "template", "iframe", "svg"]
_DROP_TAGS += ["button", "select", "input", "textarea", "head", "title", "meta", "link"]
# id/class words of site chrome; matched against whole words so "unavailable" does not read as "nav".
_CHROME = re.compile(
    r"^(nav\w*|\w*nav|\w*breadcrumbs?|crumbs?|\w*cookies?\w*|consent|gdpr|\w*menus?\w*|skip\w*|\w*footer)$"
)
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "menu", "menubar", "search", "alertdialog"}
_BLOCK_TAGS = {
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "form", "header", "hgroup", "hr", "html", "li", "main", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)


def _decode(raw: bytes) -> str:
    # A BOM outranks the meta tag; a declared charset we cannot honour falls back to UTF-8 with replacement.
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace")
    declared = _CHARSET.search(raw[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        # Browsers read latin-1 labels as windows-1252; council pages rely on it for curly quotes and dashes.
        name = "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else name
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return raw.decode("utf-8", errors="replace")


def _words(value: str | list[str] | None) -> list[str]:
    text = " ".join(value) if isinstance(value, list) else (value or "")
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # mgBreadCrumbs -> mg Bread Crumbs
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def _is_chrome(tag: Tag) -> bool:
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    if str(tag.get("role", "")).lower() in _CHROME_ROLES:
        return True
    return any(_CHROME.match(w) for w in _words(tag.get("id")) + _words(tag.get("class")))


def _root(soup: BeautifulSoup) -> Tag:
    # The page's own content region when it marks one; mod.gov puts the paper in #mgContent.
    for found in (
        soup.find("main"),
        soup.find(attrs={"role": "main"}),
        soup.find(id="mgContent"),
        soup.find(id="content"),
        soup.body,
    ):
        if isinstance(found, Tag):
            return found
    return soup


def _strip(root: Tag) -> None:
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in root.find_all("header"):
        # A header inside an article or main holds the paper's title; elsewhere it is the site's banner.
        if tag.find_parent(["article", "main"]) is None and not tag.decomposed:
            tag.decompose()
    for tag in root.find_all(lambda t: t.name == "form" or _is_chrome(t)):
        # ASP.NET pages (mod.gov among them) wrap the whole page in a <form>, and a content wrapper's class
        # may merely mention a menu ("has-subnav"): neither goes when it holds the page's title or content.
        if not tag.decomposed and not _holds_content(tag):
            tag.decompose()


def _holds_content(tag: Tag) -> bool:
    return tag.find(["h1", "main"]) is not None or tag.find(id=["mgContent", "content"]) is not None


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _inline_text(tag: Tag, skip: tuple[str, ...] = ()) -> str:
    return _collapse("".join(_pieces(tag, skip)))


def _pieces(tag: Tag, skip: tuple[str, ...]) -> list[str]:
    """The text under `tag`, in order; a loop, not recursion, since a hostile page nests thousands deep."""
    parts: list[str] = []
    open_tags = [iter(tag.children)]
    gaps: list[str] = []  # what to add once each open tag below `tag` ends
    while open_tags:
        node = next(open_tags[-1], None)
        if node is None:
            open_tags.pop()
            if gaps:
                parts.append(gaps.pop())
        elif isinstance(node, NavigableString):
            if not isinstance(node, _NOT_TEXT):
                parts.append(str(node))
        elif isinstance(node, Tag) and node.name not in skip:
            # Keep words apart where markup, not a space, separated them ("a<br>b", "<td>a</td><td>b</td>").
            gap = " " if node.name == "br" or node.name in _BLOCK_TAGS else ""
            parts.append(gap)
            gaps.append(gap)
            open_tags.append(iter(node.children))
    return parts


def _ol_mark(number: int, kind: str) -> str:
    # Lettered lists read as the seeds' sub-points ("a)"); roman and plain numbering as "N.".
    if kind in ("a", "A") and 0 < number <= 26:
        letter = chr(ord("a") + number - 1)
        return (letter.upper() if kind == "A" else letter) + ") "
    return f"{number}. "


class _Blocks:
    """Blocks in reading order, each a (text, kind) pair; kind marks headings and tables.

    `depth` is a list's indent; `nest` counts the blocks inside blocks, and past limits.MAX_DEPTH a block is read
    as one paragraph of the text it holds, so that no page can nest the walk past Python's recursion limit.
    """

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str | None]] = []

    def add(self, text: str, kind: str | None = None) -> None:
        if text.strip():
            self.blocks.append((text, kind))

    def walk(self, tag: Tag, depth: int = 0, nest: int = 0) -> None:
        if nest > limits.MAX_DEPTH:
            self.add(_inline_text(tag))
            return
        inline: list[str] = []  # text and inline elements between blocks form an anonymous paragraph
        for child in tag.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _NOT_TEXT):
                    inline.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name not in _BLOCK_TAGS:
                inline += _pieces(child, ()) if child.name != "br" else [" "]
                continue
            self.add(_collapse("".join(inline)))
            inline = []
            self.block(child, depth, nest + 1)
        self.add(_collapse("".join(inline)))

    def block(self, tag: Tag, depth: int, nest: int) -> None:
        name = tag.name
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _inline_text(tag)
            if text:
                self.add("#" * int(name[1]) + " " + text, "heading")
        elif name in ("p", "dt", "dd", "pre", "caption", "figcaption", "summary", "address"):
            self.add(_inline_text(tag))
        elif name in ("ul", "ol"):
            self.items(tag, depth, nest)
        elif name == "table":
            self.table(tag, depth, nest)
        elif name != "hr":
            self.walk(tag, depth, nest)

    def items(self, lst: Tag, depth: int, nest: int) -> None:
        if nest > limits.MAX_DEPTH:
            self.add(_inline_text(lst))
            return
        number = int(lst["start"]) if str(lst.get("start", "")).lstrip("-").isdigit() else 1
        for li in lst.find_all("li", recursive=False):
            text = _inline_text(li, skip=("ul", "ol"))
            # The seeds' list shapes: "- text", "3. text", and nested items indented as "  - 3. text".
            mark = _ol_mark(number, str(lst.get("type", ""))) if lst.name == "ol" else ""
            lead = "  " * depth + ("- " if depth or lst.name == "ul" else "")
            self.add(lead + mark + text)
            number += 1
            for sub in li.find_all(["ul", "ol"]):
                if sub.find_parent("li") is li:
                    self.items(sub, depth + 1, nest + 1)

    def table(self, table: Tag, depth: int, nest: int) -> None:
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        cells = [tr.find_all(["td", "th"], recursive=False) for tr in rows]
        if all(len(c) <= 1 for c in cells):
            # A one-column table is layout, not data (older council sites): read its cells as content.
            for cell in (c for row in cells for c in row):
                self.walk(cell, depth, nest + 1)
            return
        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            self.add(_inline_text(caption))
        lines = ["\t".join(_inline_text(c) for c in row) for row in cells]
        self.add("\n".join(line for line in lines if line.strip()), "table")


def read_html(path: Path) -> Extracted:
    """Extract a council web page's main content: '#' headings, paragraphs, list items, tab-separated tables."""
    soup = BeautifulSoup(_decode(path.read_bytes()), "lxml")
    root = _root(soup)
    _strip(root)
    blocks = _Blocks()
    blocks.walk(root)
    if not blocks.blocks:
        raise EmptyDocument("no text left in the page once navigation and furniture are removed")
    text, pos, hints = [], 0, []
    for block, kind in blocks.blocks:
        if kind:
            hints.append((pos, pos + len(block), kind))
        text.append(block)
        pos += len(block) + 2  # the blank line between blocks
    return Extracted(text="\n\n".join(text), hints=tuple(hints))
