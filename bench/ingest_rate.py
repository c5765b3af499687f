"""Ingest of real files end to end against the embedding model's own encode rate on the same passages, in one run.

Run: `python -m bench.ingest_rate [PATHS...] [--json FILE]` (default: the four folders of corpus/).

Into a fresh temporary index home: (a) `ingest_paths` over the paths with a fresh `Index`, as `council ingest`
does, each stage it calls timed by wrapping it where it is looked up (behaviour unchanged); (b) then the
same `Embedder` encodes every stored passage's embed text in one `encode()` call, no embedding cache. It
prints passages, seconds and passages/s for both, their ratio, and each stage's share of the ingest.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import index.build as build
from bench.simulate import TimedEmbedder
from bench.system import load, machine, now
from index import lexical, read_ahead
from index.bm25 import BM25
from index.embed import Embedder, stored_embed_texts
from index.search import Index
from index.vectors import VectorIndex
from ingest.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "corpus" / name for name in ("kent", "ofsted-ilacs", "ofsted-send", "seeds")]

# (object, attribute, stage): each is looked up at call time, so wrapping the attribute times every call.
STAGES: list[tuple[object, str, str]] = [
    (read_ahead, "load_document", "read+segment"),  # in the reading thread, or in the caller's for one file
    (build, "cached_vectors", "cache lookup"),  # the model's encode() inside it is taken out below
    (Store, "insert_document", "store rows"),
    (lexical, "add", "FTS5 rows"),
    (build, "store_vectors", "cache rows"),
    (VectorIndex, "add", "FAISS add"),
    (BM25, "add", "BM25 add"),
    (Index, "save", "FAISS+BM25 save"),
]


@dataclass
class Clock:
    """Seconds per stage, added up across calls; a stage's calls in another thread are kept apart."""

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        if threading.current_thread() is not threading.main_thread():
            stage += " (other thread)"
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds
        self.calls[stage] = self.calls.get(stage, 0) + 1


@contextmanager
def timed_stages(clock: Clock) -> Iterator[None]:
    """Wrap every stage in STAGES and the store's transactions (the block, and its COMMIT); restored after."""
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in STAGES]
    saved += [(Store, "transaction", Store.transaction), (build, "read_ahead", build.read_ahead)]

    def wrap(fn: Callable, stage: str) -> Callable:
        def timed(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                clock.add(stage, time.perf_counter() - t0)

        return timed

    transaction = Store.transaction

    @contextmanager
    def timed_transaction(self: Store, then: Callable[[], None] | None = None) -> Iterator:
        cm = transaction(self, then)  # then: the index's new snapshot, published with the COMMIT (a pointer swap)
        db = cm.__enter__()
        t0 = time.perf_counter()
        try:
            yield db
        except BaseException as e:
            if not cm.__exit__(type(e), e, e.__traceback__):
                raise
            return
        t1 = time.perf_counter()
        cm.__exit__(None, None, None)  # COMMIT: with synchronous=FULL, the WAL's fsync
        clock.add("transaction body", t1 - t0)
        clock.add("COMMIT", time.perf_counter() - t1)

    files = build.read_ahead

    def timed_files(*a, **kw) -> Iterator:
        """The caller's waits for the next file: reading in its own thread, or the reader's lag behind it."""
        it = files(*a, **kw)
        try:
            while True:
                t0 = time.perf_counter()
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    clock.add("waiting for files", time.perf_counter() - t0)
                yield item
        finally:
            it.close()

    for obj, name, stage in STAGES:
        setattr(obj, name, wrap(getattr(obj, name), stage))
    Store.transaction = timed_transaction
    build.read_ahead = timed_files
    try:
        yield
    finally:
        for obj, name, fn in saved:
            setattr(obj, name, fn)


@dataclass
class Figures:
    """One run: the ingest end to end and the model alone over the same passages, with where the time went."""

    files: int
    documents: int
    pages: int
    passages: int
    embedded: int  # texts the model embedded during the ingest (a text repeated is embedded once)
    ingest_seconds: float
    model_seconds: float
    open_seconds: float  # model load and Index open, before ingest_paths (not in ingest_seconds)
    ingest_load: str
    model_load: str
    encode_seconds: float  # the model's encode() calls inside the ingest
    encode_calls: int
    ingest_cpu: float  # this process's CPU seconds (all threads) during the ingest, and during the model alone
    model_cpu: float
    batch_size: int
    encode_group: int
    read_ahead: int
    parts: dict[str, float] = field(default_factory=dict)
    machine: str = ""
    started: str = ""

    @property
    def ingest_rate(self) -> float:
        return self.passages / self.ingest_seconds if self.ingest_seconds else 0.0

    @property
    def model_rate(self) -> float:
        return self.passages / self.model_seconds if self.model_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.ingest_rate / self.model_rate if self.model_rate else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "ingest_rate": self.ingest_rate, "model_rate": self.model_rate, "ratio": self.ratio}


def stored_texts(index: Index) -> list[str]:
    """Every stored passage's embed text, in passage id order: what the model read for it during the ingest."""
    return stored_embed_texts(index.store, list(index.store.iter_passages()))


