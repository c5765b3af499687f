"""Several server processes on one home: `council serve` and `council serve --workers 2`, real processes on loopback.

An upload through one is found through the other; a background job's status is answered by any worker; a delete
through one is gone from the other. On both backends: one home, or one PostgreSQL database (COUNCIL_DATABASE_URL).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from index.search import Index

ROOT = Path(__file__).resolve().parents[2]
API_KEYS = "adm-key:admin"
ADMIN = {"X-API-Key": "adm-key"}
WAIT = 120  # seconds a server may take to start or a job to finish: a guard against a hang, never a measure


def free_ports(n: int) -> list[int]:
    """n distinct free loopback ports (each held until all are chosen, so none is handed out twice)."""
    with ExitStack() as held:
        socks = [held.enter_context(socket.socket()) for _ in range(n)]
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]


@contextmanager
def serving(where: dict[str, str], *commands: tuple[str, ...]) -> Iterator[list[str]]:
    """`council serve` with each command's options, each in a process of its own on a free loopback port, all
    started at once (their start-ups overlap); yields their URLs once every /health answers.
    `where`: COUNCIL_HOME, and COUNCIL_DATABASE_URL for PostgreSQL."""
    env = {**os.environ, **where, "COUNCIL_API_KEYS": API_KEYS, "COUNCIL_LLM_MODEL": ""}
    procs, urls = [], []
    try:
        for extra, port in zip(commands, free_ports(len(commands)), strict=True):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port), *extra],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))  # fmt: skip
            urls.append(f"http://127.0.0.1:{port}")
        for proc, url in zip(procs, urls, strict=True):
            for _ in range(WAIT * 10):
                assert proc.poll() is None, "the service exited at start-up"
                try:
                    if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            else:
                raise AssertionError(f"{url} did not answer /health within {WAIT} s")
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(60)


def paper(marker: str) -> bytes:
    return (
        f"# {marker} drainage plan\n\n1. The {marker} culvert will be cleared before the winter storms.\n\n"
        f"2. The {marker} flood barrier costs £41,300 and is funded by the drainage board.\n"
    ).encode()


def found(url: str, marker: str) -> bool:
    """Whether a search finds the marker, on a new connection (with --workers, any worker may take it)."""
    r = httpx.get(f"{url}/search", params={"q": f"{marker} culvert", "k": 3}, timeout=60)
    assert r.status_code == 200, r.text
    return any(marker in h["text"] for h in r.json()["hits"])


@pytest.fixture(scope="module")
def home(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict[str, str]:
    """Where the servers keep the papers: a copy of the service tests' home, or a PostgreSQL database of its own
    holding one seed paper (from the seed index's vectors: the model does not read it again). The copied home is
    opened once here: its FAISS and BM25 files are written before the servers start together, so no two of them
    rebuild the same files at once."""
    folder = tmp_path_factory.mktemp("workers-home")
    if backend == "postgres":
        from index.pg_build import ingest_paths
        from index.pg_search import PgIndex

        url = request.getfixturevalue("new_database")()
        index = PgIndex(url, embedder=request.getfixturevalue("seed_vectors"))
        try:
            assert ingest_paths(index, [request.getfixturevalue("seeds_dir") / "004_a930b2b3540043e5.txt"]).added
        finally:
            index.close()
        return {"COUNCIL_HOME": str(folder), "COUNCIL_DATABASE_URL": url}
    corpus = request.getfixturevalue("corpus")
    request.getfixturevalue("copy_database")(corpus.index.store.db, folder / "council.db")
    Index(folder, embedder=corpus.index.embedder).close()
    return {"COUNCIL_HOME": str(folder)}


@pytest.mark.both_backends
def test_writes_through_one_server_reach_the_other(home: dict[str, str]) -> None:
    with serving(home, (), ("--workers", "2")) as (one, two):
        assert not found(two, "Wexcombe")
        upload = {"file": ("wexcombe.txt", paper("Wexcombe"))}
        r = httpx.post(f"{one}/documents", files=upload, headers=ADMIN, timeout=WAIT)
        assert r.status_code == 200, r.text
        assert all(found(two, "Wexcombe") for _ in range(6))  # whichever of the two workers answers

        # A background upload through the two workers: its status from new connections, whichever worker answers.
        r = httpx.post(
            f"{two}/documents", params={"wait": "false"}, files={"file": ("quorndale.txt", paper("Quorndale"))},
            headers=ADMIN, timeout=WAIT,
        )  # fmt: skip
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        for _ in range(WAIT * 10):
            job = httpx.get(f"{two}/documents/jobs/{job_id}", headers=ADMIN, timeout=60).json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert job["status"] == "done", job
        assert found(one, "Quorndale") and found(one, "Wexcombe")

        deleted = httpx.delete(f"{two}/documents/{job['result']['doc_id']}", headers=ADMIN, timeout=WAIT)
        assert deleted.status_code == 200, deleted.text
        assert not found(one, "Quorndale")
