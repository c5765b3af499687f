"""The FAISS index: unit vectors keyed by passage id, written as numbered generations.

Generations are kept by index/generations.py; a reader whose store does not match the file (a crash
between the store's commit and the file's rename) rebuilds from the embedding cache, which commits
with the store, so no passage is ever searchable by one index only.

Below APPROX_FROM passages the vectors are held exactly (IndexFlatIP); from there on they are stored
as 8-bit scalar-quantised codes (IndexScalarQuantizer, QT_8bit). Both are exhaustive, so a filtered
search stays exact about which ids it may return; SQ8 is 4x smaller and ~3.5x faster at 1M passages
with recall@10 0.97-0.99 against exact (docs/benchmarks.md, "Approximate FAISS indexes").
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from index import generations
from ingest.store import Store

# Exact search takes 6 ms at 100k passages and 57 ms at 1M; SQ8 16 ms at 1M (docs/benchmarks.md).
APPROX_FROM = 200_000
# Each dimension's SQ8 range is the training vectors' min..max widened by this share of it on both sides.
# Vectors added after training are clamped to the range, so a range fitted tightly to the first passages
# loses recall on later ones. Measured on the 838 seed vectors, 108 dev questions, recall@10 vs exact:
#   trained on all: minmax 0.995, +10% 0.993, fixed [-1, 1] 0.970 (unit vectors' components lie within
#   +-0.24, so a [-1, 1] range wastes most of the 256 levels);
#   trained on a random quarter, then all added (5 draws): minmax 0.979, +10% 0.992, fixed [-1, 1] 0.970;
#   trained without one paper, then it added (5 papers): minmax 0.990, +10% 0.993, fixed [-1, 1] 0.970.
SQ8_MARGIN = 0.1

KINDS = {"IndexFlatIP": "exact", "IndexFlat": "exact", "IndexScalarQuantizer": "sq8"}


def sq8_index(dim: int, ids: np.ndarray, vecs: np.ndarray) -> faiss.IndexIDMap2:
    """An SQ8 index trained on `vecs` (per-dimension min..max plus SQ8_MARGIN) that holds them under `ids`."""
    inner = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    inner.sq.rangestat = faiss.ScalarQuantizer.RS_minmax
    inner.sq.rangestat_arg = SQ8_MARGIN
    inner.train(vecs)
    index = faiss.IndexIDMap2(inner)
    index.add_with_ids(vecs, ids)
    return index


def selector(allowed: np.ndarray | None, excluded: np.ndarray | None) -> faiss.IDSelector | None:
    """The ids a search may return: in `allowed` (when given) and not in `excluded` (when given)."""
    keep = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)) if allowed is not None else None
    drop = None
    if excluded is not None and len(excluded):
        drop = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.asarray(excluded, dtype=np.int64)))
    if keep is not None and drop is not None:
        return faiss.IDSelectorAnd(keep, drop)
    return keep if keep is not None else drop


class VectorIndex:
    """An inner-product index over unit vectors (cosine), with ids that are passage ids; exact or SQ8."""

    def __init__(self, folder: Path, dim: int, approx_from: int = APPROX_FROM) -> None:
        self.folder = folder
        self.dim = dim
        self.approx_from = approx_from
        self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @property
    def index(self) -> faiss.IndexIDMap2:
        return self._index

    @index.setter
    def index(self, value: faiss.IndexIDMap2) -> None:
        # Whoever swaps the FAISS index (load, conversion, bench.experiments) also drops the stale position map.
        self._index = value
        self._pos: dict[int, int] | None = None

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def kind(self) -> str:
        """Exact or sq8, as the FAISS index itself says, so a loaded file reports what it holds."""
        inner = type(faiss.downcast_index(self.index.index)).__name__
        return KINDS.get(inner, inner)

    def add(self, ids: list[int], vecs: np.ndarray) -> None:
        if ids:
            self.index.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), np.asarray(ids, dtype=np.int64))
            self._pos = None

    def remove(self, ids: list[int]) -> None:
        if ids:
            self.index.remove_ids(np.asarray(ids, dtype=np.int64))
            self._pos = None  # remove_ids compacts the codes: every later row moves up

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None, excluded: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (id, cosine) for one query vector, among `allowed` ids when given and never an `excluded` one.

        The filtering happens inside FAISS, so k hits come back whenever k admitted passages exist.
        """
        if self.size == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return []
        # One FAISS thread for one question, in whichever thread searches: OpenMP's thread count is per thread, so
        # Index's own call covered only the thread that opened it, and a request thread's team of two waited for a
        # descheduled partner under load (p95 of a 1,000-vector search 23-30 ms against 0.06 ms).
        faiss.omp_set_num_threads(1)
        sel = selector(allowed, excluded)
        # FAISS holds bare pointers to the selectors: `sel` (which references those it wraps) stays bound
        # here until the search has returned.
        params = faiss.SearchParameters(sel=sel) if sel is not None else None
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), min(k, self.size), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]

    def scores(self, query: np.ndarray, ids: list[int]) -> dict[int, float]:
        """Cosine of the query with the stored vectors of these ids (those the index holds; SQ8 ones decoded)."""
        if not ids:
            return {}
        pos = self._positions()
        known = [i for i in ids if i in pos]
        if not known:
            return {}
        vecs = self.index.index.reconstruct_batch(np.asarray([pos[i] for i in known], dtype=np.int64))
        return dict(zip(known, (vecs @ query.astype(np.float32)).tolist(), strict=True))

    def _positions(self) -> dict[int, int]:
        """id -> row of the inner index; rebuilt after any add, remove or swap (a remove shifts the rows)."""
        if self._pos is None:
            self._pos = {int(i): n for n, i in enumerate(faiss.vector_to_array(self.index.id_map))}
        return self._pos

    def convert(self) -> None:
        """Replace the exact index by an SQ8 one over the same ids and vectors (trained on them)."""
        ids = faiss.vector_to_array(self.index.id_map)
        vecs = self.index.index.reconstruct_n(0, self.size)
        self.index = sq8_index(self.dim, ids, vecs)

    def copy(self) -> VectorIndex:
        """An independent copy (a writer changes it while readers search this one): every vector is copied."""
        vi = VectorIndex(self.folder, self.dim, self.approx_from)
        vi.index = faiss.clone_index(self.index)
        return vi

    # --- persistence ------------------------------------------------------------------------
    @property
    def converts_on_save(self) -> bool:
        """Whether `save` will turn this exact index into SQ8 (it has reached approx_from)."""
        return self.kind == "exact" and self.size >= max(self.approx_from, 1)  # SQ8 trains on what it holds

    def save(self, store: Store) -> None:
        """Write a new generation atomically and record it, with the ids' fingerprint, in the store.

        An exact index that has reached approx_from passages is converted to SQ8 first; an SQ8 index is
        never converted back (its vectors are no longer exact), only a rebuild from the cache makes it exact.
        """
        if self.converts_on_save:
            self.convert()
        ids = faiss.vector_to_array(self.index.id_map).tolist()
        generations.write(
            self.folder, store, "vectors", "faiss", ids, lambda tmp: faiss.write_index(self.index, str(tmp))
        )

    @classmethod
    def load(
        cls, folder: Path, dim: int, store: Store, ids_fingerprint: str, approx_from: int = APPROX_FROM
    ) -> VectorIndex | None:
        """The current generation (exact or SQ8) if it holds exactly the store's passages, else None (rebuild)."""
        path = generations.current(folder, store, "vectors", "faiss", ids_fingerprint)
        if path is None:
            return None
        vi = cls(folder, dim, approx_from)
        vi.index = faiss.read_index(str(path))
        if vi.index.d != dim:
            return None
        return vi
