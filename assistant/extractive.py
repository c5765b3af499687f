"""The embedded default answerer: the sentences of the ranked passages that answer the question, in its shape.

No model, no network, deterministic. Sentences are copied from the passages as they stand (only list markers
and line breaks are tidied), so numbers, dates and names are never altered. The shape follows the question's
slot: the sentence that holds the fact asked for comes first; a list question gives the items with their
labels; a trend gives dated values in date order (assistant/shapes.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from index.lexical import STOPWORDS
from index.search import Hit

MAX_TABLE_ROWS = 8  # of a judgement table given whole (Ofsted's have five or six)
MAX_SENTENCES = {"figure": 2, "date": 2, "person": 2, "judgement": 2, "yesno": 2}  # others: 3
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘(£])|\n\s*\n|\n(?=\s*(?:[-•✓*◼]|\(?[a-z0-9]{1,3}[.)])\s)")
# In a table each row is read alone, and a cell's sentence end does not split its row: "2.7 | Identify ...
# removed. | Errol Albert | 31 March 2023" is one action with its owner and date.
_ROW = re.compile(_SENTENCE.pattern.replace(r"\s+(?=[A-Z0-9", r"[^\S\t]+(?=[A-Z0-9") + r"|\n")
_MARKER = re.compile(r"^\s*(?:[-•✓*▪◼]\s+)*(?:\(?(?:\d{1,3}(?:\.\d{1,2})?|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+)?")
_WORD = re.compile(r"[a-z0-9£%]+(?:['’][a-z]+)?")
NAVIGATION = ("heading", "contents")
# A sentence that opens so leans on the one before it ("This is an increase from 1,413", "However, the model
# should be reviewed", "The service was also found inadequate in 2017"): said after it, never without it.
_CONTINUES = re.compile(
    r"^(?:this|these|that|those|it|its|they|their|such|however|but|also|in addition|additionally|further(?:more)?|"
    r"moreover|as a result|consequently|despite this|nevertheless|in turn)\b|^(?:\S+\s+){0,4}(?:also|too)\b",
    re.I,
)


def stem(word: str) -> str:
    """A crude English stem: enough to match 'recommendations' with 'recommended'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def terms(text: str) -> frozenset[str]:
    """Stemmed content words of a text (remembered: the same passages come back question after question)."""
    return frozenset(stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1)


