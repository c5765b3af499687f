"""Index files kept as numbered generations beside the store: written atomically, trusted only when they match it.

A generation is written to a temporary name, fsynced and renamed (and the folder fsynced), then the store
records its number and a fingerprint of the passage ids it holds; older generations are deleted. A reader
uses the current generation only if that fingerprint is the store's own: after a crash between the store's
commit and the file's rename the caller rebuilds from the store, so nothing is searchable by one index only.
FAISS (`vectors-N.faiss`) and BM25 (`bm25-N.npz`) are both kept this way.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ingest.store import Store


def fingerprint(ids: list[int]) -> str:
    """A short hash of a set of passage ids."""
    return hashlib.sha256(np.asarray(sorted(ids), dtype=np.int64).tobytes()).hexdigest()[:16]


def write(
    folder: Path, store: Store, name: str, suffix: str, ids: list[int], write_file: Callable[[Path], None]
) -> Path:
    """Write a new generation of `name` with `write_file(path)` and record it, with the fingerprint of `ids`."""
    folder.mkdir(parents=True, exist_ok=True)
    new = int(store.get_meta(f"{name}_generation") or 0) + 1
    final = folder / f"{name}-{new}.{suffix}"
    tmp = final.with_suffix(".tmp")
    write_file(tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    with store.transaction():
        store.set_meta(f"{name}_generation", str(new))
        store.set_meta(f"{name}_fingerprint", fingerprint(ids))
    for stale in folder.glob(f"{name}-*.{suffix}"):
        if stale != final:
            stale.unlink(missing_ok=True)
    return final


def current(folder: Path, store: Store, name: str, suffix: str, ids_fingerprint: str) -> Path | None:
    """The current generation's file if it holds exactly the passages whose fingerprint is given, else None."""
    gen = store.get_meta(f"{name}_generation")
    path = folder / f"{name}-{gen}.{suffix}"
    if gen is None or not path.is_file() or store.get_meta(f"{name}_fingerprint") != ids_fingerprint:
        return None
    return path
