"""Ingest files into PostgreSQL (index/pg_store.py): each document commits whole, with its vectors and postings.

Files are read ahead by a thread (index/read_ahead.py) and embedded a group of about ENCODE_GROUP passages at
a time, as the embedded default does (index/build.py); each document then commits alone, in file order.
Several workers may ingest into one database at once: a source is locked from the check that it changed to
its commit, so two workers given the same file store it once.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

import numpy as np

from index.build import ENCODE_GROUP, IngestReport, Settled
from index.embed import embed_texts, lexical_context
from index.pg_search import PgIndex
from index.read_ahead import BAD_FILE, expand, read_ahead, reason
from ingest.errors import CouncilError
from ingest.models import Document
from ingest.parents import parents


def _commit(index: PgIndex, doc: Document, vecs: np.ndarray, report: IngestReport) -> int:
    """One document, whole or absent; the passages it added (0 when another worker stored this very version)."""
    store = index.store
    contexts = [lexical_context(p, up) for p, up in zip(doc.passages, parents(doc.passages), strict=True)]
    with store.transaction():
        store.lock_source(doc.source)
        old = store.find_source(doc.source)
        if old == doc.doc_id:
            report.note_unchanged(doc.source, doc.doc_id)
            return 0
        if old:
            store.delete_document(old)
        ids = store.insert_document(doc, vecs, contexts)
    report.doc_ids.append(doc.doc_id)
    (report.replaced if old else report.added).append(doc.source)
    report.passages += len(ids)
    return len(ids)


def _flush(index: PgIndex, group: list[tuple[Path, Document]], report: IngestReport, settled: Settled | None) -> None:
    """Embed the group's new texts in one model call, then commit each document alone."""
    texts = [embed_texts(d.passages, d.title) for _, d in group]
    unique = list(dict.fromkeys(t for ts in texts for t in ts))
    vecs = index.embedder.encode(unique) if unique else np.zeros((0, index.embedder.dim), np.float32)
    report.embedded += len(unique)
    row = {t: n for n, t in enumerate(unique)}
    for (path, doc), ts in zip(group, texts, strict=True):
        added = 0
        try:
            added = _commit(index, doc, vecs[[row[t] for t in ts]], report)
        except (CouncilError, *BAD_FILE) as e:
            report.failed.append((str(path), reason(e)))
        if settled:
            settled(path, added)


def ingest_paths(
    index: PgIndex,
    paths: Iterable[Path],
    overrides: dict[str, str] | None = None,
    settled: Settled | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, the rest still go in."""
    report = IngestReport()
    group: list[tuple[Path, Document]] = []
    with closing(read_ahead(expand(paths, skipped=report.failed), overrides)) as files:
        for path, source, read in files:
            if isinstance(read, str):
                report.failed.append((str(path), read))
            elif index.store.find_source(source) == read.doc_id:
                report.note_unchanged(source, read.doc_id)
            else:
                group.append((path, read))
                if sum(len(d.passages) for _, d in group) >= ENCODE_GROUP:
                    _flush(index, group, report, settled)
                    group = []
                continue
            if settled:
                settled(path, 0)
        _flush(index, group, report, settled)
    return report


def delete_document(index: PgIndex, doc_id: str) -> bool:
    """Remove a document, its passages, vectors, postings and facts, in one transaction; False when there was none."""
    with index.store.transaction():
        return bool(index.store.delete_document(doc_id))
