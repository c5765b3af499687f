"""Readers never wait on a writer: the real service on the seed index, a writer held at a seam by an Event.

Each test proves by order, not by time: the writer is stopped inside its ingest (in the model's encode, or inside
the store's transaction) until the readers have had their answers; under one lock for every request, as before,
the readers would wait for a writer that waits for them, and the client's timeout would fail the test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from index.build import delete_document, ingest_paths

ADMIN = {"X-API-Key": "adm-key"}
MEMBER = {"X-API-Key": "mem-key"}
AUTISM = "How long do children wait for an autism assessment?"
QUESTIONS = (
    AUTISM,
    "What did Ofsted say about caseloads?",
    "Which recommendations did the select committee make about foster carers?",
    "Who chaired the Children's Select Committee?",
    "What is the zebra crossing budget for the Part II exempt item?",
    "Who won the 2022 football world cup?",
)
WAIT = 60  # seconds a held step may take before the test gives up: a guard against a hang, never a measure


def paper(marker: str) -> bytes:
    """A small paper of several passages whose words no seed holds (so the model must embed them)."""
    return (
        f"# {marker} drainage plan\n\n1. The {marker} culvert will be cleared before the winter storms.\n\n"
        f"2. The {marker} flood barrier costs £41,300 and is funded by the drainage board.\n\n"
        f"3. Residents of {marker} Lane will be told of the works by letter.\n"
    ).encode()


@contextmanager
def held(owner: object, name: str, when: Callable[..., bool] = lambda *a, **k: True) -> Iterator[threading.Event]:
    """Stop `owner.name(...)` (for the calls `when` admits) until the block ends; yields an Event set once one is
    stopped there. The seam is the writer's own step, so the writer holds whatever it holds at that point."""
    reached, release = threading.Event(), threading.Event()
    original = getattr(owner, name)

    def stopped(*args, **kwargs):
        if when(*args, **kwargs):
            reached.set()
            release.wait(WAIT)
        return original(*args, **kwargs)

    setattr(owner, name, stopped)
    try:
        yield reached
    finally:
        release.set()
        setattr(owner, name, original)


def answer_of(r: httpx.Response) -> tuple[str, list[str]]:
    assert r.status_code == 200, r.text
    body = r.json()
    return body["answer"], [c["passage_id"] for c in body["citations"]]


def wait_for_job(client: httpx.Client, job_id: str) -> dict:
    for _ in range(WAIT * 20):
        job = client.get(f"/documents/jobs/{job_id}", headers=ADMIN).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=WAIT) as c:
        yield c


def test_readers_answer_while_an_upload_is_embedding(client, corpus):
    before = client.get("/health", headers=MEMBER).json()
    expected = answer_of(client.post("/ask", json={"question": AUTISM}))
    with ThreadPoolExecutor(1) as pool:
        with held(corpus.index.embedder, "encode", when=lambda texts: len(texts) > 1) as embedding:
            upload = pool.submit(
                client.post, "/documents", files={"file": ("quillwort.txt", paper("Quillwort"))}, headers=ADMIN
            )
            assert embedding.wait(WAIT), "the upload never reached the model"
            # The writer is inside its ingest: every kind of read still answers, on the index as it was.
            assert client.get("/health", headers=MEMBER).json() == before
            assert answer_of(client.post("/ask", json={"question": AUTISM})) == expected
            assert client.get("/search", params={"q": "Quillwort culvert"}, headers=MEMBER).status_code == 200
            assert "quillwort.txt" not in {d["source"] for d in client.get("/documents", headers=MEMBER).json()}
            chat = client.post("/chat", json={"question": AUTISM})  # a small write of its own, beside the writer
            assert answer_of(chat) == expected
            assert not upload.done()
        report = upload.result().json()  # released: the upload goes on to its commit
    assert report["added"] == ["quillwort.txt"]
    try:
        hits = client.get("/search", params={"q": "Quillwort culvert"}, headers=MEMBER).json()["hits"]
        assert hits[0]["doc_id"] == report["doc_id"]
    finally:
        assert delete_document(corpus.index, report["doc_id"])


