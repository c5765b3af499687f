"""Crash safety: an ingest killed at any moment leaves an index where every stored passage is searchable
by both rankers and nothing else is; re-running the ingest completes it."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from bench.crash_checks import index_problems, start_ingest
from index.build import IngestReport, add_document, ingest_paths
from index.embed import embed_text
from index.search import Filters, Index
from ingest.load import load_document

DOCS = 30
def _marker(n: int) -> str:
    return f"zqmarker{n}"


def _write_docs(folder: Path, seeds_dir: Path) -> None:
    """DOCS small papers, each three seed paragraphs renumbered, every paragraph carrying its paper's marker."""
    text = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    paragraphs = [m.group(1) for m in re.finditer(r"^-? ?\d{1,2}\. (.{200,700})$", text, re.M)]
    assert len(paragraphs) >= 20
    rnd = random.Random(1789)
    folder.mkdir()
    for n in range(DOCS):
        picked = rnd.sample(paragraphs, 3)
        body = "\n\n".join(f"{k}. In paper {_marker(n)}: {p}" for k, p in enumerate(picked, start=1))
        # The heading is a passage of its own (a citable heading), so it carries the marker too.
        (folder / f"paper_{n:02d}.txt").write_text(f"## Paper {n} {_marker(n)}\n\n{body}\n", encoding="utf-8")


