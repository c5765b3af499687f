"""Ingest files into an open index: each document commits whole (store, FTS, vectors) or not at all.

Documents are taken a group of about ENCODE_GROUP passages (several documents) at a time, and the group's new
texts go to the model in one call: one call per document ran the model at 57 passages/s, one per ~1,000
passages at 75 (docs/benchmarks.md, "Ingest throughput"). A thread reads the next files meanwhile
(index/read_ahead.py). Each document still commits alone, in file order. FAISS and BM25 generations are
written when the passages changed since the last write reach a quarter of the index (at least
SAVE_MIN_PASSAGES), so the bytes written stay linear in the corpus; a crash before a write loses nothing,
since the reopened index rebuilds from the store.

An ingest or a delete holds the index's writer lock (one writer at a time) but never blocks a search: reading
and embedding happen outside any transaction, and each commit publishes a new snapshot of the search
structures (index/snapshot.py) in the same step as the store's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index import lexical
from index.embed import cached_vectors, embed_texts, lexical_context, store_vectors
from index.read_ahead import BAD_FILE, expand, read_ahead, reason
from index.search import Index
from ingest.errors import CouncilError
from ingest.models import Document
from ingest.parents import parents

ENCODE_GROUP = 1024  # passages read ahead and embedded in one model call (read when ingest_paths starts)
SAVE_MIN_PASSAGES = 20_000  # passages changed between FAISS generations, at least (or a quarter of the index)

Settled = Callable[[Path, int], None]  # a file done with (committed, unchanged or failed), and the passages it added


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    doc_ids: list[str] = field(default_factory=list)  # of every document now in the index, in file order
    passages: int = 0
    embedded: int = 0  # passages the model had to embed (the rest came from the cache)

    def note_unchanged(self, source: str, doc_id: str) -> None:
        """A source whose very version the index holds already: reported, not embedded."""
        self.doc_ids.append(doc_id)
        self.unchanged.append(source)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.unchanged)} unchanged, {len(self.replaced)} replaced,"
            f" {len(self.failed)} failed ({self.passages} passages, {self.embedded} embedded)"
        )


def _encode(index: Index, docs: list[Document]) -> tuple[list[tuple[list[str], np.ndarray]], int]:
    """Each document's embed texts and vectors, with every uncached text of them in one model call.

    Returns them in the order given, and how many texts the model embedded (a text two documents share
    is embedded once, as it was when the first document's cache rows committed before the second's lookup).
    """
    texts = [embed_texts(d.passages, d.title) for d in docs]
    unique = list(dict.fromkeys(t for ts in texts for t in ts))
    vecs, embedded = cached_vectors(index.store.db, index.embedder, unique)  # the slow part, no transaction open
    row = {t: n for n, t in enumerate(unique)}
    return [(ts, vecs[[row[t] for t in ts]]) for ts in texts], embedded


def _commit(index: Index, doc: Document, texts: list[str], vecs: np.ndarray, report: IngestReport) -> int:
    """One document, whole or absent: store, FTS and cache rows, FAISS and BM25 commit and are published together.

    Returns the passages changed (added and removed), which decide when the next generation is written.
    """
    store = index.store
    old = store.find_source(doc.source)
    with index.transaction() as draft:
        removed = store.delete_document(old) if old else []
        lexical.remove(store.db, removed)
        ids = store.insert_document(doc)
        ups = parents(doc.passages)
        rows = [(i, p.text, lexical_context(p, up)) for i, p, up in zip(ids, doc.passages, ups, strict=True)]
        lexical.add(store.db, rows)
        store_vectors(store.db, index.embedder.name, texts, vecs)
        draft.vectors.remove(removed)
        draft.vectors.add(ids, vecs)
        draft.bm25.remove(removed)
        draft.bm25.add(rows)
    report.doc_ids.append(doc.doc_id)
    (report.replaced if old else report.added).append(doc.source)
    report.passages += len(ids)
    return len(ids) + len(removed)


def _unchanged(index: Index, doc: Document, report: IngestReport) -> bool:
    """Whether the index holds this very version of the source already (then it is reported, not embedded)."""
    if index.store.find_source(doc.source) != doc.doc_id:
        return False
    report.note_unchanged(doc.source, doc.doc_id)
    return True


def add_document(index: Index, doc: Document, report: IngestReport) -> int:
    """Put one loaded document into the index, replacing an older version of the same source.

    Returns the passages changed. Writes no FAISS generation: the caller saves (Index.save), or the next
    open rebuilds the vectors from the cache that committed with the document.
    """
    if _unchanged(index, doc, report):
        return 0
    [(texts, vecs)], embedded = _encode(index, [doc])
    report.embedded += embedded
    return _commit(index, doc, texts, vecs, report)


@dataclass
class _Loaded:
    """One file of a group: its document once read, or why it could not be; the document's vectors once embedded.

    An unchanged document is not kept, only its id (held): a re-ingest holds no text in memory.
    """

    path: Path
    source: str
    doc: Document | None = None
    held: str = ""
    error: str = ""
    texts: list[str] = field(default_factory=list)
    vecs: np.ndarray | None = None


@dataclass
class _Group:
    """Files read ahead of the model, in file order, until their passages to embed reach ENCODE_GROUP."""

    items: list[_Loaded] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    passages: int = 0  # of the documents to embed: at most one document beyond ENCODE_GROUP

    def add(self, item: _Loaded) -> None:
        self.items.append(item)
        self.sources.add(item.source)
        self.passages += len(item.doc.passages) if item.doc else 0

    def full(self) -> bool:
        return self.passages >= ENCODE_GROUP


def _loaded(index: Index, path: Path, source: str, read: Document | str) -> _Loaded:
    """A file as read (its document, or why it could not be read), told whether the index holds it already."""
    if isinstance(read, str):
        return _Loaded(path, source, error=read)
    if index.store.find_source(source) == read.doc_id:
        return _Loaded(path, source, held=read.doc_id)
    return _Loaded(path, source, doc=read)


def _embed_group(index: Index, group: _Group, report: IngestReport) -> None:
    """Every new text of the group's documents in one model call, the vectors kept on their files.

    Should the model reject the group's texts, none get vectors here: each document is then embedded
    alone at its commit, so only the one at fault is reported failed, as before grouping.
    """
    loaded = [item for item in group.items if item.doc]
    if not loaded:
        return
    try:
        encoded, embedded = _encode(index, [item.doc for item in loaded])
    except BAD_FILE:
        return
    report.embedded += embedded
    for item, (texts, vecs) in zip(loaded, encoded, strict=True):
        item.texts, item.vecs = texts, vecs


def _commit_group(index: Index, group: _Group, report: IngestReport, settled: Settled | None) -> int:
    """Embed the group, then commit each document alone, in file order; returns the passages changed."""
    _embed_group(index, group, report)
    changed = 0
    for item in group.items:
        before = report.passages
        try:
            if item.error:
                report.failed.append((str(item.path), item.error))
            elif item.held:
                report.note_unchanged(item.source, item.held)
            elif item.vecs is None:
                changed += add_document(index, item.doc, report)
            else:
                changed += _commit(index, item.doc, item.texts, item.vecs, report)
        except (CouncilError, *BAD_FILE) as e:
            report.failed.append((str(item.path), reason(e)))
        if settled:
            settled(item.path, report.passages - before)
    return changed


def ingest_paths(
    index: Index,
    paths: Iterable[Path],
    overrides: dict[str, str] | None = None,
    progress: Callable[[Path], None] | None = None,
    settled: Settled | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, the rest still go in.

    Files are read by a thread a few ahead of the model (index.read_ahead). `progress` hears of each file, in
    file order, as it is taken from the reader (up to a group ahead of its commit);
    `settled` hears of each file once it is committed, found unchanged or failed, with the passages it added.
    """
    report = IngestReport()
    group = _Group()
    unsaved = 0  # passages changed since the last generation was written
    # Closed at once should an error leave the loop: the reads not yet started are cancelled.
    with index.writing(), closing(read_ahead(expand(paths, skipped=report.failed), overrides)) as files:
        for path, source, read in files:
            if source in group.sources:  # the same name twice: compare the second with what the first committed
                unsaved = _flush(index, group, report, unsaved, settled)
                group = _Group()
            if progress:
                progress(path)
            group.add(_loaded(index, path, source, read))
            if group.full():
                unsaved = _flush(index, group, report, unsaved, settled)
                group = _Group()
        if _flush(index, group, report, unsaved, settled):
            index.save()
    return report


def _flush(index: Index, group: _Group, report: IngestReport, unsaved: int, settled: Settled | None) -> int:
    """Commit a group; write a generation once enough changed since the last; returns the passages unsaved.

    A generation rewrites the whole index, so one every fixed number of documents made the bytes written
    grow with the square of the corpus (94 s of 241 s outside the model at 1M passages). Waiting for a
    quarter of the index keeps them within five times the final index.
    """
    unsaved += _commit_group(index, group, report, settled)
    if unsaved >= max(SAVE_MIN_PASSAGES, index.vectors.size // 4):
        index.save()
        return 0
    return unsaved


def delete_document(index: Index, doc_id: str) -> bool:
    """Remove a document everywhere; False when there was none."""
    store = index.store
    with index.writing():
        if not store.has_document(doc_id):
            return False
        with index.transaction() as draft:
            removed = store.delete_document(doc_id)
            lexical.remove(store.db, removed)
            draft.vectors.remove(removed)
            draft.bm25.remove(removed)
        index.save()
    return True
