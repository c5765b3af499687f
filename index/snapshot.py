"""What searches read, held still: an immutable snapshot of the search structures, replaced whole after a commit.

A reader pins the current snapshot together with a read transaction on the store (ingest/store.py), so every
search structure and every row it reads are of one generation, however long it takes. A writer (one at a time)
changes copies, commits its rows, and publishes the copies as the next snapshot in the same step; readers never
wait for it, and a reader already under way keeps the snapshot it began with.

The writer's place is also held across processes (a lock file beside the store): several server workers and a
`council ingest` may share one home, and each writer first catches up with what the others wrote
(`on_write`, index/follow.py), so the generation it writes holds every document.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from index.bm25 import BM25
from index.vectors import VectorIndex
from ingest.store import Store


@dataclass(frozen=True)
class Snapshot:
    """One generation of the search structures; `version` counts the commits that changed the documents."""

    version: int
    vectors: VectorIndex
    bm25: BM25

    def draft(self) -> Snapshot:
        """Copies a writer may change while readers search this one: the next version, once published."""
        return Snapshot(self.version + 1, self.vectors.copy(), self.bm25.copy())


class Snapshots:
    """The current snapshot, the one each reading thread has pinned, and the lock only writers take."""

    def __init__(self, store: Store, first: Snapshot) -> None:
        self.store = store
        self._latest = first
        self._pinned = threading.local()
        self._writer = threading.RLock()  # re-entrant: an ingest holds it and saves within it
        self._depth = 0  # how deeply the thread holding _writer holds it; the lock file is taken at the outermost
        self.on_write: Callable[[], None] | None = None  # called once the writer's place is taken

    @property
    def current(self) -> Snapshot:
        """The snapshot this thread pinned (inside `reading`), else the latest."""
        return getattr(self._pinned, "snapshot", None) or self._latest

    @property
    def version(self) -> int:
        """The store's commits as this thread sees them (as they were when it pinned): what caches of what it
        reads key on, since any commit (the index's, or one made on the store directly) may change the rows."""
        pinned = getattr(self._pinned, "version", None)
        return self.store.version if pinned is None else pinned

    @contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """Pin the latest snapshot and a read transaction that matches it, for this thread, until the block ends.

        Nested use keeps the outer pin. Never waits on a writer (only on a commit's own few milliseconds).
        """
        pinned = getattr(self._pinned, "snapshot", None)
        if pinned is not None:
            yield pinned
            return
        with self.store.read(lambda: (self._latest, self.store.version)) as (snap, version):
            self._pinned.snapshot, self._pinned.version = snap, version
            try:
                yield snap
            finally:
                self._pinned.snapshot = self._pinned.version = None

    @contextmanager
    def writing(self, wait: bool = True) -> Iterator[bool]:
        """Hold the one writer's place, in this process and among the processes sharing the store: other writers
        wait, readers do not. With wait=False, yields False at once (holding nothing) if another writer has it."""
        if not self._writer.acquire(blocking=wait):
            yield False
            return
        try:
            if self._depth:
                self._depth += 1
                try:
                    yield True
                finally:
                    self._depth -= 1
                return
            fd = os.open(self.store.path.with_name("writer.lock"), os.O_RDWR | os.O_CREAT, 0o644)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))  # the kernel drops it at exit
                except BlockingIOError:
                    yield False
                    return
                self._depth = 1
                try:
                    if self.on_write:
                        self.on_write()
                    yield True
                finally:
                    self._depth = 0
            finally:
                os.close(fd)
        finally:
            self._writer.release()

    @contextmanager
    def transaction(self) -> Iterator[Snapshot]:
        """A change to the documents: yields a draft to change beside the store's transaction; both commit and the
        draft becomes the latest snapshot in one step, or neither (an error discards the draft)."""
        with self.writing():
            draft = self._latest.draft()
            with self.store.transaction(then=lambda: self._publish(draft)):
                yield draft

    def replace(self, snap: Snapshot) -> None:
        """Publish a snapshot of the same documents (the same version), as a save leaves them (compacted, SQ8)."""
        with self.writing(), self.store.commits:
            self._publish(snap)

    def adopt(self, vectors: VectorIndex, bm25: BM25) -> None:
        """Publish search structures read after another process's commits: as the next version, and with the
        store's commit count moved, so that whatever is remembered per commit (filters, catalogs) is read again."""
        with self.writing(), self.store.commits:
            self.store.version += 1
            self._publish(Snapshot(self._latest.version + 1, vectors, bm25))

    def _publish(self, snap: Snapshot) -> None:
        self._latest = snap