def sentences(text: str) -> list[tuple[int, str]]:
    """Sentences of a passage with their offsets; table rows and list items count as sentences."""
    out, pos = [], 0
    splitter = _ROW if "\t" in text else _SENTENCE
    for m in splitter.finditer(text):
        out.append((pos, text[pos : m.start()]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return [(s, t) for s, t in out if len(t.split()) >= 3]


def tidy(sentence: str) -> str:
    """One line, without the list marker or paragraph number it starts with."""
    flat = " ".join(sentence.replace("\t", " | ").split())
    return _MARKER.sub("", flat, count=1).strip()


@lru_cache(maxsize=4096)
def header_row(text: str) -> bool:
    """Whether a table passage opens with a row that names its columns ("Responsible body | Areas for priority
    action") above rows of prose: short cells without figures, and a later cell of a sentence's length. Such a row
    is never an answer; a table of short cells ("Leadership | Good") opens with a row of facts instead."""
    if "\t" not in text:
        return False
    first, _, rest = text.strip().partition("\n")
    cells = [c for c in first.split("\t") if c.strip()]
    if len(cells) < 2 or any(ch.isdigit() for ch in first) or any(len(c.split()) > 4 for c in cells):
        return False
    return any(len(c.split()) >= 8 for c in re.split(r"[\t\n]", rest))


def is_header(text: str, row: str) -> bool:
    """Whether a row of a table passage is its column-name row (header_row)."""
    return header_row(text) and row.strip() == text.strip().partition("\n")[0].strip()


def whole(text: str) -> bool:
    """A sentence a reader can take alone: starts as a sentence does and has a few words."""
    return len(text.split()) >= 4 and not text[:1].islower()


@lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[tuple[str, str]]:
    """Consecutive content words, stemmed: "lead inspector", "child protection", "foster carers"."""
    stems = [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    return frozenset(zip(stems, stems[1:], strict=False))


def same_sentence(a: str, b: str) -> bool:
    """Two sentences that share most of their words: one of them is enough in an answer."""
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) >= 0.8 * min(len(wa), len(wb))


@dataclass(frozen=True)
class Line:
    """One sentence of the answer and the hit it cites (by rank in the hits the answer was built from)."""

    text: str
    hit_rank: int


def _judgement_table(p) -> bool:
    return p.kind == "judgement" and "\t" in p.text


def _whole_table(lines: list[Line], hits: list[Hit]) -> list[Line]:
    """A judgement question answered from a judgement table gets the whole table, the overall grade first: "which
    area was judged weaker?" is answered by the rows together, never by the two the chooser happened to rank."""
    at = next((i for i, line in enumerate(lines) if _judgement_table(hits[line.hit_rank].passage)), None)
    if at is None:
        return lines
    rank = lines[at].hit_rank
    text = hits[rank].passage.text
    rows = [tidy(r) for _, r in sentences(text) if not is_header(text, r)]
    rows.sort(key=lambda r: not r.lower().startswith("overall"))
    others = [line for line in lines if line.hit_rank != rank]
    return others[:at] + [Line(r, rank) for r in rows[:MAX_TABLE_ROWS]] + others[at:]


class ExtractiveAnswerer:
    """Answers by choosing sentences; `neighbours` fetches a list item's siblings that search did not rank."""

    def __init__(
        self,
        neighbours: Callable[[Hit], list[Hit]] | None = None,
        actions: Callable[[Hit], list[tuple[Hit, dict[str, str]]]] | None = None,
        stated: Callable[[object, list[Hit]], list[tuple[int, dict]]] | None = None,
    ) -> None:
        self.neighbours = neighbours
        self.actions = actions  # the record's actions of a plan item (assistant/from_record.py: plan_actions)
        self.stated = stated  # the record's facts that answer a frame, by the rank of the hit that states each

    def _led_into(self, lines: list[Line], hits: list[Hit]) -> list[Line]:
        """A chosen lead-in ("... which states that Children's Services should:") brings what it leads into: the
        rest of its passage, or the next passage of its paper when it ends its own."""
        out: list[Line] = []
        for line in lines:
            out.append(line)
            if not line.text.rstrip().endswith(":"):
                continue
            hit = hits[line.hit_rank]
            said = [tidy(s) for _, s in sentences(hit.passage.text)]
            after = said[said.index(line.text) + 1 :] if line.text in said else []
            after = [s for s in after if all(s != o.text for o in lines)]
            if not after and self.neighbours:
                following = [h for h in self.neighbours(hit, reach=1) if h.passage.ordinal == hit.passage.ordinal + 1]
                if following and following[0].passage.kind not in NAVIGATION:
                    nxt = following[0]
                    if nxt not in hits:
                        hits.append(nxt)
                    out += [Line(tidy(s), hits.index(nxt)) for _, s in sentences(nxt.passage.text)[:3]]
            else:
                out += [Line(s, line.hit_rank) for s in after[:3]]
        return out

    @staticmethod
    def _continued(lines: list[Line], hits: list[Hit]) -> list[Line]:
        """Each line followed by the next sentence of its passage when that one leans on it (_CONTINUES)."""
        out: list[Line] = []
        for line in lines:
            out.append(line)
            said = [tidy(s) for _, s in sentences(hits[line.hit_rank].passage.text)]
            at = said.index(line.text) if line.text in said else -1
            if 0 <= at < len(said) - 1 and _CONTINUES.match(said[at + 1]):
                nxt = said[at + 1]
                if all(not same_sentence(nxt, o.text) for o in (*lines, *out)):
                    out.append(Line(nxt, line.hit_rank))
        return out

    def answer(self, frame, question: str, query: str, hits: list[Hit]):
        from assistant.answerer import lacks_what_was_asked
        from assistant.choose import choose
        from assistant.models import Answer
        from assistant.shapes import action_lines, compose, list_lines, stated_lines, trend_lines

        focus = terms(" ".join(frame.focus)) or terms(query)
        lines: list[Line] = []
        hits = list(hits)
        if self.actions and "action" in frame.kinds and frame.slot in ("general", "list"):
            lines = action_lines(frame, hits, self.actions)  # what a plan will do, from the record's rows
        if not lines and frame.slot == "list":
            lines = list_lines(frame, hits, self.neighbours, focus)
        elif not lines and frame.slot == "trend":
            lines = trend_lines(frame, hits, focus)
        if not lines:
            limit = MAX_SENTENCES.get(frame.slot, 3)
            lead = stated_lines(hits, self.stated(frame, hits)) if self.stated else []
            chosen = choose(frame, hits, limit)
            lines = [Line(c.text, c.hit_rank) for c in chosen if all(c.text not in line.text for line in lead)]
            lines = lead + self._continued(self._led_into(lines[: max(0, limit - len(lead))], hits), hits)
            if frame.slot == "judgement":
                lines = _whole_table(lines, hits)
        if not lines:
            return Answer.declined(question, query, hits, "no sentence of the passages answers the question")
        reason = lacks_what_was_asked(frame, [(line.text, hits[line.hit_rank]) for line in lines])
        if reason:
            return Answer.declined(question, query, hits, reason)
        return compose(question, query, hits, lines)
