"""Ingest throughput: ingest_paths end to end against the model's own encode() rate, and where the rest goes."""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import index.build as build
from bench.simulate import PerturbedEmbedder, TimedEmbedder
from bench.system import load
from index import lexical, read_ahead
from index.embed import embed_texts
from index.search import Index
from index.vectors import VectorIndex
from ingest.load import load_document
from ingest.store import Store


@dataclass
class IngestFigures:
    """One ingest run: what went in, how long it took, and how that time splits."""

    passages: int
    documents: int
    seconds: float  # ingest_paths, wall clock
    simulated: bool  # vectors from PerturbedEmbedder, model time projected from the sample rate
    model_rate: float  # passages/s of the real model's encode() on a sample of the same embed texts
    model_sample: int
    model_load: str
    ingest_load: str
    encode_seconds: float  # inside ingest_paths: the embedder's encode() calls (stand-in's at simulated sizes)
    parts: dict[str, float] = field(default_factory=dict)  # seconds per instrumented stage
    source_vectors: int = 0  # real vectors the stand-in perturbs (simulated sizes)

    @property
    def model_seconds(self) -> float:
        """What the model alone needs for these passages at its measured raw rate."""
        return self.passages / self.model_rate if self.model_rate else 0.0

    @property
    def outside_seconds(self) -> float:
        """Ingest time not spent inside encode() (measured directly, whichever embedder ran)."""
        return self.seconds - self.encode_seconds

    @property
    def end_to_end_rate(self) -> float:
        """Passages/s end to end; at simulated sizes the model's projected time replaces the stand-in's."""
        total = self.outside_seconds + self.model_seconds if self.simulated else self.seconds
        return self.passages / total if total else 0.0

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "model_seconds": self.model_seconds,
            "outside_seconds": self.outside_seconds,
            "end_to_end_rate": self.end_to_end_rate,
        }


@contextmanager
def timed_stages(parts: dict[str, float]) -> Iterator[None]:
    """Time the stages ingest_paths calls, by wrapping them where build.py looks them up; restored after."""
    targets: list[tuple[object, str, str]] = [
        (read_ahead, "load_document", "load+segment"),
        (build, "cached_vectors", "cache lookup+encode"),
        (build, "store_vectors", "cache write"),
        (lexical, "add", "fts insert"),
        (Store, "insert_document", "store insert"),
        (VectorIndex, "add", "faiss add"),
        (VectorIndex, "save", "faiss save"),
    ]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in targets]

    def wrap(fn: Callable, key: str) -> Callable:
        def timed(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                parts[key] = parts.get(key, 0.0) + time.perf_counter() - t0

        return timed

    for obj, name, key in targets:
        setattr(obj, name, wrap(getattr(obj, name), key))
    try:
        yield
    finally:
        for obj, name, fn in saved:
            setattr(obj, name, fn)


def sample_texts(files: list[Path], n: int, seed: int = 0) -> list[str]:
    """About n embed texts (what the model reads) spread over the corpus, in a fixed order."""
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(files)), min(len(files), max(1, n // 100))))
    texts = [t for i in picked for d in [load_document(files[i])] for t in embed_texts(d.passages, d.title)]
    return rng.sample(texts, min(n, len(texts)))


def run_ingest(
    home: Path, corpus: Path, embedder, sample: int = 2000, simulate: bool = False, pool: Path | None = None
) -> IngestFigures:
    """Ingest `corpus` into a new index at `home`; simulate=True swaps the model for PerturbedEmbedder.

    The stand-in's source vectors are the sample's, or every vector of the real index home `pool`.
    """
    files = sorted(corpus.glob("*.txt"))
    texts = sample_texts(files, sample)
    embedder.encode(texts[:8])  # warm
    t0 = time.perf_counter()
    vectors = embedder.encode(texts)
    rate = len(texts) / (time.perf_counter() - t0)
    rate_load = load()
    if pool is not None:
        from bench.ann import stored_vectors

        vectors = stored_vectors(pool)[0]
    inner = PerturbedEmbedder(embedder.name, vectors) if simulate else embedder
    timed = TimedEmbedder(inner)
    index = Index(home, embedder.name, embedder=timed)
    parts: dict[str, float] = {}
    try:
        with timed_stages(parts):
            t0 = time.perf_counter()
            report = build.ingest_paths(index, [corpus])
            seconds = time.perf_counter() - t0
        ingest_load = load()
    finally:
        index.close()
    if report.failed:
        raise RuntimeError(f"ingest failed for {len(report.failed)} files: {report.failed[:3]}")
    return IngestFigures(
        passages=report.passages,
        documents=len(report.added),
        seconds=seconds,
        simulated=simulate,
        model_rate=rate,
        model_sample=len(texts),
        model_load=rate_load,
        ingest_load=ingest_load,
        encode_seconds=timed.seconds,
        parts=parts,
        source_vectors=len(vectors) if simulate else 0,
    )


def disk_figures(home: Path) -> dict[str, int]:
    """Bytes on disk: the store (split by what its pages hold) and the FAISS file, after a WAL checkpoint."""
    db = sqlite3.connect(home / "council.db")
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = dict(db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
        passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
    finally:
        db.close()
    fts = sum(v for k, v in pages.items() if k.startswith("passages_fts"))
    cache = sum(v for k, v in pages.items() if "embeddings" in k)
    docs = sum(v for k, v in pages.items() if "documents" in k)
    return {
        "passages": passages,
        "db_bytes": sum(p.stat().st_size for p in home.glob("council.db*")),
        "fts_bytes": fts,
        "cache_bytes": cache,
        "documents_bytes": docs,
        "passages_bytes": sum(pages.values()) - fts - cache - docs,
        "faiss_bytes": sum(p.stat().st_size for p in (home / "index").glob("*.faiss")),
    }


def batching_experiment(work: Path, corpus: Path, embedder, passages: int = 2500, repeat: int = 2) -> dict:
    """Ingest the first ~`passages` of a corpus with the model called per document and per group, alternately.

    Per document is ingest_paths with ENCODE_GROUP = 1 (every document fills a group), as before grouping.
    """
    subset = work / "batching-subset"
    shutil.rmtree(subset, ignore_errors=True)
    subset.mkdir(parents=True)
    total = 0
    for path in sorted(corpus.glob("*.txt")):
        if total >= passages:
            break
        (subset / path.name).symlink_to(path.resolve())  # a relative corpus path would make broken links
        total += len(load_document(path).passages)
    grouped = f"across documents (ingest_paths, ENCODE_GROUP={build.ENCODE_GROUP})"
    rates: dict[str, list[float]] = {"per document (ENCODE_GROUP=1)": [], grouped: []}
    for _ in range(repeat):
        for name, group in (("per document (ENCODE_GROUP=1)", 1), (grouped, build.ENCODE_GROUP)):
            home = work / "batching-home"
            shutil.rmtree(home, ignore_errors=True)
            index = Index(home, embedder.name, embedder=embedder)
            default, build.ENCODE_GROUP = build.ENCODE_GROUP, group
            try:
                t0 = time.perf_counter()
                report = build.ingest_paths(index, [subset])
                rates[name].append(report.passages / (time.perf_counter() - t0))
            finally:
                build.ENCODE_GROUP = default
                index.close()
    shutil.rmtree(work / "batching-home", ignore_errors=True)
    return {"passages": total, "rates": rates, "load": load()}
