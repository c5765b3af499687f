"""Which backend an index is: open one from the settings (COUNCIL_DATABASE_URL, else COUNCIL_HOME), and ingest
into or delete from either, so that no caller asks which it holds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from index.build import IngestReport, Settled
from index.embed import Embedder
from index.pg_search import PgIndex
from index.search import Index

AnyIndex = Index | PgIndex


def open_index(
    home: Path, model: str, database_url: str = "", embedder: Embedder | None = None, approx_from: int | None = None
) -> AnyIndex:
    """The index in PostgreSQL when `database_url` is given, else the embedded one in `home`."""
    if database_url:
        return PgIndex(database_url, model, embedder=embedder)
    extra = {} if approx_from is None else {"approx_from": approx_from}
    return Index(home, model, embedder=embedder, **extra)


def ingest_paths(
    index: AnyIndex, paths: Iterable[Path], overrides: dict[str, str] | None = None, settled: Settled | None = None
) -> IngestReport:
    """Ingest files and folders into either backend (index.build, index.pg_build)."""
    from index import build, pg_build

    ingest = pg_build.ingest_paths if isinstance(index, PgIndex) else build.ingest_paths
    return ingest(index, paths, overrides, settled=settled)


def delete_document(index: AnyIndex, doc_id: str) -> bool:
    """Remove a document and everything derived from it from either backend; False when there was none."""
    from index import build, pg_build

    delete = pg_build.delete_document if isinstance(index, PgIndex) else build.delete_document
    return delete(index, doc_id)
