"""The evaluation dataset: questions with reference answers, key facts and evidence quotes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import DatasetError

SPLITS = ("tune", "report")
UNANSWERABLE = "unanswerable"
_KEYS = ("id", "question", "type", "answer", "key_facts", "evidence")


@dataclass(frozen=True)
class Evidence:
    """A verbatim quote from a source file that a correct answer rests on."""

    file: str
    quote: str


@dataclass(frozen=True)
class Question:
    """One evaluation question with its reference answer and gold evidence."""

    id: str
    question: str
    type: str
    answer: str
    key_facts: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    split: str | None = None
    near_miss: bool = False
    """For an unanswerable question: the papers cover its topic but not the specific thing asked."""

    @property
    def answerable(self) -> bool:
        """Whether the assistant should answer (rather than decline) this question."""
        return self.type != UNANSWERABLE


def question_from_dict(obj: dict, where: str = "question") -> Question:
    """Build a Question from one parsed dataset line, with a clear error when a key is missing."""
    missing = [k for k in _KEYS if k not in obj]
    if missing:
        raise DatasetError(f"{where}: missing key(s) {', '.join(missing)}")
    try:
        evidence = tuple(Evidence(file=str(e["file"]), quote=str(e["quote"])) for e in obj["evidence"])
    except (KeyError, TypeError) as exc:
        raise DatasetError(f"{where}: evidence must be a list of {{file, quote}} objects") from exc
    return Question(
        id=str(obj["id"]),
        question=str(obj["question"]),
        type=str(obj["type"]),
        answer=str(obj["answer"]),
        key_facts=tuple(str(f) for f in obj["key_facts"]),
        evidence=evidence,
        split=obj.get("split"),
        near_miss=bool(obj.get("near_miss", False)),
    )


def load_dataset(path: str | Path, split: str | None = None) -> list[Question]:
    """Read a JSONL dataset, keeping only questions of `split` (all when None)."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"dataset not found: {path}")
    questions: list[Question] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise DatasetError(f"{path}:{lineno}: expected a JSON object")
            questions.append(question_from_dict(obj, f"{path}:{lineno}"))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise DatasetError(f"{path}: duplicate question id(s) {', '.join(dupes)}")
    if split is None:
        return questions
    chosen = [q for q in questions if q.split == split]
    if not chosen:
        found = sorted({q.split for q in questions if q.split}) or ["none"]
        raise DatasetError(f"{path}: no questions in split {split!r} (splits present: {', '.join(found)})")
    return chosen
