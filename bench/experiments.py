"""Candidate changes to index/, tried here by monkeypatching a serving process, never by editing index/.

Each patch is a proposal with its measured effect in docs/benchmarks.md:
- allowed:  Index._allowed decides "every passage is admitted" on the small documents table when the filter
            names only document columns, instead of listing every passage id on every query.
- lexical:  lexical.search skips its JOIN to passages and documents when every passage is admitted.
- ingest_batched: ingest_paths with the model called once per ~1,000 passages across documents instead of
            once per document (each document still commits alone).
- coverage: lexical.coverage counts the corpus from the passages table (a B-tree count) instead of
            count(*) over the FTS5 table, which reads every FTS row on every question.
- bm25:     lexical.search ranks with numpy over postings read once from FTS5 (bench/bm25.py); a hyphenated
            phrase term is scored by FTS5 alone and added in; filtered searches stay on FTS5.
- swap_vectors: serve from another FAISS index over the same ids (HNSW or SQ8, written by bench.run).
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

from bench.bm25 import SparseBM25
from index import lexical
from index.build import SAVE_EVERY, IngestReport, add_document, expand
from index.embed import cached_vectors, embed_text
from index.search import Index
from ingest.load import load_document

_PASSAGE_COLUMN = re.compile(r"\bp\.")


def admits_all(db: sqlite3.Connection, where: str, params: tuple) -> bool:
    """Whether a clause over documents only holds for every document (so for every passage)."""
    if _PASSAGE_COLUMN.search(where):
        return False
    return db.execute(f"SELECT 1 FROM documents d WHERE ({where}) IS NOT 1 LIMIT 1", params).fetchone() is None


def fast_allowed(original: Callable) -> Callable:
    """Index._allowed that answers "every passage" from the documents table when it can."""

    def _allowed(self: Index, where: str, params: tuple) -> np.ndarray | None:
        if admits_all(self.store.db, where, params):
            return None
        return original(self, where, params)

    return _allowed


def fast_lexical(original: Callable) -> Callable:
    """lexical.search without the JOIN to passages and documents when the clause admits every passage."""

    def search(db: sqlite3.Connection, question: str, k: int, where: str = "1", params: tuple = ()):
        if not admits_all(db, where, params):
            return original(db, question, k, where, params)
        terms = lexical.query_terms(question)
        if not terms:
            return []
        sql = (
            "SELECT rowid, -bm25(passages_fts, 1.0, 0.4) FROM passages_fts WHERE passages_fts MATCH ?"
            " ORDER BY bm25(passages_fts, 1.0, 0.4) LIMIT ?"
        )
        return [(r[0], r[1]) for r in db.execute(sql, (" OR ".join(terms), k))]

    return search


def fast_coverage(original: Callable) -> Callable:
    """lexical.coverage with N from `SELECT count(*) FROM passages` (one FTS row per passage, same number)."""

    def coverage(db: sqlite3.Connection, question: str, ids: list[int]) -> dict[int, float]:
        terms = lexical.query_terms(question)
        if not terms or not ids:
            return {i: 0.0 for i in ids}
        n = db.execute("SELECT count(*) FROM passages").fetchone()[0] or 1
        marks = ",".join("?" for _ in ids)
        weight: dict[str, float] = {}
        holders: dict[str, set[int]] = {}
        for t in terms:
            df = db.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", (t,)).fetchone()[0]
            weight[t] = math.log(1 + n / (1 + df))
            sql = f"SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid IN ({marks})"
            holders[t] = {r[0] for r in db.execute(sql, (t, *ids))}
        total = sum(weight.values())
        return {i: sum(w for t, w in weight.items() if i in holders[t]) / total for i in ids}

    return coverage


BM25_MODELS: dict[int, SparseBM25] = {}  # per connection, built on the first question


def numpy_lexical(original: Callable) -> Callable:
    """lexical.search ranked by SparseBM25 when every passage is admitted and no term is a phrase."""
    fallback = fast_lexical(original)

    def search(db: sqlite3.Connection, question: str, k: int, where: str = "1", params: tuple = ()):
        if admits_all(db, where, params):
            model = BM25_MODELS.get(id(db)) or BM25_MODELS.setdefault(id(db), SparseBM25(db))
            terms = lexical.query_terms(question)
            found = model.search(terms, k, db) if terms else []
            if found is not None:
                return found
        return fallback(db, question, k, where, params)

    return search


def swap_vectors(index: Index, path: Path) -> None:
    """Serve from the FAISS index in `path` (an IndexIDMap2 over the same passage ids)."""
    swapped = faiss.read_index(str(path))
    if swapped.ntotal != index.vectors.size:
        raise ValueError(f"{path} holds {swapped.ntotal} vectors, the index {index.vectors.size}")
    index.vectors.index = swapped


def apply(patches: list[str]) -> None:
    """Apply module-level patches by name."""
    for name in patches:
        if name == "allowed":
            Index._allowed = fast_allowed(Index._allowed)
        elif name == "lexical":
            lexical.search = fast_lexical(lexical.search)
        elif name == "bm25":
            lexical.search = numpy_lexical(lexical.search)
        elif name == "coverage":
            lexical.coverage = fast_coverage(lexical.coverage)
        else:
            raise ValueError(f"unknown patch {name!r}")


class _Ahead:
    """An embedder that answers from vectors encoded ahead, and asks the model only for texts it has not seen."""

    def __init__(self, inner, ahead: dict[str, np.ndarray]) -> None:
        self.inner, self.ahead = inner, ahead
        self.name, self.dim, self.batch_size = inner.name, inner.dim, inner.batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        if all(t in self.ahead for t in texts):
            return np.stack([self.ahead[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
        return self.inner.encode(texts)


def ingest_batched(index: Index, paths: list[Path], group: int = 1024) -> IngestReport:
    """ingest_paths for good files, but the model sees ~`group` passages of several documents per call."""
    report = IngestReport()
    inner = index.embedder
    files = expand(paths)
    dirty = 0
    try:
        start = 0
        while start < len(files):
            docs = []
            while start < len(files) and sum(len(d.passages) for d in docs) < group:
                path, source = files[start]
                docs.append(load_document(path, source=source))
                start += 1
            texts = [embed_text(p, d.title) for d in docs for p in d.passages]
            vecs, _ = cached_vectors(index.store.db, inner, texts)
            index.embedder = _Ahead(inner, dict(zip(texts, vecs, strict=True)))
            for doc in docs:
                add_document(index, doc, report)
                dirty += 1
                if dirty >= SAVE_EVERY:
                    index.vectors.save(index.store)
                    dirty = 0
            index.embedder = inner
    finally:
        index.embedder = inner
    if dirty:
        index.vectors.save(index.store)
    return report
