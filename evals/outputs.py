"""A system's output for one question, read from the plain dicts that cross the harness boundary."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evals.errors import AnswersError


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
class Output:
    """What a system returned for one question; `retrieved` is None when the system did not report it."""

    id: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Passage, ...] | None = None
    latency_ms: float | None = None
    error: str | None = None


def _file(obj: Mapping) -> str:
    # The assistant's own Citation names the file "source"; external systems say "file".
    return str(obj.get("file") or obj.get("source") or "")


def parse_output(raw: Mapping, qid: str) -> Output:
    """Validate one output dict; citations without "n" are numbered 1..N in order."""
    if not isinstance(raw, Mapping):
        raise AnswersError(f"{qid}: output must be a JSON object, got {type(raw).__name__}")
    try:
        citations = tuple(
            Citation(n=int(c.get("n", i)), file=_file(c), text=str(c.get("text") or ""))
            for i, c in enumerate(raw.get("citations") or [], 1)
        )
        retrieved_raw = raw.get("retrieved")
        retrieved = (
            None
            if retrieved_raw is None
            else tuple(Passage(file=_file(p), text=str(p.get("text") or "")) for p in retrieved_raw)
        )
        latency = raw.get("latency_ms")
        return Output(
            id=str(raw.get("id", qid)),
            answer=str(raw.get("answer") or ""),
            abstained=bool(raw.get("abstained", False)),
            citations=citations,
            retrieved=retrieved,
            latency_ms=None if latency is None else float(latency),
            error=raw.get("error"),
        )
    except (AttributeError, TypeError, ValueError) as exc:
        raise AnswersError(f"{qid}: malformed output ({exc})") from exc


def load_answers(path: str | Path) -> dict[str, dict]:
    """Read an answers JSONL file (`{id, answer, abstained, citations: [{file, text}]}` a line) keyed by id."""
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
