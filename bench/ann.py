"""Approximate FAISS indexes against the exact one, over the same vectors: recall@10, latency, build time, size.

The exact index is what index/vectors.py serves (IndexFlatIP under an id map). The candidates are built here
only: HNSW (M=32) at several efSearch, IVF-Flat with nlist = 4 sqrt(N) at several nprobe, 8-bit scalar
quantisation alone and under IVF.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from bench.system import load, summary

K = 10
HNSW_M = 32
EF_SEARCH = (32, 64, 128, 256)  # 256 beyond the three: where HNSW gets to on clustered vectors
NPROBE = (8, 16, 32)


@dataclass(frozen=True)
class AnnRow:
    """One index at one search setting."""

    name: str
    setting: str
    build_s: float
    bytes: int
    recall: float  # recall@10 against exact search
    median_ms: float
    p95_ms: float
    load: str


def stored_vectors(home: Path) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, passage ids) of the current FAISS generation in an index home, in stored order."""
    files = sorted((home / "index").glob("vectors-*.faiss"), key=lambda p: int(p.stem.split("-")[1]))
    index = faiss.read_index(str(files[-1]))
    flat = faiss.downcast_index(index.index)
    return flat.reconstruct_n(0, flat.ntotal), faiss.vector_to_array(index.id_map).astype(np.int64)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of the true top-k ids found in the approximate top-k, per query."""
    hits = [
        len(set(f[f >= 0].tolist()) & set(t[t >= 0].tolist())) / max(1, (t >= 0).sum())
        for f, t in zip(found, truth, strict=True)
    ]
    return float(np.mean(hits))


def one_by_one(index: faiss.Index, queries: np.ndarray, repeat: int) -> tuple[np.ndarray, list[float]]:
    """Search one query at a time, as a server does; (ids of the first pass, per-query milliseconds)."""
    ms: list[float] = []
    ids = np.zeros((len(queries), K), dtype=np.int64)
    for r in range(repeat):
        for i, q in enumerate(queries):
            t0 = time.perf_counter()
            _, found = index.search(q.reshape(1, -1), K)
            ms.append((time.perf_counter() - t0) * 1e3)
            if r == 0:
                ids[i] = found[0]
    return ids, ms


def _size(index: faiss.Index) -> int:
    return int(faiss.serialize_index(index).size)


def _ivf(dim: int, nlist: int, sq8: bool) -> faiss.Index:
    quantizer = faiss.IndexFlatIP(dim)
    if sq8:
        return faiss.IndexIVFScalarQuantizer(
            quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
    return faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)


def candidates(dim: int, n: int) -> Iterator[tuple[str, Callable[[], faiss.Index], str, list[tuple[str, Callable]]]]:
    """(name, factory, training need, [(setting, apply)]) for each index family."""
    nlist = max(1, int(4 * math.sqrt(n)))

    def hnsw() -> faiss.Index:
        return faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)

    def set_ef(ef: int) -> Callable:
        return lambda ix: setattr(ix.hnsw, "efSearch", ef)

    def set_nprobe(p: int) -> Callable:
        return lambda ix: setattr(ix, "nprobe", p)

    yield f"HNSWFlat M={HNSW_M}", hnsw, "none", [(f"efSearch={ef}", set_ef(ef)) for ef in EF_SEARCH]
    yield (
        f"IVFFlat nlist={nlist}",
        lambda: _ivf(dim, nlist, False),
        "kmeans",
        [(f"nprobe={p}", set_nprobe(p)) for p in NPROBE],
    )
    yield (
        "SQ8 (flat)",
        lambda: faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT),
        "ranges",
        [("exhaustive", lambda ix: None)],
    )
    yield (
        f"IVF-SQ8 nlist={nlist}",
        lambda: _ivf(dim, nlist, True),
        "kmeans",
        [(f"nprobe={p}", set_nprobe(p)) for p in NPROBE],
    )


def compare(
    vectors: np.ndarray,
    queries: np.ndarray,
    ids: np.ndarray | None = None,
    repeat: int = 3,
    seed: int = 0,
    keep: dict[str, str] | None = None,
) -> tuple[list[AnnRow], dict[str, faiss.Index]]:
    """Exact first, then each candidate at each setting, all over the same vectors, ids and queries.

    Every index sits under an IndexIDMap2 with the passages' ids, as the served one does. `keep` maps a
    label to "name|setting": those indexes are returned, set to that setting, for the serving experiment.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    n, dim = vectors.shape
    ids = np.arange(n, dtype=np.int64) if ids is None else np.ascontiguousarray(ids, dtype=np.int64)
    rows: list[AnnRow] = []
    kept: dict[str, faiss.Index] = {}
    wanted = {v: k for k, v in (keep or {}).items()}
    t0 = time.perf_counter()
    exact = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    exact.add_with_ids(vectors, ids)
    build = time.perf_counter() - t0
    truth, ms = one_by_one(exact, queries, repeat)
    s = summary(ms)
    rows.append(AnnRow("FlatIP (exact, served)", "exhaustive", build, _size(exact), 1.0, s["median"], s["p95"], load()))
    del exact
    rng = np.random.default_rng(seed)
    for name, factory, training, settings in candidates(dim, n):
        t0 = time.perf_counter()
        base = factory()
        if training != "none":
            # FAISS k-means asks for at least 39 points a list; that many keeps the 1M build in minutes.
            want = min(n, 39 * base.nlist if training == "kmeans" else 100_000)
            base.train(vectors[np.sort(rng.choice(n, size=want, replace=False))])
        index = faiss.IndexIDMap2(base)
        index.add_with_ids(vectors, ids)
        build = time.perf_counter() - t0
        size = _size(index)
        for setting, apply in settings:
            apply(base)
            found, ms = one_by_one(index, queries, repeat)
            s = summary(ms)
            rows.append(AnnRow(name, setting, build, size, recall(found, truth), s["median"], s["p95"], load()))
            label = wanted.get(f"{name.split()[0]}|{setting}")
            if label:
                kept[label] = faiss.clone_index(index)
        del index, base
    return rows, kept


def main() -> None:
    import argparse

    from bench.latency import dev_questions
    from index.embed import Embedder

    ap = argparse.ArgumentParser(description="The approximate-index table alone, over an index home's vectors.")
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--faiss-threads", type=int, help="faiss.omp_set_num_threads for the timings")
    args = ap.parse_args()
    if args.faiss_threads:
        faiss.omp_set_num_threads(args.faiss_threads)
    queries = Embedder().encode(dev_questions())
    vectors, ids = stored_vectors(args.home)
    print(f"{len(ids):,} vectors, {len(queries)} queries x {args.repeat}, faiss threads {faiss.omp_get_max_threads()}")
    rows, _ = compare(vectors, queries, ids, repeat=args.repeat)
    for r in rows:
        print(
            f"ann: {r.name:24} {r.setting:13} recall@10 {r.recall:.3f}  median {r.median_ms:7.3f} ms"
            f"  p95 {r.p95_ms:7.3f} ms  build {r.build_s:6.1f} s  {r.bytes / 2**20:8.1f} MB  ({r.load})"
        )


if __name__ == "__main__":
    main()
