"""Ingest files into an open index: each document commits whole (store, FTS, vectors) or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index import lexical
from index.embed import cached_vectors, embed_text, store_vectors
from index.search import Index
from ingest.errors import CouncilError
from ingest.load import load_document
from ingest.models import Document
from ingest.readers import SUFFIXES

SAVE_EVERY = 50  # documents between FAISS generations during a long ingest


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

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.unchanged)} unchanged, {len(self.replaced)} replaced,"
            f" {len(self.failed)} failed ({self.passages} passages, {self.embedded} embedded)"
        )


def expand(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(file, source name) for files named, and for supported files under folders named, in a stable order.

    A file named directly is its own name; one found in a folder is named by its path inside that folder,
    so 2018/minutes.txt and 2019/minutes.txt stay two documents.
    """
    out: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            out.extend((f, f.relative_to(path).as_posix()) for f in files)
        else:
            out.append((path, path.name))
    return out


def add_document(index: Index, doc: Document, report: IngestReport) -> None:
    """Put one loaded document into the index, replacing an older version of the same source."""
    store = index.store
    report.doc_ids.append(doc.doc_id)
    old = store.find_source(doc.source)
    if old == doc.doc_id:
        report.unchanged.append(doc.source)
        return
    texts = [embed_text(p, doc.title) for p in doc.passages]
    vecs, embedded = cached_vectors(store.db, index.embedder, texts)  # the slow part, outside the transaction
    with store.transaction():
        removed = store.delete_document(old) if old else []
        lexical.remove(store.db, removed)
        ids = store.insert_document(doc)
        lexical.add(
            store.db,
            [(i, p.text, f"{p.label} {p.section} {p.lead or ''}") for i, p in zip(ids, doc.passages, strict=True)],
        )
        store_vectors(store.db, index.embedder.name, texts, vecs)
    index.vectors.remove(removed)
    index.vectors.add(ids, vecs)
    (report.replaced if old else report.added).append(doc.source)
    report.passages += len(ids)
    report.embedded += embedded


def ingest_paths(
    index: Index,
    paths: Iterable[Path],
    overrides: dict[str, str] | None = None,
    progress: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, the rest still go in."""
    report = IngestReport()
    dirty = 0
    for path, source in expand(paths):
        if progress:
            progress(path)
        try:
            if not path.is_file():
                raise CouncilError("no such file")
            doc = load_document(path, overrides, source=source)
            before = len(report.added) + len(report.replaced)
            add_document(index, doc, report)
            dirty += len(report.added) + len(report.replaced) - before
        except CouncilError as e:
            report.failed.append((str(path), str(e)))
        except (OSError, ValueError, UnicodeError) as e:  # a reader library's own complaint about a bad file
            report.failed.append((str(path), f"{type(e).__name__}: {e}"))
        if dirty >= SAVE_EVERY:
            index.vectors.save(index.store)
            dirty = 0
    if dirty:
        index.vectors.save(index.store)
    return report


def delete_document(index: Index, doc_id: str) -> bool:
    """Remove a document everywhere; False when there was none."""
    store = index.store
    if not store.has_document(doc_id):
        return False
    with store.transaction():
        removed = store.delete_document(doc_id)
        lexical.remove(store.db, removed)
    index.vectors.remove(removed)
    index.vectors.save(store)
    return True
