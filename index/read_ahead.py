"""The files an ingest reads, in order, and their documents read by a thread a few files ahead of the model.

Reading a PDF is pdfium and Python (about 30 ms a page); embedding is torch, which lets go of the GIL while
it computes. On two cores the model alone does not keep both busy between its batches, so reading the next
files meanwhile takes the reading off the ingest's clock (docs/benchmarks.md, "Ingest of real PDFs").
Reading touches no index and no database: whether the index holds a document already is asked by the
caller, in file order, so a name met twice is still compared with what its first file committed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ingest.errors import CouncilError
from ingest.files import folder_files
from ingest.load import load_document
from ingest.models import Document

READ_AHEAD = 16  # files read ahead of the one the caller takes (0: each file read when it is taken)

# A reader library's own complaint about a bad file, besides ours (CouncilError).
BAD_FILE = (OSError, ValueError, UnicodeError)


def expand(paths: Iterable[Path], skipped: list[tuple[str, str]] | None = None) -> list[tuple[Path, str]]:
    """(file, source name) for files named, and for supported files under folders named, in a stable order.

    A file named directly is its own name; one found in a folder is named by its path inside that folder,
    so 2018/minutes.txt and 2019/minutes.txt stay two documents. A link in a folder that leads out of it is
    not read: it goes to `skipped` as (path, reason), as a failed file does.
    """
    out: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            files, links_out = folder_files(path)
            out.extend((f, f.relative_to(path).as_posix()) for f in files)
            if skipped is not None:
                skipped.extend((str(p), why) for p, why in links_out)
        else:
            out.append((path, path.name))
    return out


def reason(e: Exception) -> str:
    """One line for a failed file: our own errors speak for themselves, a library's is named."""
    text = str(e) if isinstance(e, CouncilError) else f"{type(e).__name__}: {e}"
    return (text.splitlines() or [type(e).__name__])[0][:300]


def read(path: Path, source: str, overrides: dict[str, str] | None) -> Document | str:
    """One file read and segmented, or why it could not be."""
    try:
        if not path.is_file():
            raise CouncilError("no such file")
        return load_document(path, overrides, source=source)
    except Exception as e:  # noqa: BLE001 - a reader's bug that a hostile file finds fails that file, not the folder
        return reason(e)


def read_ahead(
    files: list[tuple[Path, str]], overrides: dict[str, str] | None, ahead: int | None = None
) -> Iterator[tuple[Path, str, Document | str]]:
    """(file, source, its document or why it could not be read) in file order, read up to `ahead` files early.

    One reading thread, never more: pdfium must not be called from two threads at once. A single file is
    read in the caller's thread. Leaving early (an error, Ctrl-C) cancels the reads not yet started.
    """
    ahead = READ_AHEAD if ahead is None else ahead
    if ahead < 1 or len(files) < 2:
        for path, source in files:
            yield path, source, read(path, source, overrides)
        return
    pool = ThreadPoolExecutor(1, thread_name_prefix="council-read")
    pending: deque[tuple[Path, str, Future]] = deque()
    try:
        for path, source in files:
            pending.append((path, source, pool.submit(read, path, source, overrides)))
            if len(pending) > ahead:
                path, source, done = pending.popleft()
                yield path, source, done.result()
        while pending:
            path, source, done = pending.popleft()
            yield path, source, done.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
