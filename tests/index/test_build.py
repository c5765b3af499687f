"""Ingesting into an index: unchanged files are skipped, changed ones replaced whole, bad ones reported."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import faiss
import pytest

from index.build import delete_document, ingest_paths
from index.search import Filters, Index
from index.vectors import VectorIndex, fingerprint
from ingest.errors import IndexMismatch
from ingest.load import load_document

APPENDED = "\n\n18. The committee will review zqappended progress against the plan in March 2022.\n"


def _count(index: Index) -> int:
    return index.store.db.execute("SELECT count(*) FROM passages").fetchone()[0]


def _faiss_ids(index: Index) -> set[int]:
    return set(faiss.vector_to_array(index.vectors.index.id_map).tolist())


def _consistent(index: Index) -> None:
    """Store, FTS5 and FAISS hold exactly the same passage ids."""
    store_ids = set(index.store.all_passage_ids())
    fts_ids = {r[0] for r in index.store.db.execute("SELECT rowid FROM passages_fts")}
    assert index.vectors.size == len(store_ids)
    assert _faiss_ids(index) == store_ids
    assert fts_ids == store_ids


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def paper(tmp_path: Path, seeds_dir: Path) -> Path:
    """A copy of seed 004 (a Cabinet report of some thirty passages) in its own folder."""
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "paper.txt"
    shutil.copy(next(seeds_dir.glob("004_*.txt")), path)
    return path


@pytest.fixture
def index(home: Path, embedder):
    idx = Index(home, embedder=embedder)
    yield idx
    idx.close()


def test_reingesting_the_seeds_changes_nothing(seed_index, seeds_dir):
    before = (_count(seed_index), seed_index.vectors.size, seed_index.store.get_meta("vectors_generation"))
    report = ingest_paths(seed_index, [seeds_dir])
    assert sorted(report.unchanged) == sorted(p.name for p in seeds_dir.glob("*.txt"))
    assert (report.added, report.replaced, report.failed) == ([], [], [])
    assert (report.embedded, report.passages) == (0, 0)
    assert report.summary() == "0 added, 5 unchanged, 0 replaced, 0 failed (0 passages, 0 embedded)"
    after = (_count(seed_index), seed_index.vectors.size, seed_index.store.get_meta("vectors_generation"))
    assert after == before
    assert before[0] == sum(d["passage_count"] for d in seed_index.store.documents())


def test_first_ingest_embeds_every_passage(index, paper):
    report = ingest_paths(index, [paper.parent])
    assert report.added == ["paper.txt"]
    assert report.passages == report.embedded == _count(index) == len(load_document(paper).passages) >= 30
    _consistent(index)


def test_changed_file_is_replaced_and_its_old_passages_are_gone(index, paper):
    ingest_paths(index, [paper])
    old_id = index.store.find_source("paper.txt")
    old = index.store.document(old_id)
    paper.write_text(paper.read_text(encoding="utf-8") + APPENDED, encoding="utf-8")

    report = ingest_paths(index, [paper])
    assert (report.replaced, report.added, report.unchanged) == (["paper.txt"], [], [])
    assert report.passages == len(old.passages) + 1
    assert report.embedded == 1  # the other passages' vectors come from the cache
    new_id = index.store.find_source("paper.txt")
    assert new_id != old_id and not index.store.has_document(old_id)
    assert [d["doc_id"] for d in index.store.documents()] == [new_id]
    assert _count(index) == index.vectors.size == len(old.passages) + 1
    _consistent(index)
    for mode in ("dense", "lexical", "hybrid"):
        hits = index.search("social care improvement plan staff morale", k=100, mode=mode)
        assert hits and {h.passage.doc_id for h in hits} == {new_id}
    appended = index.search("zqappended", k=5, mode="lexical")
    assert [(h.passage.label, h.passage.doc_id) for h in appended] == [("18", new_id)]


def test_bad_files_are_reported_and_good_ones_still_go_in(index, tmp_path, paper):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    odd = tmp_path / "notes.xyz"
    odd.write_text("1. Notes from the meeting.")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(random.Random(7).randbytes(4096))
    missing = tmp_path / "missing.txt"

    report = ingest_paths(index, [empty, odd, broken, missing, paper])
    assert report.added == ["paper.txt"]
    failed = dict(report.failed)
    assert list(failed) == [str(empty), str(odd), str(broken), str(missing)]
    for name, reason in failed.items():
        assert reason.strip() and "\n" not in reason, name
    assert "no text found" in failed[str(empty)]
    assert "unsupported file type .xyz" in failed[str(odd)]
    assert failed[str(missing)] == "no such file"
    assert report.summary().startswith("1 added, 0 unchanged, 0 replaced, 4 failed")
    assert {d["source"] for d in index.store.documents()} == {"paper.txt"}
    _consistent(index)


def test_reopening_loads_the_saved_vectors(home, paper, embedder):
    first = Index(home, embedder=embedder)
    ingest_paths(first, [paper])
    queries = ["staff morale", "How many children have child protection plans?", "Check and Challenge meetings"]
    before = {
        (q, m): [(h.id, round(h.score, 5)) for h in first.search(q, k=8, mode=m)]
        for q in queries
        for m in ("dense", "hybrid")
    }
    generation = first.store.get_meta("vectors_generation")
    first.close()

    again = Index(home, embedder=embedder)
    try:
        assert again.store.get_meta("vectors_generation") == generation  # loaded, not rebuilt and saved anew
        loaded = VectorIndex.load(home / "index", embedder.dim, again.store)
        assert loaded is not None and loaded.size == again.vectors.size == len(load_document(paper).passages)
        assert again.store.get_meta("vectors_fingerprint") == fingerprint(again.store.all_passage_ids())
        after = {
            (q, m): [(h.id, round(h.score, 5)) for h in again.search(q, k=8, mode=m)]
            for q in queries
            for m in ("dense", "hybrid")
        }
        assert after == before
    finally:
        again.close()


def test_missing_vectors_file_is_rebuilt_from_the_store(home, paper, embedder):
    first = Index(home, embedder=embedder)
    ingest_paths(first, [paper])
    ids = set(first.store.all_passage_ids())
    first.close()
    for f in (home / "index").glob("vectors-*.faiss"):
        f.unlink()
    again = Index(home, embedder=embedder)
    try:
        assert _faiss_ids(again) == ids
        assert VectorIndex.load(home / "index", embedder.dim, again.store) is not None  # and saved anew
        assert again.search("staff morale", k=3, mode="dense")[0].passage.doc_id == again.store.find_source("paper.txt")
    finally:
        again.close()


def test_model_mismatch_names_both_models(seed_index):
    with pytest.raises(IndexMismatch) as err:
        Index(seed_index.home, model="some/other")
    message = str(err.value)
    assert "'all-MiniLM-L6-v2'" in message and "'some/other'" in message
    assert str(seed_index.home) in message


def test_deleting_a_document_removes_it_from_search(home, paper, embedder):
    other = paper.parent / "other.txt"
    other.write_text("1. The zqdeleteme bridge on Mill Lane is closed for repairs.\n\n2. It reopens in May.\n")
    index = Index(home, embedder=embedder)
    ingest_paths(index, [paper, other])
    doc_id = index.store.find_source("other.txt")
    assert [h.passage.doc_id for h in index.search("zqdeleteme", k=5, mode="lexical")] == [doc_id]

    assert delete_document(index, doc_id) is True
    assert index.search("zqdeleteme", k=5, mode="lexical") == []
    for mode in ("dense", "hybrid"):
        assert doc_id not in {h.passage.doc_id for h in index.search("bridge closed for repairs", k=50, mode=mode)}
    assert index.search("bridge", k=5, filters=Filters(doc_id=doc_id), mode="dense") == []
    _consistent(index)
    assert delete_document(index, doc_id) is False
    index.close()
    # The deletion was saved: a reopened index loads vectors without the document.
    again = Index(home, embedder=embedder)
    try:
        assert VectorIndex.load(home / "index", embedder.dim, again.store) is not None
        assert again.vectors.size == len(load_document(paper).passages)
        _consistent(again)
    finally:
        again.close()


def test_sidecar_access_change_is_applied_on_reingest(index, paper):
    ingest_paths(index, [paper])
    paper.with_name("paper.txt.meta.json").write_text(json.dumps({"access": "restricted"}))
    ingest_paths(index, [paper])
    assert index.store.documents(("public",)) == []
    assert index.search("staff morale", k=5) == []


def test_file_changed_to_a_copy_of_another_is_reported_not_fatal(index, paper):
    copy = paper.parent / "copy.txt"
    copy.write_text("1. Library opening hours are extended on Saturdays from June.\n")
    ingest_paths(index, [paper, copy])
    shutil.copy(paper, copy)
    report = ingest_paths(index, [copy])  # raises sqlite3.IntegrityError today
    assert len(report.failed) + len(report.replaced) + len(report.unchanged) == 1
    _consistent(index)


def test_same_file_name_in_two_folders_keeps_both(index, tmp_path):
    for year, topic in (("2018", "the library budget"), ("2019", "the bridge repairs")):
        (tmp_path / "docs" / year).mkdir(parents=True)
        (tmp_path / "docs" / year / "minutes.txt").write_text(f"1. The {year} meeting approved {topic}.\n")
    report = ingest_paths(index, [tmp_path / "docs"])
    assert (len(report.added), report.replaced) == (2, [])
    assert len(index.store.documents()) == 2
    again = ingest_paths(index, [tmp_path / "docs"])
    assert (len(again.unchanged), again.replaced) == (2, [])
