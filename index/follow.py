"""Following writes made by other processes on the same home (several server workers, a `council ingest`).

Each process holds its own snapshot of the search structures in memory. Another process's writes reach the store
at once but reach the FAISS and BM25 files only when it writes a generation (at the end of each ingest, after each
delete, every quarter of the index in a long ingest); the store's meta records the generation numbers. `check`,
asked as each request begins to read, compares them with those last caught up with (one small read); when they
moved, that request loads the new files before it reads, unless a writer is at work (then a thread of its own
waits for it, and requests go on with the snapshot they have). Every writer catches up first, as it takes the
writer's place (Snapshots.on_write), so the generation it writes holds what the others wrote.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import numpy as np

from index.bm25 import BM25
from index.generations import fingerprint
from index.vectors import VectorIndex

if TYPE_CHECKING:
    from index.search import Index

log = logging.getLogger(__name__)

KEYS = ("vectors_generation", "bm25_generation")


def generations(index: Index) -> tuple[str | None, ...]:
    """The generation numbers of the FAISS and BM25 files, as the store records them now."""
    rows = dict(index.store.db.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", KEYS).fetchall())
    return tuple(rows.get(k) for k in KEYS)


class Follower:
    """Keeps one process's index up to date with the generations other processes write."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.seen = generations(index)  # what the snapshot opened with
        self._running = threading.Lock()

    def check(self) -> None:
        """Catch up when another generation was written: at once if no writer is at work (one small read when
        nothing moved), else on a thread of its own, this request going on with the snapshot it has."""
        index = self.index
        if index.store.db.in_transaction or generations(index) == self.seen:
            return  # a reader inside its read transaction keeps what it began with
        if not self._running.acquire(blocking=False):
            return  # another thread is catching up
        try:
            if self.catch_up(wait=False) is not None:
                return
        finally:
            self._running.release()
        threading.Thread(target=self._background, name="council-follow", daemon=True).start()

    def _background(self) -> None:
        with self._running:
            try:
                self.catch_up()
            except Exception:  # noqa: BLE001 - the next request's check tries again
                log.exception("could not load the index another process wrote")

    def catch_up(self, wait: bool = True) -> bool | None:
        """Load what other processes wrote, unless this process's snapshot holds it already; True if loaded.

        Holds the writer's place (across processes), so that no generation is written meanwhile; with wait=False,
        None at once when another writer holds it."""
        index = self.index
        with index.snapshots.writing(wait) as taken:
            if not taken:
                return None
            now = generations(index)
            if now == self.seen:
                return False
            ids = fingerprint(index.store.all_passage_ids())
            if fingerprint(np.flatnonzero(index.snapshots.current.bm25.live).tolist()) == ids:
                self.seen = now  # the generation this process wrote itself
                return False
            folder = index.home / "index"
            vectors = VectorIndex.load(folder, index.embedder.dim, index.store, ids, index.approx_from)
            bm25 = BM25.load(folder, index.store, ids)
            # A writer that died between its commits and its generation left files behind the store: rebuild
            # them (the vectors from the embedding cache), as opening the index would.
            index.snapshots.adopt(vectors or index.rebuild_vectors(), bm25 or index.rebuild_lexical())
            self.seen = generations(index)
            return True
