"""The council filter over an index of several councils' papers: a filtered search never leaves that council."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import ingest_paths
from index.search import MODES, Filters, Index

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PAPERS = (CORPUS / "kent" / "kent_cabinet_report_24-00109.pdf", CORPUS / "ofsted-ilacs" / "ilacs_camden_2025-04-15.pdf")
QUERIES = ("What did Ofsted say about caseloads?", "children in care", "social workers", "Cabinet is asked to agree")
COUNCILS = {"Buckinghamshire Council": 5, "Kent County Council": 1, "London Borough of Camden": 1}


@pytest.fixture(scope="module")
def councils_index(
    tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, embedder, seed_vectors
) -> Iterator[Index]:
    """The five Buckinghamshire seeds, a Kent cabinet report and Camden's ILACS report, in one index (the seeds'
    vectors from the seed index's cache: the model reads only the two PDFs)."""
    index = Index(tmp_path_factory.mktemp("councils_home"), embedder=seed_vectors)
    report = ingest_paths(index, [seeds_dir, *PAPERS])
    assert len(report.added) == 7 and report.failed == [], report.summary()
    index.embedder = embedder
    yield index
    index.close()


def test_every_paper_is_filed_under_its_council(councils_index):
    docs = councils_index.store.documents()
    assert {c: sum(d["council"] == c for d in docs) for c in COUNCILS} == COUNCILS


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("council", COUNCILS)
def test_a_council_filter_never_returns_another_councils_passage(councils_index, council, mode):
    for query in QUERIES:
        hits = councils_index.search(query, k=20, filters=Filters(council=council), mode=mode)
        assert {h.doc["council"] for h in hits} == {council}, query


def test_without_the_filter_the_questions_reach_every_council(councils_index):
    assert {h.doc["council"] for q in QUERIES for h in councils_index.search(q, k=20, mode="lexical")} == set(COUNCILS)


def test_council_combines_with_the_other_filters(councils_index):
    hits = councils_index.search(
        "children in care", k=20, filters=Filters(council="Kent County Council", body="Cabinet")
    )
    assert hits and {(h.doc["council"], h.doc["body"]) for h in hits} == {("Kent County Council", "Cabinet")}
    both = Filters(council="London Borough of Camden", body="Cabinet")
    assert councils_index.search("children in care", k=20, filters=both) == []
    assert councils_index.search("caseloads", k=5, filters=Filters(council="Surrey County Council")) == []
