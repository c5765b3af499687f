"""The seed index plus one restricted paper, built once per session, and the real service on a real port.

Tests marked `both_backends` run on the embedded default and on PostgreSQL (the session's server,
tests/conftest.py): their `corpus`, `settings`, `assistant` and `http` are then those of the backend given;
every other test sees the embedded default's.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from assistant.engine import Assistant
from assistant.service import create_app
from assistant.settings import Settings
from index.build import ingest_paths
from index.embed import DEFAULT_MODEL
from index.search import Index

API_KEYS = "pub-key:public,mem-key:member,adm-key:admin"
MAX_UPLOAD = 200_000  # small, so that a test can go over it cheaply

# A confidential Part II item: the best match for the zebra crossing question, and full of unique markers.
RESTRICTED_TITLE = "Exempt report: Hollowmere crossings"
RESTRICTED_FIGURE = "9,999,123"
RESTRICTED_TEXT = f"""# {RESTRICTED_TITLE}

Part II exempt item: not for publication by virtue of paragraph 3 of Schedule 12A.

1. The zebra crossing budget of £{RESTRICTED_FIGURE} for the Part II exempt item was agreed in private session.

2. The zebra crossing on Hollowmere Lane will be built first, because the contract is commercially sensitive.

3. The zebra crossing budget will be reported in public once the Hollowmere contract has been signed.
"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run on the embedded default and on PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that reaches the corpus gets the `backend` parameter: both for the marked, else the default's
    alone (one instance of each session fixture per backend, shared by all the tests on it)."""
    if "backend" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_backends") is not None
        params = ["embedded", "postgres"] if both else ["embedded"]
        metafunc.parametrize("backend", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@dataclass
class Corpus:
    home: Path
    index: Index  # or index.pg_search.PgIndex
    restricted_id: str
    seed_ids: dict[str, str]  # source file name -> doc_id

    @property
    def markers(self) -> tuple[str, ...]:
        """What must never reach a caller who may not read the restricted paper."""
        return (self.restricted_id, RESTRICTED_TITLE, RESTRICTED_FIGURE, "9999123", "Hollowmere")


@pytest.fixture(scope="session")
def corpus(backend: str, request: pytest.FixtureRequest) -> Corpus:
    """The seeds plus one restricted paper, on the backend the test runs on."""
    return request.getfixturevalue("pg_corpus" if backend == "postgres" else "embedded_corpus")


def _restricted(folder: Path) -> Path:
    secret = folder / "part2_crossings.txt"
    secret.write_text(RESTRICTED_TEXT, encoding="utf-8")
    return secret


def _corpus(home: Path, index, secret: Path, seeds_dir: Path) -> Corpus:
    seed_ids = {d["source"]: d["doc_id"] for d in index.store.documents()}
    assert set(seed_ids) == {p.name for p in seeds_dir.glob("*.txt")}
    restricted = [d for d in index.store.documents(("restricted",)) if d["source"] == secret.name]
    assert len(restricted) == 1
    return Corpus(home, index, restricted[0]["doc_id"], seed_ids)


@pytest.fixture(scope="session")
def pg_corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, seed_vectors, embedder, new_database):
    """The same papers in a PostgreSQL database of their own, built from the vectors `seed_index` holds."""
    from index.pg_build import ingest_paths as pg_ingest
    from index.pg_search import PgIndex

    index = PgIndex(new_database(), embedder=seed_vectors)
    assert len(pg_ingest(index, [seeds_dir]).added) == 5
    index.embedder = embedder
    secret = _restricted(tmp_path_factory.mktemp("restricted"))
    report = pg_ingest(index, [secret], {"access": "restricted", "title": RESTRICTED_TITLE})
    assert report.added == ["part2_crossings.txt"], report.summary()
    yield _corpus(tmp_path_factory.mktemp("pg-service-home"), index, secret, seeds_dir)
    index.close()


@pytest.fixture(scope="session")
def embedded_corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, seed_index: Index) -> Iterator[Corpus]:
    """The seeds plus one restricted paper, in an index of its own (the service tests upload and delete)."""
    home = tmp_path_factory.mktemp("service-home")
    # Start from a backup of the seed index's database: its embedding cache spares embedding the seeds again,
    # and the FAISS index is rebuilt from it as after any restore.
    copy = sqlite3.connect(home / "council.db")
    seed_index.store.db.backup(copy)
    copy.close()
    index = Index(home, DEFAULT_MODEL, embedder=seed_index.embedder)
    assert index.vectors.size == len(seed_index.store.all_passage_ids())
    secret = _restricted(tmp_path_factory.mktemp("restricted"))
    report = ingest_paths(index, [secret], {"access": "restricted", "title": RESTRICTED_TITLE})
    assert report.added == ["part2_crossings.txt"], report.summary()
    yield _corpus(home, index, secret, seeds_dir)
    index.close()


@pytest.fixture(scope="session")
def settings(corpus: Corpus) -> Settings:
    url = getattr(corpus.index.store, "url", "")  # PostgreSQL's; the embedded store has a path
    return Settings(
        home=corpus.home, database_url=url, api_keys=API_KEYS, api_keys_file=None, max_upload_bytes=MAX_UPLOAD
    )


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _boom() -> dict:
    raise ZeroDivisionError("secret internals: Hollowmere")


@pytest.fixture(scope="session")
def assistant(settings: Settings, corpus: Corpus) -> Assistant:
    return Assistant(settings, index=corpus.index)


@pytest.fixture(scope="session")
def base_url(settings: Settings, assistant: Assistant) -> Iterator[str]:
    app = create_app(settings, assistant)
    # A route that fails unexpectedly, to see what a client gets from a bug.
    app.add_api_route("/boom", _boom, methods=["GET"], include_in_schema=False)
    with running(app) as url:
        yield url


@pytest.fixture(scope="session")
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=120) as client:
        yield client


@pytest.fixture(scope="session")
def serve_app() -> object:
    """`running`, for a test that needs an app of its own (other settings, an LLM)."""
    return running
