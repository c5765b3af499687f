"""What searches read, held still: an immutable snapshot of the search structures, replaced whole after a commit.

A reader pins the current snapshot together with a read transaction on the store (ingest/store.py), so every
search structure and every row it reads are of one generation, however long it takes. A writer (one at a time)
changes copies, commits its rows, and publishes the copies as the next snapshot in the same step; readers never
wait for it, and a reader already under way keeps the snapshot it began with.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
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
    def writing(self) -> Iterator[None]:
        """Hold the one writer's place: other writers wait, readers do not."""
        with self._writer:
            yield

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

    def _publish(self, snap: Snapshot) -> None:
        self._latest = snap
