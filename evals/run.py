"""Run a system over the questions (or take its precomputed outputs) and score everything."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from evals.bootstrap import N_RESAMPLES
from evals.dataset import Question
from evals.judge import Judge, LexicalJudge, judge_name
from evals.metrics import aggregate, aggregate_by_type
from evals.outputs import Output, parse_output
from evals.result import EvalResult
from evals.score import QuestionRecord, score_question

AnswerFn = Callable[[Question], Mapping]
Progress = Callable[[int, int], None]


def _result(
    records: list[QuestionRecord],
    judge: Judge,
    seed: int,
    n_resamples: int,
    dataset: str | Path | None,
    split: str | None,
) -> EvalResult:
    values = [r.values for r in records]
    if split is None:
        splits = {r.split for r in records}
        split = splits.pop() if len(splits) == 1 else None
    return EvalResult(
        metrics=aggregate(values, seed, n_resamples),
        by_type=aggregate_by_type([r.type for r in records], values, seed, n_resamples),
        questions=tuple(records),
        dataset=None if dataset is None else str(dataset),
        split=split,
        seed=seed,
        n_resamples=n_resamples,
        judge=judge_name(judge),
    )


def score_answers(
    questions: Sequence[Question],
    outputs: Mapping[str, Mapping],
    *,
    judge: Judge | None = None,
    seed: int = 0,
    n_resamples: int = N_RESAMPLES,
    dataset: str | Path | None = None,
    split: str | None = None,
) -> EvalResult:
    """Score precomputed outputs keyed by question id; a question without an output counts as an empty answer."""
    judge = judge or LexicalJudge()
    records = []
    for q in questions:
        raw = outputs.get(q.id)
        out = parse_output(raw, q.id) if raw is not None else Output(q.id, "", False, error="no output")
        records.append(score_question(q, out, judge))
    return _result(records, judge, seed, n_resamples, dataset, split)


def run_eval(
    questions: Sequence[Question],
    answer_fn: AnswerFn,
    *,
    judge: Judge | None = None,
    seed: int = 0,
    n_resamples: int = N_RESAMPLES,
    dataset: str | Path | None = None,
    split: str | None = None,
    progress: Progress | None = None,
    catch_errors: bool = True,
) -> EvalResult:
    """Ask `answer_fn` each question (timing it unless it reports latency_ms) and score the outputs."""
    outputs: dict[str, Mapping] = {}
    for i, q in enumerate(questions, 1):
        start = time.perf_counter()
        try:
            raw = dict(answer_fn(q))
        except Exception as exc:
            if not catch_errors:
                raise
            raw = {"answer": "", "abstained": False, "error": f"{type(exc).__name__}: {exc}"}
        elapsed_ms = (time.perf_counter() - start) * 1000
        raw.setdefault("id", q.id)
        if raw.get("latency_ms") is None:
            raw["latency_ms"] = elapsed_ms
        outputs[q.id] = raw
        if progress:
            progress(i, len(questions))
    return score_answers(
        questions, outputs, judge=judge, seed=seed, n_resamples=n_resamples, dataset=dataset, split=split
    )
