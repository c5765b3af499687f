"""The FAISS index, exact and SQ8: conversion at save, loading, removal, filters and recall against exact."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np
import pytest

from index.build import ingest_paths
from index.embed import CACHE_SCHEMA
from index.generations import fingerprint
from index.search import Index
from index.vectors import VectorIndex
from ingest.store import Store

DEV = Path(__file__).resolve().parents[2] / "evals" / "data" / "dev.jsonl"
QUESTIONS = 50


@pytest.fixture(scope="module")
def seed_vectors(seed_index) -> tuple[np.ndarray, np.ndarray]:
    """The seed index's passage ids and unit vectors, copied out (the seed index itself stays untouched)."""
    vi = seed_index.vectors.index
    return faiss.vector_to_array(vi.id_map).copy(), vi.index.reconstruct_n(0, vi.ntotal)


@pytest.fixture(scope="module")
def questions(embedder) -> np.ndarray:
    """The first dev questions, embedded by the real model."""
    with DEV.open() as fh:
        texts = [json.loads(line)["question"] for line in fh][:QUESTIONS]
    return np.asarray(embedder.encode(texts), dtype=np.float32)


@pytest.fixture
def store(tmp_path: Path, seed_index, copy_database) -> Iterator[Store]:
    """A copy of the seed store: its passage ids are the seed vectors' ids, so load() accepts a saved index."""
    path = tmp_path / "council.db"
    copy_database(seed_index.store.db, path)
    st = Store(path)
    yield st
    st.close()


def build(folder: Path, ids: np.ndarray, vecs: np.ndarray, approx_from: int) -> VectorIndex:
    vi = VectorIndex(folder, vecs.shape[1], approx_from)
    vi.add(ids.tolist(), vecs)
    return vi


def sq8(folder: Path, ids: np.ndarray, vecs: np.ndarray, store: Store) -> VectorIndex:
    """An SQ8 index over these vectors, made the way a growing index becomes one: at save."""
    vi = build(folder, ids, vecs, approx_from=1)
    vi.save(store)
    assert vi.kind == "sq8"
    return vi


def of_kind(kind: str, folder: Path, ids: np.ndarray, vecs: np.ndarray, store: Store) -> VectorIndex:
    """An exact or an SQ8 index over these vectors, for tests that must hold for both."""
    return sq8(folder, ids, vecs, store) if kind == "sq8" else build(folder, ids, vecs, approx_from=10**9)


def top_ids(vi: VectorIndex, queries: np.ndarray, k: int = 10) -> list[list[int]]:
    return [[i for i, _ in vi.search(q, k)] for q in queries]


def recall(found: list[list[int]], exact: list[list[int]]) -> float:
    return float(np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact, strict=True)]))


def test_save_converts_from_approx_from_and_never_back(tmp_path: Path, seed_vectors, store: Store) -> None:
    ids, vecs = seed_vectors
    below = build(tmp_path / "below", ids, vecs, approx_from=len(ids) + 1)
    below.save(store)
    assert below.kind == "exact"
    at = build(tmp_path / "at", ids, vecs, approx_from=len(ids))
    assert at.kind == "exact"
    at.save(store)
    assert at.kind == "sq8" and at.size == len(ids)
    assert sorted(faiss.vector_to_array(at.index.id_map).tolist()) == sorted(ids.tolist())
    loaded = VectorIndex.load(
        tmp_path / "at", vecs.shape[1], store, fingerprint(store.all_passage_ids()), approx_from=10**9
    )
    assert loaded is not None and loaded.kind == "sq8"  # the file says what it holds; no conversion back
    loaded.save(store)
    assert loaded.kind == "sq8"


def test_sq8_loaded_from_disk_searches_and_scores_as_before(
    tmp_path: Path, seed_vectors, questions: np.ndarray, store: Store
) -> None:
    ids, vecs = seed_vectors
    vi = sq8(tmp_path, ids, vecs, store)
    loaded = VectorIndex.load(tmp_path, vecs.shape[1], store, fingerprint(store.all_passage_ids()))
    assert loaded is not None and loaded.kind == "sq8" and loaded.size == len(ids)
    for q in questions[:10]:
        before, after = vi.search(q, 10), loaded.search(q, 10)
        assert [i for i, _ in after] == [i for i, _ in before]
        assert [s for _, s in after] == pytest.approx([s for _, s in before], abs=1e-6)
        scored = loaded.scores(q, [i for i, _ in after])
        assert [scored[i] for i, _ in after] == pytest.approx([s for _, s in after], abs=1e-5)
        exact = {int(i): float(v @ q) for i, v in zip(ids, vecs, strict=True)}
        assert max(abs(scored[i] - exact[i]) for i in scored) < 0.02  # decoded, not the exact cosine


@pytest.mark.parametrize("kind", ["exact", "sq8"])
def test_scores_right_after_remove_and_add(
    tmp_path: Path, kind: str, seed_vectors, questions: np.ndarray, store: Store
) -> None:
    """remove_ids moves every later row up; adding as many back keeps the size, so the map must not be stale."""
    ids, vecs = seed_vectors
    vi = of_kind(kind, tmp_path, ids, vecs, store)
    q = questions[0]
    kept = ids[10:].tolist()
    before = vi.scores(q, kept)  # builds the position map
    vi.remove(ids[:10].tolist())
    new_ids = [int(ids.max()) + 1 + n for n in range(10)]
    vi.add(new_ids, vecs[-10:])
    assert vi.size == len(ids)
    after = vi.scores(q, kept + new_ids + ids[:10].tolist())
    assert set(after) == set(kept) | set(new_ids)  # removed ids are no longer scored
    assert [after[i] for i in kept] == pytest.approx([before[i] for i in kept], abs=1e-5)
    assert [after[i] for i in new_ids] == pytest.approx((vecs[-10:] @ q).tolist(), abs=0.02 if kind == "sq8" else 1e-5)
    if kind == "exact":
        assert [after[i] for i in kept] == pytest.approx((vecs[10:] @ q).tolist(), abs=1e-5)


