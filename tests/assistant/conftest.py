"""The seed index plus one restricted paper, built once per session, and the real service on a real port."""

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


@dataclass
class Corpus:
    home: Path
    index: Index
    restricted_id: str
    seed_ids: dict[str, str]  # source file name -> doc_id

    @property
    def markers(self) -> tuple[str, ...]:
        """What must never reach a caller who may not read the restricted paper."""
        return (self.restricted_id, RESTRICTED_TITLE, RESTRICTED_FIGURE, "9999123", "Hollowmere")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, seed_index: Index) -> Iterator[Corpus]:
    """The seeds plus one restricted paper, in an index of its own (the service tests upload and delete)."""
    home = tmp_path_factory.mktemp("service-home")
    # Start from a backup of the seed index's database: its embedding cache spares embedding the seeds again,
    # and the FAISS index is rebuilt from it as after any restore.
    copy = sqlite3.connect(home / "council.db")
    seed_index.store.db.backup(copy)
    copy.close()
    index = Index(home, DEFAULT_MODEL, embedder=seed_index.embedder)
    assert index.vectors.size == len(seed_index.store.all_passage_ids())
    secret = tmp_path_factory.mktemp("restricted") / "part2_crossings.txt"
    secret.write_text(RESTRICTED_TEXT, encoding="utf-8")
    report = ingest_paths(index, [secret], {"access": "restricted", "title": RESTRICTED_TITLE})
    assert report.added == ["part2_crossings.txt"], report.summary()
    seed_ids = {d["source"]: d["doc_id"] for d in index.store.documents()}
    assert set(seed_ids) == {p.name for p in seeds_dir.glob("*.txt")}
    restricted = [d for d in index.store.documents(("restricted",)) if d["source"] == secret.name]
    assert len(restricted) == 1
    yield Corpus(home, index, restricted[0]["doc_id"], seed_ids)
    index.close()


@pytest.fixture(scope="session")
def settings(corpus: Corpus) -> Settings:
    return Settings(home=corpus.home, api_keys=API_KEYS, api_keys_file=None, max_upload_bytes=MAX_UPLOAD)


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
