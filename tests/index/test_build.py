"""Ingesting into an index: unchanged files are skipped, changed ones replaced whole, bad ones reported."""

from __future__ import annotations

import json
import random
import shutil
import threading
import time
from pathlib import Path

import faiss
import numpy as np
import pytest

from index import build, read_ahead
from index.build import IngestReport, add_document, delete_document, expand, ingest_paths
from index.embed import CACHE_SCHEMA
from index.generations import fingerprint
from index.search import Filters, Index
from index.vectors import VectorIndex
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
        loaded = VectorIndex.load(home / "index", embedder.dim, again.store, fingerprint(again.store.all_passage_ids()))
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
        assert (
            VectorIndex.load(home / "index", embedder.dim, again.store, fingerprint(again.store.all_passage_ids()))
            is not None
        )  # and saved anew
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
        assert (
            VectorIndex.load(home / "index", embedder.dim, again.store, fingerprint(again.store.all_passage_ids()))
            is not None
        )
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


# --- reading ahead: several documents per model call, each committed alone ------------------------


class CountingEmbedder:
    """The session's model, counting the calls and the texts that reach it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim, self.batch_size = inner.name, inner.dim, inner.batch_size
        self.calls = self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def grouped(tmp_path_factory, seeds_dir, seed_vectors):
    """The five seeds ingested as a folder by a counting model: (index, report, calls, texts) of that ingest.

    The model answers from the seed index's cache (vectors it made from one grouped call, as this ingest would):
    what is counted is the calls that reach it, and the vectors stay the real model's."""
    counter = CountingEmbedder(seed_vectors)
    index = Index(tmp_path_factory.mktemp("grouped"), embedder=counter)
    report = ingest_paths(index, [seeds_dir])
    yield index, report, counter.calls, counter.texts
    index.close()


def _seed_passages(seeds_dir: Path) -> int:
    return sum(len(load_document(p).passages) for p in seeds_dir.glob("*.txt"))


def test_a_folder_goes_to_the_model_in_fewer_calls_than_documents(grouped, seeds_dir):
    index, report, calls, texts = grouped
    total = _seed_passages(seeds_dir)
    assert total < build.ENCODE_GROUP + 400  # 838: the seeds make one group
    assert len(report.added) == 5 and report.failed == []
    assert calls == 1 < len(report.added)
    assert texts == report.embedded == report.passages == total == index.vectors.size
    _consistent(index)


def test_reingesting_a_folder_never_calls_the_model(grouped, seeds_dir):
    index, _, _, _ = grouped
    counter = index.embedder
    calls, texts = counter.calls, counter.texts
    generation = index.store.get_meta("vectors_generation")
    report = ingest_paths(index, [seeds_dir])
    assert (counter.calls, counter.texts) == (calls, texts)
    assert (report.embedded, report.passages, len(report.unchanged), report.added) == (0, 0, 5, [])
    assert index.store.get_meta("vectors_generation") == generation  # nothing changed, nothing written


def test_a_grouped_ingest_equals_one_document_at_a_time(grouped, seeds_dir, embedder, tmp_path):
    index, report, _, _ = grouped
    single = Index(tmp_path / "single", embedder=embedder)
    try:
        alone = IngestReport()
        for path, source in expand([seeds_dir]):
            add_document(single, load_document(path, source=source), alone)
        single.save()
        assert (alone.added, alone.doc_ids, alone.passages) == (report.added, report.doc_ids, report.passages)
        texts = dict(index.store.db.execute("SELECT id, text FROM passages"))
        assert texts == dict(single.store.db.execute("SELECT id, text FROM passages"))  # same ids, same texts
        for pid in random.Random(5).sample(sorted(texts), 12):
            grouped_vec = index.vectors.index.reconstruct(pid)
            assert np.allclose(grouped_vec, single.vectors.index.reconstruct(pid), atol=1e-5), pid
    finally:
        single.close()