def measure(paths: list[Path], home: Path, embedder: Embedder) -> Figures:
    """(a) ingest_paths into a new index at `home`, stages timed; (b) the model alone over the same texts."""
    started, clock = now(), Clock()
    t0 = time.perf_counter()
    timed = TimedEmbedder(embedder)
    index = Index(home, embedder.name, embedder=timed)
    open_seconds = time.perf_counter() - t0
    try:
        with timed_stages(clock):
            t0, cpu = time.perf_counter(), time.process_time()
            report = build.ingest_paths(index, paths)
            ingest_seconds, ingest_cpu = time.perf_counter() - t0, time.process_time() - cpu
        ingest_load = load()
        texts = stored_texts(index)
        pages = sum(len(index.store.document(d, ("public", "restricted")).page_starts) for d in report.doc_ids)
    finally:
        index.close()
    if report.failed:
        raise SystemExit(f"ingest failed for {len(report.failed)} files: {report.failed[:3]}")
    assert len(texts) == report.passages, (len(texts), report.passages)
    t0, cpu = time.perf_counter(), time.process_time()
    embedder.encode(texts)  # the raw model: nothing read from, or written to, an embedding cache
    model_seconds, model_cpu = time.perf_counter() - t0, time.process_time() - cpu
    parts = dict(clock.seconds)
    parts["model encode"] = timed.seconds
    parts["cache lookup"] = parts.get("cache lookup", 0.0) - timed.seconds
    inner = ("store rows", "FTS5 rows", "cache rows")
    parts["transaction body"] = parts.get("transaction body", 0.0) - sum(parts.get(k, 0.0) for k in inner)
    parts["waiting for files"] = parts.get("waiting for files", 0.0) - parts.get("read+segment", 0.0)
    return Figures(
        files=len(build.expand(paths)),
        documents=len(report.added),
        pages=pages,
        passages=report.passages,
        embedded=report.embedded,
        ingest_seconds=ingest_seconds,
        model_seconds=model_seconds,
        open_seconds=open_seconds,
        ingest_load=ingest_load,
        model_load=load(),
        encode_seconds=timed.seconds,
        encode_calls=timed.calls,
        ingest_cpu=ingest_cpu,
        model_cpu=model_cpu,
        batch_size=embedder.batch_size,
        encode_group=build.ENCODE_GROUP,
        read_ahead=read_ahead.READ_AHEAD,
        parts=parts,
        machine=machine(),
        started=started,
    )


def format_figures(f: Figures) -> list[str]:
    """The report, one figure a line."""
    lines = [
        f"machine: {f.machine}",
        f"started: {f.started}",
        f"input: {f.files} files, {f.documents} documents, {f.pages} pages, {f.passages:,} passages"
        f" ({f.embedded:,} embedded during the ingest)",
        f"model load + index open: {f.open_seconds:.1f} s (before the ingest, not in its time)",
        f"end to end (ingest_paths): {f.passages:,} passages in {f.ingest_seconds:.1f} s ="
        f" {f.ingest_rate:.1f} passages/s ({f.ingest_load})",
        f"model alone (one encode() call, batch {f.batch_size}, no cache): {f.passages:,} passages in"
        f" {f.model_seconds:.1f} s = {f.model_rate:.1f} passages/s ({f.model_load})",
        f"ratio end to end / model alone: {f.ratio:.2f}",
        f"CPU seconds a passage (all threads): end to end {1e3 * f.ingest_cpu / f.passages:.1f} ms,"
        f" model alone {1e3 * f.model_cpu / f.passages:.1f} ms (ratio {f.model_cpu / f.ingest_cpu:.2f})",
        f"model encode() inside the ingest: {f.encode_calls} calls (ENCODE_GROUP {f.encode_group}),"
        f" {f.encode_seconds:.1f} s = {f.encode_seconds / f.model_seconds:.2f}x the model alone;"
        f" files read ahead: {f.read_ahead}",
        "where the ingest's time went (stages in the main thread add up to it, with 'other'):",
    ]
    main = {k: v for k, v in f.parts.items() if "(other thread)" not in k}
    other = f.ingest_seconds - sum(main.values())
    for name, seconds in sorted({**main, "other": other}.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {name:<28} {seconds:7.2f} s  {100 * seconds / f.ingest_seconds:5.1f}%")
    for name, seconds in f.parts.items():
        if "(other thread)" in name:
            lines.append(f"  {name:<28} {seconds:7.2f} s  {100 * seconds / f.ingest_seconds:5.1f}% (overlapped)")
    if f.pages:
        read = f.parts.get("read+segment", 0.0) + f.parts.get("read+segment (other thread)", 0.0)
        lines.append(f"read+segment per page: {1e3 * read / f.pages:.1f} ms")
    return lines


def main(argv: list[str] | None = None) -> Figures:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, default=CORPUS, help="files or folders (default: corpus/*)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--read-ahead", type=int, help=f"files read ahead (default {read_ahead.READ_AHEAD}; 0: none)")
    ap.add_argument("--batch-size", type=int, help="the model's batch size, both measurements (default: Embedder's)")
    ap.add_argument("--encode-group", type=int, help=f"passages a model call (default {build.ENCODE_GROUP})")
    args = ap.parse_args(argv)
    embedder = Embedder()
    if args.batch_size:
        embedder.batch_size = args.batch_size
    defaults = read_ahead.READ_AHEAD, build.ENCODE_GROUP
    read_ahead.READ_AHEAD = defaults[0] if args.read_ahead is None else args.read_ahead
    build.ENCODE_GROUP = args.encode_group or defaults[1]
    try:
        with tempfile.TemporaryDirectory(prefix="council-ingest-rate-") as home:
            figures = measure(args.paths, Path(home), embedder)
    finally:
        read_ahead.READ_AHEAD, build.ENCODE_GROUP = defaults
    print("\n".join(format_figures(figures)))
    if args.json:
        args.json.write_text(json.dumps(figures.as_dict(), indent=2))
    return figures


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is a folder on disk
    main()
