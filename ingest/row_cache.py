"""Rows remembered for one version of the store: the same passages come back question after question.

A passage's row never changes once written and its id is never reused (AUTOINCREMENT), so the only thing a cached
row can get wrong is that its paper has since been deleted. The cache therefore belongs to one version of the store
(its count of commits, as the reading thread sees it, ingest/store.py): a reader of a newer version starts a new
cache, and a reader still on an older one reads past it, so a deleted paper's passage never comes back from here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class RowCache(Generic[K, V]):
    """At most `size` values for one version; the oldest entries go first when it is full."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._current: tuple[int, OrderedDict[K, V]] = (-1, OrderedDict())  # replaced whole: read in one step
        self._lock = threading.Lock()  # writers only: a lookup is one dict read

    def get(self, version: int, keys: list[K]) -> tuple[dict[K, V], list[K]]:
        """The values known for `version` and the keys still to read (all of them for an older version)."""
        held, rows = self._current
        if version != held:
            return {}, list(keys)
        found: dict[K, V] = {}
        missing: list[K] = []
        for k in keys:
            v = rows.get(k)
            if v is None:
                missing.append(k)
            else:
                found[k] = v
        return found, missing

    def put(self, version: int, values: dict[K, V]) -> None:
        """Remember values read at `version`; a newer version replaces whatever an older one held."""
        if self.size <= 0 or not values:
            return
        with self._lock:
            held, rows = self._current
            if version < held:
                return  # a reader still on an older version: its rows may include a paper deleted since
            if version > held:
                rows = OrderedDict()
                self._current = (version, rows)
            rows.update(values)
            while len(rows) > self.size:
                rows.popitem(last=False)