def test_a_bad_file_inside_a_group_is_reported_and_the_others_land_whole(index, tmp_path, seeds_dir):
    folder = tmp_path / "papers"
    folder.mkdir()
    names = ["000_a.txt", "003_b.txt", "004_c.txt"]
    for name in names:
        shutil.copy(next(seeds_dir.glob(f"{name[:3]}_*.txt")), folder / name)
    (folder / "001_broken.pdf").write_bytes(random.Random(7).randbytes(4096))
    (folder / "002_empty.txt").write_bytes(b"")
    expected = {name: len(load_document(folder / name).passages) for name in names}
    assert sum(expected.values()) < build.ENCODE_GROUP  # all five files in one group

    report = ingest_paths(index, [folder])
    assert report.added == names
    assert [f for f, _ in report.failed] == [str(folder / "001_broken.pdf"), str(folder / "002_empty.txt")]
    assert "no text found" in dict(report.failed)[str(folder / "002_empty.txt")]
    held = {d["source"]: d["passage_count"] for d in index.store.documents()}
    assert held == expected and report.passages == sum(expected.values())
    _consistent(index)


def test_the_same_name_twice_in_one_ingest_ends_with_the_later_file(index, tmp_path):
    for year, topic in (("2018", "the library budget"), ("2019", "the bridge repairs")):
        (tmp_path / year).mkdir()
        (tmp_path / year / "minutes.txt").write_text(f"1. The {year} meeting approved {topic}.\n")
    ingest_paths(index, [tmp_path / "2019"])
    report = ingest_paths(index, [tmp_path / "2018", tmp_path / "2019"])  # as one by one: replaced, then back
    assert (report.replaced, report.unchanged) == (["minutes.txt", "minutes.txt"], [])
    (doc,) = index.store.documents()
    assert "bridge repairs" in index.store.document(doc["doc_id"]).passages[0].text
    _consistent(index)


def test_generations_are_written_per_quarter_of_the_index_not_per_document(
    grouped, tmp_path, seeds_dir, embedder, monkeypatch
):
    home = tmp_path / "home"
    index = Index(home, embedder=embedder)
    # A warm embedding cache (the grouped index's): this is about FAISS generations, not the model.
    db = index.store.db
    db.executescript(CACHE_SCHEMA)
    db.execute("ATTACH DATABASE ? AS warm", (str(grouped[0].home / "council.db"),))
    db.execute("INSERT INTO embeddings SELECT hash, model, vector FROM warm.embeddings")
    db.execute("DETACH DATABASE warm")
    monkeypatch.setattr(build, "ENCODE_GROUP", 50)  # one seed per group
    monkeypatch.setattr(build, "SAVE_MIN_PASSAGES", 100)
    saved: list[int] = []
    save = index.save
    monkeypatch.setattr(index, "save", lambda: (saved.append(index.vectors.size), save()))
    try:
        report = ingest_paths(index, [seeds_dir])
        assert report.embedded == 0
        sizes = [len(load_document(p).passages) for p in sorted(seeds_dir.glob("*.txt"))]  # 140, 360, 191, 115, 32
        # Written when the passages since the last write reach max(100, a quarter of the index), and at the end.
        expected, unsaved = [], 0
        for n, size in enumerate(sizes):
            unsaved += size
            if unsaved >= max(100, sum(sizes[: n + 1]) // 4) or n == len(sizes) - 1:
                expected.append(sum(sizes[: n + 1]))
                unsaved = 0
        assert saved == expected and len(saved) < len(sizes)
    finally:
        index.close()
    again = Index(home, embedder=embedder)
    try:
        assert (
            VectorIndex.load(home / "index", embedder.dim, again.store, fingerprint(again.store.all_passage_ids()))
            is not None
        )  # the last write is current
        _consistent(again)
    finally:
        again.close()


# --- reading ahead: a thread reads the next files while the model embeds, in file order --------------------


def test_settled_hears_each_file_once_in_order_with_the_passages_it_added(index, tmp_path, seeds_dir):
    folder = tmp_path / "papers"
    folder.mkdir()
    for name in ("000_a.txt", "004_c.txt"):
        shutil.copy(next(seeds_dir.glob(f"{name[:3]}_*.txt")), folder / name)
    (folder / "001_empty.txt").write_bytes(b"")
    heard: list[tuple[str, int]] = []
    report = ingest_paths(index, [folder], settled=lambda path, added: heard.append((path.name, added)))
    sizes = {name: len(load_document(folder / name).passages) for name in ("000_a.txt", "004_c.txt")}
    assert heard == [("000_a.txt", sizes["000_a.txt"]), ("001_empty.txt", 0), ("004_c.txt", sizes["004_c.txt"])]
    assert sum(n for _, n in heard) == report.passages
    heard.clear()
    ingest_paths(index, [folder], settled=lambda path, added: heard.append((path.name, added)))
    assert heard == [("000_a.txt", 0), ("001_empty.txt", 0), ("004_c.txt", 0)]  # unchanged, and failed again


def test_files_are_read_in_order_by_one_thread_and_a_single_file_by_the_caller(tmp_path, monkeypatch):
    files = []
    for n in range(7):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"1. Paper {n} approved the zq{n} budget.\n")
        files.append((path, path.name))
    reads: list[tuple[str, str]] = []
    load = read_ahead.load_document
    monkeypatch.setattr(
        read_ahead,
        "load_document",
        lambda path, *a, **kw: (reads.append((path.name, threading.current_thread().name)), load(path, *a, **kw))[1],
    )
    got = [(path.name, doc.source) for path, _, doc in read_ahead.read_ahead(files, None, ahead=2)]
    assert got == [(p.name, p.name) for p, _ in files]
    assert [name for name, _ in reads] == [p.name for p, _ in files]
    assert {thread for _, thread in reads} == {"council-read_0"}
    reads.clear()
    [(_, _, doc)] = read_ahead.read_ahead(files[:1], None, ahead=2)
    assert reads == [("0.txt", threading.current_thread().name)] and doc.passages