def test_readers_answer_while_a_job_holds_the_store_transaction(client, corpus):
    before = client.get("/health", headers=MEMBER).json()
    store = corpus.index.store
    with held(store, "insert_document") as committing:
        r = client.post("/documents?wait=false", files={"file": ("hawkbit.txt", paper("Hawkbit"))}, headers=ADMIN)
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["status"] in ("queued", "running") and job["result"] is None
        assert committing.wait(WAIT), "the job never reached its transaction"
        assert client.get(f"/documents/jobs/{job['job_id']}", headers=ADMIN).json()["status"] == "running"
        second = client.post("/documents?wait=false", files={"file": ("empty.txt", b"")}, headers=ADMIN).json()
        assert client.get(f"/documents/jobs/{second['job_id']}", headers=ADMIN).json()["status"] == "queued"
        # SQLite's write lock is taken (BEGIN IMMEDIATE, rows half written): readers still read, as of before.
        assert client.get("/health", headers=MEMBER).json() == before
        assert answer_of(client.post("/ask", json={"question": AUTISM}))[0]
        assert "hawkbit.txt" not in {d["source"] for d in client.get("/documents", headers=MEMBER).json()}
    done = wait_for_job(client, job["job_id"])
    assert done["status"] == "done" and done["result"]["added"] == ["hawkbit.txt"] and done["error"] is None
    try:
        failed = wait_for_job(client, second["job_id"])
        assert failed["status"] == "failed" and "no text" in failed["error"] and failed["result"] is None
        after = client.get("/health", headers=MEMBER).json()
        assert after["documents"] == before["documents"] + 1
    finally:
        assert delete_document(corpus.index, done["result"]["doc_id"])


def test_a_job_is_an_admins_and_an_unknown_one_is_not_found(client):
    r = client.post("/documents?wait=false", files={"file": ("n.txt", b"1. A note.")}, headers=MEMBER)
    assert r.status_code == 403 and "admin" in r.json()["detail"]
    assert client.get("/documents/jobs/0123", headers=MEMBER).status_code == 403
    r = client.get("/documents/jobs/0123", headers=ADMIN)
    assert r.status_code == 404 and r.json() == {"detail": "no such job"}


def test_a_reader_keeps_the_generation_it_began_with(corpus, tmp_path: Path):
    index = corpus.index
    path = tmp_path / "sundew.txt"
    path.write_bytes(paper("Sundew"))
    access = ("public", "restricted")
    with index.reading() as snap:
        docs = index.store.documents(access)
        hits = [h.id for h in index.search("Sundew culvert flood barrier", access=access)]
        writer = threading.Thread(target=ingest_paths, args=(index, [path]))
        writer.start()
        writer.join()  # committed and published while this reader is under way
        assert index.snapshot is snap
        assert index.store.documents(access) == docs  # the rows as they were, not only the vectors
        assert [h.id for h in index.search("Sundew culvert flood barrier", access=access)] == hits
        assert index.store.find_source("sundew.txt") is None
    try:
        with index.reading() as now:
            assert now is not snap and now.vectors.size > snap.vectors.size
            found = index.search("Sundew culvert flood barrier", access=access)
            assert found[0].doc["source"] == "sundew.txt"
            assert len(index.store.documents(access)) == len(docs) + 1
    finally:
        assert delete_document(index, index.store.find_source("sundew.txt"))


def test_concurrent_asks_answer_as_serial_ones_do(client):
    serial = {q: answer_of(client.post("/ask", json={"question": q}, headers=MEMBER)) for q in QUESTIONS}
    asked = list(QUESTIONS) * 4
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda q: answer_of(client.post("/ask", json={"question": q}, headers=MEMBER)), asked))
    assert answers == [serial[q] for q in asked]
