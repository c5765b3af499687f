"""Serving experiments that are not the code's own choice, tried on a served index without editing index/.

The earlier candidates here (the access filter's shortcut, FTS5 without its JOIN, the corpus count in
coverage, BM25 in numpy, gc.freeze, one FAISS thread) were measured, then moved into index/ and assistant/;
docs/benchmarks.md keeps their measured effect. What is left is swapping the served FAISS index for
another over the same ids (HNSW, or SQ8 below the size where the index converts by itself).
"""

from __future__ import annotations

from pathlib import Path

import faiss

from index.search import Index


def swap_vectors(index: Index, path: Path) -> None:
    """Serve from the FAISS index in `path` (an IndexIDMap2 over the same passage ids)."""
    swapped = faiss.read_index(str(path))
    if swapped.ntotal != index.vectors.size:
        raise ValueError(f"{path} holds {swapped.ntotal} vectors, the index {index.vectors.size}")
    index.vectors.index = swapped
