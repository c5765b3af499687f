"""The FAISS index: unit vectors keyed by passage id, written as numbered generations.

A generation file is written to a temporary name, fsynced and renamed; the store records which
generation is current and a fingerprint of the passage ids it holds. A reader whose store does not
match the file (a crash between the store's commit and the file's rename) rebuilds from the
embedding cache, which commits with the store, so no passage is ever searchable by one index only.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import faiss
import numpy as np

from ingest.store import Store


def fingerprint(ids: list[int]) -> str:
    """A short hash of a set of passage ids."""
    return hashlib.sha256(np.asarray(sorted(ids), dtype=np.int64).tobytes()).hexdigest()[:16]


class VectorIndex:
    """An exact inner-product index over unit vectors (cosine), with ids that are passage ids."""

    def __init__(self, folder: Path, dim: int) -> None:
        self.folder = folder
        self.dim = dim
        self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: list[int], vecs: np.ndarray) -> None:
        if ids:
            self.index.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def remove(self, ids: list[int]) -> None:
        if ids:
            self.index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (id, cosine) for one query vector, among `allowed` ids when given (filtering inside FAISS)."""
        if self.size == 0 or k <= 0:
            return []
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), min(k, self.size), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]

    def scores(self, query: np.ndarray, ids: list[int]) -> dict[int, float]:
        """Cosine of the query with the stored vectors of these ids (those the index holds)."""
        if not ids:
            return {}
        id_map = self._positions()
        known = [i for i in ids if i in id_map]
        if not known:
            return {}
        vecs = np.vstack([self.index.index.reconstruct(id_map[i]) for i in known])
        return dict(zip(known, (vecs @ query.astype(np.float32)).tolist(), strict=True))

    def _positions(self) -> dict[int, int]:
        # id -> row of the flat index; rebuilt only when the index changed size.
        if getattr(self, "_pos_size", -1) != self.size:
            ids = faiss.vector_to_array(self.index.id_map)
            self._pos = {int(i): n for n, i in enumerate(ids)}
            self._pos_size = self.size
        return self._pos

    # --- persistence ------------------------------------------------------------------------
    def save(self, store: Store) -> None:
        """Write a new generation atomically and record it, with the ids' fingerprint, in the store."""
        self.folder.mkdir(parents=True, exist_ok=True)
        old = int(store.get_meta("vectors_generation") or 0)
        new = old + 1
        final = self.folder / f"vectors-{new}.faiss"
        tmp = final.with_suffix(".tmp")
        faiss.write_index(self.index, str(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        dir_fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        ids = faiss.vector_to_array(self.index.id_map).tolist()
        with store.transaction():
            store.set_meta("vectors_generation", str(new))
            store.set_meta("vectors_fingerprint", fingerprint(ids))
        for stale in self.folder.glob("vectors-*.faiss"):
            if stale != final:
                stale.unlink(missing_ok=True)

    @classmethod
    def load(cls, folder: Path, dim: int, store: Store) -> VectorIndex | None:
        """The current generation if it matches the store's passages exactly, else None (rebuild)."""
        gen = store.get_meta("vectors_generation")
        path = folder / f"vectors-{gen}.faiss"
        if gen is None or not path.is_file():
            return None
        if store.get_meta("vectors_fingerprint") != fingerprint(store.all_passage_ids()):
            return None
        vi = cls(folder, dim)
        vi.index = faiss.read_index(str(path))
        if vi.index.d != dim:
            return None
        return vi
