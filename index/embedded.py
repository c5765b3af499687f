"""The embedded default behind the seam (index/backend.py): FAISS and the in-memory BM25 of one snapshot.

A filter becomes the passage ids it admits or excludes (Index._selection, cached until the next commit), handed
to FAISS's and BM25's own id filters; BM25 counts its statistics over what the caller may read (Index.readable).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.backend import Ranked
from index.bm25 import BM25
from index.filters import Filters
from index.vectors import VectorIndex

# (filters, access) -> (allowed ids, excluded ids): both None when the filters admit every passage
Select = Callable[[Filters, tuple[str, ...]], tuple[np.ndarray | None, np.ndarray | None]]


@dataclass(frozen=True)
class EmbeddedDense:
    """FAISS (exact, or SQ8 from APPROX_FROM passages) as a DenseRetriever."""

    vectors: VectorIndex
    select: Select

    def search(self, query: np.ndarray, k: int, filters: Filters, access: tuple[str, ...]) -> Ranked:
        allowed, blocked = self.select(filters, access)
        return self.vectors.search(query, k, allowed, excluded=blocked)

    def scores(self, query: np.ndarray, ids: list[int]) -> dict[int, float]:
        return self.vectors.scores(query, ids)


@dataclass(frozen=True)
class EmbeddedLexical:
    """The in-memory BM25 (FTS5 for phrases) as a LexicalRetriever."""

    bm25: BM25
    db: sqlite3.Connection
    select: Select
    readable: Callable[[tuple[str, ...]], np.ndarray | None]

    def search(self, terms: list[str], k: int, filters: Filters, access: tuple[str, ...]) -> Ranked:
        allowed, blocked = self.select(filters, access)
        return self.bm25.search(self.db, terms, k, allowed, blocked, self.readable(access))