@pytest.mark.parametrize("kind", ["exact", "sq8"])
def test_filters_never_let_an_id_through(
    tmp_path: Path, kind: str, seed_vectors, questions: np.ndarray, store: Store
) -> None:
    ids, vecs = seed_vectors
    vi = of_kind(kind, tmp_path, ids, vecs, store)
    allowed = ids[::7]
    for q in questions[:10]:
        inside = vi.search(q, 20, allowed=allowed)
        assert len(inside) == 20 and {i for i, _ in inside} <= set(allowed.tolist())
        best = np.asarray([i for i, _ in vi.search(q, 5)], dtype=np.int64)
        outside = vi.search(q, 20, excluded=best)
        assert len(outside) == 20 and not {i for i, _ in outside} & set(best.tolist())
        both = vi.search(q, 20, allowed=allowed, excluded=allowed[:3])
        assert len(both) == 20 and {i for i, _ in both} <= set(allowed[3:].tolist())
    assert vi.search(questions[0], 5, allowed=np.array([], dtype=np.int64)) == []
    assert vi.search(questions[0], 5, excluded=ids) == []


def test_sq8_recall_at_10_against_exact(tmp_path: Path, seed_vectors, questions: np.ndarray, store: Store) -> None:
    ids, vecs = seed_vectors
    exact = top_ids(build(tmp_path / "exact", ids, vecs, approx_from=10**9), questions)
    assert recall(top_ids(sq8(tmp_path / "all", ids, vecs, store), questions), exact) >= 0.95
    # Vectors added after the SQ8 ranges were trained (on a quarter) are clamped to them where they fall outside.
    late = VectorIndex(tmp_path / "late", vecs.shape[1], approx_from=len(ids) // 4)
    late.add(ids[::4].tolist(), vecs[::4])
    late.save(store)
    assert late.kind == "sq8"
    rest = np.setdiff1d(np.arange(len(ids)), np.arange(0, len(ids), 4))
    late.add(ids[rest].tolist(), vecs[rest])
    assert recall(top_ids(late, questions), exact) >= 0.95


@pytest.fixture(scope="module")
def sq8_seed_index(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, embedder, seed_index) -> Iterator[Index]:
    """The seeds ingested into a new home whose index holds SQ8 codes from 100 passages on.

    The seed store's embedding cache is copied in first, so ingesting reads the vectors instead of running the
    model over 838 passages again (about 40 s).
    """
    home = tmp_path_factory.mktemp("sq8_home")
    index = Index(home, embedder=embedder, approx_from=100)
    rows = [tuple(r) for r in seed_index.store.db.execute("SELECT hash, model, vector FROM embeddings")]
    index.store.db.executescript(CACHE_SCHEMA)
    with index.store.transaction() as db:
        db.executemany("INSERT INTO embeddings(hash, model, vector) VALUES (?, ?, ?)", rows)
    report = ingest_paths(index, [seeds_dir])
    assert len(report.added) == 5 and report.failed == [] and report.embedded == 0, report.summary()
    yield index
    index.close()


def test_index_over_approx_from_serves_sq8_hits(sq8_seed_index: Index, seed_index: Index) -> None:
    assert sq8_seed_index.vectors.kind == "sq8"
    assert sq8_seed_index.vectors.size == seed_index.vectors.size
    with DEV.open() as fh:
        texts = [json.loads(line)["question"] for line in fh][:5]
    for text in texts:
        hits, seed_hits = sq8_seed_index.search(text, k=5), seed_index.search(text, k=5)
        assert hits and hits[0].dense is not None
        assert hits[0].passage.passage_id == seed_hits[0].passage.passage_id, text


def test_index_reopened_loads_sq8_without_rebuilding(sq8_seed_index: Index, embedder) -> None:
    generation = sq8_seed_index.store.get_meta("vectors_generation")
    again = Index(sq8_seed_index.home, embedder=embedder)  # default approx_from: an SQ8 file stays SQ8
    try:
        assert again.vectors.kind == "sq8" and again.vectors.size == sq8_seed_index.vectors.size
        assert again.store.get_meta("vectors_generation") == generation
    finally:
        again.close()


def test_rebuild_from_the_cache_above_approx_from_builds_sq8_directly(
    sq8_seed_index: Index, seed_index: Index, embedder, tmp_path: Path, copy_database
) -> None:
    home = tmp_path / "copy"
    home.mkdir()
    copy_database(sq8_seed_index.store.db, home / "council.db")  # no FAISS file: rebuilt from the cache
    again = Index(home, embedder=embedder, approx_from=100)
    try:
        assert again.vectors.kind == "sq8" and again.vectors.size == seed_index.vectors.size
        for question in ("What did Ofsted say about caseloads?", "recommendations about foster carers"):
            ours, exact = again.search(question, k=1)[0], seed_index.search(question, k=1)[0]
            assert (ours.doc["source"], ours.passage.label) == (exact.doc["source"], exact.passage.label)
    finally:
        again.close()
