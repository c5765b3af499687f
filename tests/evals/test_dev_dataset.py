import time
from pathlib import Path

import pytest
from eval_cases import good_output

from evals.dataset import load_dataset
from evals.errors import DatasetError
from evals.run import score_answers

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "evals" / "data" / "dev.jsonl"
SEEDS = ROOT / "corpus" / "seeds"
TYPES = {"fact", "number", "inspection", "recommendation", "action", "people", "multi", "temporal", "unanswerable"}


@pytest.fixture(scope="module")
def questions():
    return load_dataset(DEV)


def test_every_evidence_quote_is_verbatim_in_its_seed_file(questions):
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for q in questions:
        assert q.answerable == bool(q.evidence), q.id
        for ev in q.evidence:
            assert ev.file in texts, f"{q.id}: unknown file {ev.file}"
            assert ev.quote in texts[ev.file], f"{q.id}: quote not verbatim in {ev.file}: {ev.quote[:60]!r}"


def test_both_splits_hold_every_type(questions):
    tune, report = load_dataset(DEV, "tune"), load_dataset(DEV, "report")
    assert tune and report and len(tune) + len(report) == len(questions)
    assert {q.type for q in tune} == TYPES and {q.type for q in report} == TYPES
    with pytest.raises(DatasetError, match="splits present: report, tune"):
        load_dataset(DEV, "test")


def test_a_perfect_system_scores_perfectly_and_quickly(questions):
    outputs = {q.id: good_output(q) for q in questions}
    start = time.perf_counter()
    result = score_answers(questions, outputs)
    elapsed = time.perf_counter() - start
    assert result.failures == []
    for name in ("key_fact_recall", "citation_precision", "citation_recall", "recall@10", "abstention_recall"):
        assert result.metrics[name].value == 1.0, name
    assert elapsed < 2.0  # typically ~0.1 s; generous for slow CI machines
