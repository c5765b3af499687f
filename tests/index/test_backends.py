"""The same search, access and crash checks on both backends: the embedded default and PostgreSQL + pgvector.

PostgreSQL is real (the session's server, tests/conftest.py); each test that writes gets a database of its own.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bench.crash_checks import half_documents
from index import build, pg_build
from index.backend import DenseRetriever, LexicalRetriever, PassageStore
from index.search import MODES, Filters, Index
from ingest.load import load_document

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "evals" / "data" / "dev.jsonl"
SECRET = (
    "## Highways\n\n"
    "1. The zebra crossing outside Hilltop Primary School will be moved to Orchard Lane in March.\n\n"
    "2. The purchase price for the Hilltop land is £2.4 million, subject to contract.\n\n"
    "3. Libraries, the zebra crossing and the library budget again.\n"
)
PUBLIC = (
    "## Libraries\n\n"
    "1. Library opening hours are extended on Saturdays from June.\n\n"
    "2. The mobile library visits rural villages every fortnight.\n"
)
QUERY = "When will the zebra crossing outside Hilltop Primary School be moved?"
ACCESS = ("public", "restricted")


def _dev_questions() -> list[str]:
    return [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def _open(backend: str, tmp_path: Path, embedder, new_database):
    """An empty index of the backend, with its ingest and delete functions."""
    if backend == "embedded":
        return Index(tmp_path / "home", embedder=embedder), build.ingest_paths, build.delete_document
    from index.pg_search import PgIndex

    return PgIndex(new_database(), embedder=embedder), pg_build.ingest_paths, pg_build.delete_document


@pytest.fixture(params=["embedded", "postgres"])
def backend(request) -> str:
    if request.param == "postgres":
        request.getfixturevalue("postgres")  # skips, with the reason, where PostgreSQL cannot start
    return request.param


def test_both_backends_stand_behind_the_seam(seed_index, pg_seed_index):
    for index in (seed_index, pg_seed_index):
        assert isinstance(index.store, PassageStore)
    dense, lexical = seed_index.retrievers(seed_index.snapshot)
    for retriever in (dense, pg_seed_index.dense):
        assert isinstance(retriever, DenseRetriever)
    for retriever in (lexical, pg_seed_index.lexical):
        assert isinstance(retriever, LexicalRetriever)


class QuestionVectors:
    """The model with each question's vector kept: both backends and every mode search with one encoding."""

    def __init__(self, embedder) -> None:
        self.embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        self.kept: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.kept]
        self.kept.update(zip(missing, self.embedder.encode(missing), strict=True))
        return np.stack([self.kept[t] for t in texts])


def test_postgres_ranks_every_dev_question_as_the_default_does(seed_index, pg_seed_index, embedder):
    """The same top 5 passages, in order, with the same scores to float32 rounding, for every dev question,
    in each mode."""
    vectors = QuestionVectors(embedder)
    seed_index.embedder = pg_seed_index.embedder = vectors
    differ = []
    try:
        for question in _dev_questions():
            for mode in ("hybrid", "dense", "lexical"):
                want = seed_index.search(question, k=5, mode=mode)
                got = pg_seed_index.search(question, k=5, mode=mode)
                if [h.passage.passage_id for h in want] != [h.passage.passage_id for h in got]:
                    differ.append((mode, question))
                    continue
                for a, b in zip(want, got, strict=True):
                    assert b.score == pytest.approx(a.score, abs=1e-5), (mode, question)
                    assert b.doc == a.doc
    finally:
        seed_index.embedder = pg_seed_index.embedder = embedder
    assert len(vectors.kept) == len(set(_dev_questions()))
    assert differ == []


@pytest.mark.parametrize(
    "filters",
    [
        Filters(doc_type="minutes"),
        Filters(since="2022-01-01"),
        Filters(until="2019-12-31", kind="finding"),
        Filters(body="Cabinet"),
        Filters(since="2030-01-01"),
    ],
)
def test_filters_hold_inside_retrieval_on_both_backends(seed_index, pg_seed_index, filters):
    for mode in MODES:
        want = seed_index.search("caseloads of social workers", k=8, filters=filters, mode=mode)
        got = pg_seed_index.search("caseloads of social workers", k=8, filters=filters, mode=mode)
        assert [h.passage.passage_id for h in got] == [h.passage.passage_id for h in want], (mode, filters)
        for h in got:
            when = h.passage.part_date or h.doc["date"]
            assert not filters.doc_type or h.doc["doc_type"] == filters.doc_type
            assert not filters.body or h.doc["body"] == filters.body
            assert not filters.kind or h.passage.kind == filters.kind
            assert not filters.since or when >= filters.since
            assert not filters.until or when <= filters.until


