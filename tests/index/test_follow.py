"""Two open indexes on one home, as two server workers hold them: each finds what the other wrote (index/follow.py).

Each Index has its own store connections, snapshot and lock file handle, as a process of its own would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import delete_document, ingest_paths
from index.generations import fingerprint
from index.search import Index
from index.vectors import VectorIndex


def paper(folder: Path, marker: str) -> Path:
    path = folder / f"{marker.lower()}.txt"
    path.write_text(
        f"# {marker} drainage plan\n\n1. The {marker} culvert will be cleared before the winter storms.\n\n"
        f"2. The {marker} flood barrier costs £41,300 and is funded by the drainage board.\n",
        encoding="utf-8",
    )
    return path


def found(index: Index, marker: str) -> bool:
    with index.reading():
        return any(marker in h.passage.text for h in index.search(f"{marker} culvert", k=3))


@pytest.fixture
def two(tmp_path: Path, seed_index, copy_database, embedder) -> Iterator[tuple[Index, Index]]:
    home = tmp_path / "home"
    home.mkdir()
    copy_database(seed_index.store.db, home / "council.db")
    a = Index(home, embedder=embedder)
    b = Index(home, embedder=embedder)
    yield a, b
    a.close()
    b.close()


def test_each_finds_what_the_other_wrote(two: tuple[Index, Index], tmp_path: Path) -> None:
    a, b = two
    assert not found(b, "Wexcombe")
    report = ingest_paths(a, [paper(tmp_path, "Wexcombe")])
    assert report.added == ["wexcombe.txt"]
    assert found(b, "Wexcombe")  # the first read after the generation moved loads it
    assert delete_document(b, report.doc_ids[0])
    assert not found(a, "Wexcombe")


def test_a_writer_catches_up_before_it_writes(two: tuple[Index, Index], tmp_path: Path) -> None:
    a, b = two
    ingest_paths(a, [paper(tmp_path, "Wexcombe")])
    ingest_paths(b, [paper(tmp_path, "Quorndale")])  # b has not read since a wrote: it catches up first
    assert found(a, "Wexcombe") and found(a, "Quorndale")
    assert found(b, "Wexcombe") and found(b, "Quorndale")
    # The generation b wrote holds both papers: a third process opens it as it is, with no rebuild.
    ids = fingerprint(b.store.all_passage_ids())
    assert VectorIndex.load(b.home / "index", b.embedder.dim, b.store, ids) is not None