def test_leaving_early_stops_the_reader(tmp_path, monkeypatch):
    files = []
    for n in range(20):
        path = tmp_path / f"{n:02d}.txt"
        path.write_text(f"1. Paper {n}.\n")
        files.append((path, path.name))
    reads: list[str] = []
    load = read_ahead.load_document
    monkeypatch.setattr(read_ahead, "load_document", lambda path, *a, **kw: (reads.append(path.name), load(path))[1])
    it = read_ahead.read_ahead(files, None, ahead=3)
    next(it)
    it.close()  # what ingest_paths does when an error leaves its loop
    done = len(reads)
    assert done <= 5  # the one taken, the three ahead, and at most one more started before the close
    time.sleep(0.2)
    assert len(reads) == done


def test_reading_ahead_builds_the_same_index_as_reading_in_turn(grouped, tmp_path, seeds_dir, embedder, monkeypatch):
    built = {}
    for ahead in (0, 3):
        monkeypatch.setattr(read_ahead, "READ_AHEAD", ahead)
        index = Index(tmp_path / f"ahead-{ahead}", embedder=embedder)
        db = index.store.db  # a warm embedding cache: this is about reading, not the model
        db.executescript(CACHE_SCHEMA)
        db.execute("ATTACH DATABASE ? AS warm", (str(grouped[0].home / "council.db"),))
        db.execute("INSERT INTO embeddings SELECT hash, model, vector FROM warm.embeddings")
        db.execute("DETACH DATABASE warm")
        try:
            report = ingest_paths(index, [seeds_dir])
            rows = index.store.db.execute("SELECT id, doc_id, label, text FROM passages ORDER BY id").fetchall()
            built[ahead] = (report.added, report.doc_ids, report.embedded, [tuple(r) for r in rows])
            _consistent(index)
        finally:
            index.close()
    assert built[0] == built[3] and built[0][2] == 0
