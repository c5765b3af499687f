"""A system's output for one question, read from the plain dicts that cross the harness boundary."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import AnswersError


@dataclass(frozen=True)
class Passage:
    """A passage of a source file, as retrieved or cited by the system."""

    file: str
    text: str


@dataclass(frozen=True)
class Citation:
    """A cited passage with the number `n` that answer markers like "[n]" refer to."""

    n: int
    file: str
    text: str


@dataclass(frozen=True)
class Sentence:
    """One answer sentence as the system reported it, with the citation numbers it rests on."""

    text: str
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Output:
    """What a system returned for one question; `sentences` and `retrieved` are None when it did not report them."""

    id: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Passage, ...] | None = None  # the ranked passages the answer was built from
    sentences: tuple[Sentence, ...] | None = None
    latency_ms: float | None = None
    error: str | None = None


def _file(obj: Mapping) -> str:
    # The assistant's own Citation names the file "source"; external systems say "file".
    return str(obj.get("file") or obj.get("source") or "")


def _ranked(passages: list[Mapping]) -> tuple[Passage, ...]:
    # Passages listed with "n" are ranked by it (the assistant's n is the rank); otherwise the list order is the rank.
    order = sorted(range(len(passages)), key=lambda i: int(passages[i].get("n", i + 1)))
    return tuple(Passage(file=_file(passages[i]), text=str(passages[i].get("text") or "")) for i in order)


def _sentences(raw: list[Mapping]) -> tuple[Sentence, ...] | None:
    if any(not isinstance(s, Mapping) or "text" not in s for s in raw):
        raise ValueError("each sentence must be an object with a text and its citation numbers")
    found = tuple(
        Sentence(text=str(s["text"]), citations=tuple(int(n) for n in s.get("citations") or []))
        for s in raw
        if str(s["text"]).strip()
    )
    return found or None


def parse_output(raw: Mapping, qid: str) -> Output:
    """Validate one output dict; citations without "n" are numbered 1..N in order.
    Ranked passages come from "passages" (or the older "retrieved"); empty "sentences" means none reported."""
    if not isinstance(raw, Mapping):
        raise AnswersError(f"{qid}: output must be a JSON object, got {type(raw).__name__}")
    try:
        citations = tuple(
            Citation(n=int(c.get("n", i)), file=_file(c), text=str(c.get("text") or ""))
            for i, c in enumerate(raw.get("citations") or [], 1)
        )
        ranked = raw.get("passages")
        ranked = raw.get("retrieved") if ranked is None else ranked
        latency = raw.get("latency_ms")
        return Output(
            id=str(raw.get("id", qid)),
            answer=str(raw.get("answer") or ""),
            abstained=bool(raw.get("abstained", False)),
            citations=citations,
            retrieved=None if ranked is None else _ranked(ranked),
            sentences=_sentences(raw.get("sentences") or []),
            latency_ms=None if latency is None else float(latency),
            error=raw.get("error"),
        )
    except (AttributeError, TypeError, ValueError) as exc:
        raise AnswersError(f"{qid}: malformed output ({exc})") from exc


def load_answers(path: str | Path) -> dict[str, dict]:
    """Read an answers JSONL file keyed by id: `{id, answer, abstained, citations: [{file, text}]}` a line,
    optionally with `sentences: [{text, citations: [n]}]` and ranked `passages: [{file, text}]`."""
    path = Path(path)
    if not path.is_file():
        raise AnswersError(f"answers file not found: {path}")
    outputs: dict[str, dict] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise AnswersError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict) or "id" not in obj:
                raise AnswersError(f'{path}:{lineno}: expected a JSON object with an "id"')
            qid = str(obj["id"])
            if qid in outputs:
                raise AnswersError(f"{path}:{lineno}: duplicate answer for {qid}")
            cites = obj.get("citations") or []
            obj["citations"] = [{**c, "n": c.get("n", i)} for i, c in enumerate(cites, 1) if isinstance(c, dict)]
            outputs[qid] = obj
    return outputs