def test_a_restricted_paper_never_reaches_a_public_caller_and_moves_none_of_its_scores(
    backend, tmp_path, embedder, new_database
):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "public.txt").write_text(PUBLIC)
    (folder / "exempt.txt").write_text(SECRET)
    index, ingest, delete = _open(backend, tmp_path, embedder, new_database)
    try:
        ingest(index, [folder / "public.txt"])
        queries = (QUERY, "libraries", "zebra crossing budget", "opening hours of the library", "£2.4 million")

        def public_view() -> list:
            return [
                [(h.passage.passage_id, round(h.score, 9), h.lexical and round(h.lexical, 9)) for h in found]
                for q in queries
                for mode in MODES
                for found in [index.search(q, k=5, mode=mode)]
            ]

        before = public_view()
        assert len(ingest(index, [folder / "exempt.txt"], {"access": "restricted"}).added) == 1
        secret = index.store.find_source("exempt.txt")
        for mode in MODES:
            hits = index.search(QUERY, k=10, access=ACCESS, mode=mode)
            assert hits[0].passage.doc_id == secret and hits[0].doc["access"] == "restricted"
            assert index.search(QUERY, k=10, filters=Filters(doc_id=secret), mode=mode) == []
        assert public_view() == before
        assert delete(index, secret)
        assert public_view() == before
        assert [h.doc["source"] for h in index.search(QUERY, k=10, access=ACCESS)] == ["public.txt"] * 3
    finally:
        index.close()


_WORKER = """
import sys
from pathlib import Path
from index import pg_build
from index.pg_search import PgIndex

pg_build.ENCODE_GROUP = 1  # a model call and a commit per document: kills land between commits
index = PgIndex(sys.argv[1])
print("loaded", flush=True)
report = pg_build.ingest_paths(index, [Path(sys.argv[2])], settled=lambda p, n: print("file", p.name, flush=True))
index.close()
print("done", report.summary(), flush=True)
"""


def _worker(url: str, folder: Path, log: Path) -> tuple[subprocess.Popen, Path]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-c", _WORKER, url, str(folder)], cwd=ROOT, stdout=out, env=env)
    return proc, log


def _wait(log: Path, proc: subprocess.Popen, done) -> None:
    deadline = time.monotonic() + 240
    while not done(log.read_text().splitlines()):
        assert proc.poll() is None or done(log.read_text().splitlines()), log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)


def test_postgres_ingest_killed_mid_way_and_two_workers_at_once_leave_whole_documents(
    tmp_path, seeds_dir, embedder, new_database
):
    from index.pg_search import PgIndex

    folder = tmp_path / "papers"
    folder.mkdir()
    for name in ("000_7fe6b5480f42e76b.txt", "003_1f49fae26ba8eadd.txt", "004_a930b2b3540043e5.txt"):
        (folder / name).write_text((seeds_dir / name).read_text(encoding="utf-8"), encoding="utf-8")
    expected = {d.doc_id: len(d.passages) for d in map(load_document, sorted(folder.iterdir()))}
    url = new_database()

    proc, log = _worker(url, folder, tmp_path / "killed.log")
    _wait(log, proc, lambda lines: sum(ln.startswith("file ") for ln in lines) >= 1)
    time.sleep(random.Random(16).uniform(0.0, 0.5))
    proc.kill()  # SIGKILL: no cleanup, the open transaction dies with the connection
    proc.wait()
    index = PgIndex(url, embedder=embedder)
    try:
        held = {d["doc_id"] for d in index.store.documents(access=ACCESS)}
        assert held and held <= set(expected)
        assert index.store.problems() == []
        assert half_documents(index, expected, random.Random(7)) == []

        # Two workers at once finish the folder: each document once, the statistics in step.
        workers = [_worker(url, folder, tmp_path / f"worker{n}.log") for n in (1, 2)]
        for proc, log in workers:
            _wait(log, proc, lambda lines: any(ln.startswith("done") for ln in lines))
            assert proc.wait() == 0
        said = [log.read_text().splitlines()[-1] for _, log in workers]
        assert {d["doc_id"] for d in index.store.documents(access=ACCESS)} == set(expected), said
        assert index.store.problems() == []
        assert half_documents(index, expected, random.Random(8)) == []
    finally:
        index.close()


def test_a_bad_database_url_is_one_line_and_exit_2(tmp_path):
    council = [sys.executable, "-c", "from assistant.cli import main; raise SystemExit(main())"]
    for url, says in (
        ("mysql://localhost/council", "COUNCIL_DATABASE_URL: must be a postgresql:// URL"),
        (f"postgresql://nobody@/council?host={tmp_path}", "COUNCIL_DATABASE_URL: cannot connect"),
    ):
        env = {**os.environ, "COUNCIL_DATABASE_URL": url, "COUNCIL_HOME": str(tmp_path / "home")}
        run = subprocess.run([*council, "search", "caseloads"], cwd=ROOT, env=env, capture_output=True, text=True)
        assert run.returncode == 2, run.stderr
        assert run.stderr.strip().count("\n") == 0 and says in run.stderr, run.stderr


def test_postgres_reads_the_record_again_when_the_extractors_change(seeds_dir, seed_vectors, embedder, new_database):
    """As the embedded index does on opening (ingest.record.refresh): facts of an older version are replaced by
    what the extractors read from the stored passages, and the commit count moves so caches read them again."""
    from index.pg_search import PgIndex

    url = new_database()
    index = PgIndex(url, embedder=seed_vectors)
    try:
        pg_build.ingest_paths(index, [seeds_dir / "003_1f49fae26ba8eadd.txt"])
        want = index.store.facts()
        assert want and index.store.get_meta("record_version")
        with index.store.transaction():
            index.store.db.execute("DELETE FROM facts")
            index.store.set_meta("record_version", "an older one")
        generation = index.store.generation()
    finally:
        index.close()
    again = PgIndex(url, embedder=embedder)
    try:
        strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
        assert strip(again.store.facts()) == strip(want)
        assert again.store.generation() == generation + 1
    finally:
        again.close()