class Worker:
    """The ingest in a child process, its stdout in a file we can poll."""

    def __init__(self, home: Path, folder: Path, log: Path, hold: bool = False) -> None:
        self.log = log
        self.out = open(log, "w")  # closed in kill()
        # Papers are 4 passages (a heading, 3 paragraphs): 2-3 papers per model call and a generation every 3 or
        # more papers, so kills also land between a group's commits, around the model calls and around saves.
        self.proc = start_ingest(home, folder, self.out, group=9, save_min=12, hold=hold)

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def wait_for(self, predicate, timeout: float = 90.0) -> bool:
        """Poll until predicate() holds; False when the child exited first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            if self.proc.poll() is not None:
                return predicate()
            time.sleep(0.01)
        raise AssertionError(f"timed out; child said {self.lines()[-3:]}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.out.close()


def _check(home: Path, folder: Path, embedder) -> set[str]:
    """Open the index as a reader would after the crash; check it; return the sources it holds."""
    index = Index(home, embedder=embedder)
    try:
        store = index.store
        assert index_problems(index) == []  # the store, FAISS, FTS5 and BM25 hold the same passages
        docs = store.documents()
        held = {d["source"] for d in docs}
        firsts = []
        for d in docs:
            n = int(d["source"][6:8])
            doc = store.document(d["doc_id"])
            ids = {store.passage_id(d["doc_id"], p.ordinal) for p in doc.passages}
            # Whole or not at all: every passage the paper has is there.
            assert len(doc.passages) == d["passage_count"] == len(load_document(folder / d["source"]).passages) == 4
            lexical = index.search(_marker(n), k=20, mode="lexical")
            assert {h.id for h in lexical} == ids, d["source"]
            dense = index.search(_marker(n), k=20, filters=Filters(doc_id=d["doc_id"]), mode="dense")
            assert {h.id for h in dense} == ids, d["source"]
            firsts.append((min(ids), embed_text(doc.passages[0], doc.title)))
        # Each vector is its own passage's: the passage's own text finds it first, at cosine 1.
        if firsts:
            fresh = embedder.encode([t for _, t in firsts])
            for (pid, text), vec in zip(firsts, fresh, strict=True):
                assert float(np.dot(index.vectors.index.reconstruct(pid), vec)) == pytest.approx(1.0, abs=1e-4)
                assert index.search(text, k=1, mode="dense")[0].id == pid
        for n in range(DOCS):
            if f"paper_{n:02d}.txt" not in held:
                assert index.search(_marker(n), k=5, mode="lexical") == []
        return held
    finally:
        index.close()


def test_ingest_killed_at_random_moments_stays_consistent(tmp_path, seeds_dir, embedder):
    folder, home = tmp_path / "papers", tmp_path / "home"
    _write_docs(folder, seeds_dir)
    rnd = random.Random(4242)
    held: set[str] = set()

    # 1. Before ingestion: while the child is still loading the model.
    w = Worker(home, folder, tmp_path / "run1.log")
    w.wait_for(lambda: (home / "council.db").exists())
    time.sleep(rnd.uniform(0.0, 1.0))
    w.kill()
    held = _check(home, folder, embedder)

    # 2 and 3. During ingestion: after a random file has started, plus a random moment more.
    for run, (lo, hi) in enumerate([(3, 14), (16, DOCS)], start=2):
        w = Worker(home, folder, tmp_path / f"run{run}.log")
        target = rnd.randint(lo, hi)
        w.wait_for(lambda w=w, t=target: sum(ln.startswith("file ") for ln in w.lines()) >= t)
        time.sleep(rnd.uniform(0.0, 0.4))
        w.kill()
        before = held
        held = _check(home, folder, embedder)
        assert before <= held  # what was committed stays committed

    # 4. After ingestion: the re-run completes the ingest, then waits; kill it anyway.
    w = Worker(home, folder, tmp_path / "run4.log", hold=True)
    assert w.wait_for(lambda: any(ln.startswith("done") for ln in w.lines()))
    w.kill()
    done = w.lines()[-1]
    assert done.startswith(f"done {DOCS - len(held)} added, {len(held)} unchanged, 0 replaced, 0 failed")
    assert _check(home, folder, embedder) == {f"paper_{n:02d}.txt" for n in range(DOCS)}


def test_replacement_committed_before_a_crash_gets_fresh_vectors(tmp_path, embedder):
    home, paper = tmp_path / "home", tmp_path / "notice.txt"
    paper.write_text(
        "1. Library opening hours are extended on Saturdays from June.\n\n"
        "2. The mobile library visits rural villages every fortnight.\n"
    )
    index = Index(home, embedder=embedder)
    ingest_paths(index, [paper])  # saved: store and FAISS agree
    old_ids = index.store.all_passage_ids()
    paper.write_text(
        "1. The zebra crossing outside Hilltop Primary School will be moved to Orchard Lane.\n\n"
        "2. Gritting lorries will treat the priority routes whenever frost is forecast.\n"
    )
    doc = load_document(paper)
    add_document(index, doc, IngestReport())  # the store commits the new version ...
    index.close()  # ... and the process dies before the next FAISS save

    again = Index(home, embedder=embedder)
    try:
        # Ids are never reused (AUTOINCREMENT): the saved FAISS file no longer matches and is rebuilt.
        assert not set(again.store.all_passage_ids()) & set(old_ids)
        first = again.store.document(doc.doc_id).passages[0]
        hit = again.search(embed_text(first, doc.title), k=1, mode="dense")[0]
        assert hit.passage.text.startswith("1. The zebra crossing")
        assert hit.score == pytest.approx(1.0, abs=1e-4)
    finally:
        again.close()


def test_interrupted_ingest_leaves_no_stray_index_files(tmp_path, seeds_dir, embedder):
    """A saved generation replaces the last: the index folder never accumulates old or temporary files."""
    home = tmp_path / "home"
    index = Index(home, embedder=embedder)
    paper = tmp_path / "paper.txt"
    shutil.copy(next(seeds_dir.glob("004_*.txt")), paper)
    ingest_paths(index, [paper])
    paper.write_text(paper.read_text(encoding="utf-8") + "\n\n18. A new paragraph about staffing.\n", encoding="utf-8")
    ingest_paths(index, [paper])
    vectors, bm25 = index.store.get_meta("vectors_generation"), index.store.get_meta("bm25_generation")
    index.close()
    assert sorted(f.name for f in (home / "index").iterdir()) == [f"bm25-{bm25}.npz", f"vectors-{vectors}.faiss"]
