import re
import time
from pathlib import Path

import pytest
from eval_cases import good_output

from evals.dataset import load_dataset
from evals.run import score_answers
from ingest.errors import DatasetError

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "evals" / "data" / "dev.jsonl"
CORPUS = ROOT / "corpus"
SEEDS = CORPUS / "seeds"
PDF_DIRS = ("kent", "ofsted-ilacs", "ofsted-send")
TYPES = set("fact number inspection recommendation action people multi temporal list unanswerable".split())


@pytest.fixture(scope="module")
def questions():
    return load_dataset(DEV)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf_text(path: Path) -> str:
    """A PDF's text as pypdfium2 extracts it, every run of whitespace collapsed into one space."""
    pypdfium2 = pytest.importorskip("pypdfium2")
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return _collapse("\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    finally:
        pdf.close()


def test_every_evidence_quote_is_verbatim_in_its_file(questions):
    """Seed (.txt) quotes are exact substrings; PDF quotes are exact in the whitespace-collapsed PDF text."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    pdfs = {p.name: p for d in PDF_DIRS for p in (CORPUS / d).glob("*.pdf")}
    cited = {ev.file for q in questions for ev in q.evidence}
    texts.update({name: _pdf_text(path) for name, path in pdfs.items() if name in cited})
    for q in questions:
        assert q.answerable == bool(q.evidence), q.id
        for ev in q.evidence:
            assert ev.file in texts, f"{q.id}: unknown file {ev.file}"
            if ev.file.endswith(".pdf"):
                assert ev.quote == _collapse(ev.quote).strip(), f"{q.id}: PDF quote not whitespace-collapsed"
            assert ev.quote in texts[ev.file], f"{q.id}: quote not verbatim in {ev.file}: {ev.quote[:60]!r}"


def test_near_miss_unanswerables_are_marked(questions):
    near = [q for q in questions if q.near_miss]
    assert len(near) >= 40
    assert all(not q.answerable and not q.evidence and not q.key_facts for q in near)


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
