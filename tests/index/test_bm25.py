"""The in-memory BM25 ranks as FTS5 does: same scores, kept in step with ingest and deletes, saved and reloaded."""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from index import lexical
from index.bm25 import BM25
from index.build import IngestReport, add_document, delete_document, ingest_paths
from index.search import Filters, Index

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "evals" / "data" / "dev.jsonl").open()]


def fts5_ranking(db: sqlite3.Connection, question: str, k: int, where: str = "1", params: tuple = ()) -> list:
    """The oracle: FTS5's own OR query, ranked by its own bm25, filtered by SQL."""
    terms = lexical.query_terms(question)
    if not terms:
        return []
    sql = (
        "SELECT f.rowid, -bm25(passages_fts, 1.0, 0.4) FROM passages_fts f"
        " JOIN passages p ON p.id = f.rowid JOIN documents d ON d.doc_id = p.doc_id"
        f" WHERE passages_fts MATCH ? AND ({where}) ORDER BY bm25(passages_fts, 1.0, 0.4) LIMIT ?"
    )
    return [(r[0], r[1]) for r in db.execute(sql, (" OR ".join(terms), *params, k))]


def assert_same_ranking(ours: list, theirs: list, question: str) -> None:
    """Equal scores position by position; ids equal too, except where equal scores swap places."""
    assert len(ours) == len(theirs), question
    for (i, s), (j, t) in zip(ours, theirs, strict=True):
        assert math.isclose(s, t, rel_tol=1e-9), (question, i, s, j, t)
    by_score: dict[float, set[int]] = {}
    for i, s in theirs:
        by_score.setdefault(round(s, 9), set()).add(i)
    cut = round(theirs[-1][1], 9) if theirs else None
    for i, s in ours:
        assert i in by_score.get(round(s, 9), set()) or round(s, 9) == cut, (question, i)


@pytest.fixture
def copied_home(seed_index, tmp_path: Path, copy_database) -> Path:
    """A copy of the seed index's home, so a test can change it without embedding anything again."""
    home = tmp_path / "home"
    home.mkdir()
    copy_database(seed_index.store.db, home / "council.db")
    shutil.copytree(seed_index.home / "index", home / "index")
    return home


def test_ranking_equals_fts5_on_every_dev_question(seed_index):
    db = seed_index.store.db
    compared = 0
    for question in QUESTIONS:
        ours = seed_index.bm25.search(db, lexical.query_terms(question), 50)
        assert_same_ranking(ours, fts5_ranking(db, question, 50), question)
        compared += bool(ours)
    assert compared > 100


def test_phrase_terms_are_scored_as_fts5_scores_them(seed_index):
    db = seed_index.store.db
    question = "in-house provision and the Voice-of-the-Child inquiry"
    terms = lexical.query_terms(question)
    assert [t for t in terms if len(seed_index.bm25.tokens([t])[0]) > 1]  # really holds a phrase
    assert_same_ranking(seed_index.bm25.search(db, terms, 30), fts5_ranking(db, question, 30), question)


@pytest.mark.parametrize(
    ("filters", "access"),
    [
        (Filters(body="Cabinet"), ("public",)),
        (Filters(since="2019-01-01"), ("public",)),
        (Filters(kind="recommendation"), ("public",)),
        (Filters(), ("nobody",)),
    ],
)
def test_filtered_lexical_search_equals_fts5_with_the_sql_filter(seed_index, filters, access):
    db = seed_index.store.db
    where, params = filters.sql(access)
    for question in QUESTIONS[:30]:
        hits = seed_index.search(question, k=20, filters=filters, access=access, mode="lexical")
        assert_same_ranking([(h.id, h.score) for h in hits], fts5_ranking(db, question, 20, where, params), question)


def test_excluding_a_restricted_paper_lists_the_excluded_passages_not_the_admitted(copied_home, embedder):
    index = Index(copied_home, embedder=embedder)
    try:
        doc_id = next(d["doc_id"] for d in index.store.documents() if d["source"].startswith("004"))
        assert index._selection(*Filters().sql(("public",))) is None  # remembered until the next commit
        with index.store.transaction():
            index.store.db.execute("UPDATE documents SET access='restricted' WHERE doc_id=?", (doc_id,))
        hidden = {r[0] for r in index.store.db.execute("SELECT id FROM passages WHERE doc_id=?", (doc_id,))}
        where, params = Filters().sql(("public",))
        sel = index._selection(where, params)
        assert sel is not None and sel.excluded and set(sel.ids.tolist()) == hidden
        for question in QUESTIONS[:40]:
            for mode in ("hybrid", "lexical", "dense"):
                assert not {h.id for h in index.search(question, k=20, mode=mode)} & hidden
        assert index._selection(*Filters().sql(("public", "restricted"))) is None
    finally:
        index.close()


def test_ingest_and_delete_keep_it_equal_to_a_fresh_read_of_fts5(copied_home, embedder, seed_docs):
    index = Index(copied_home, embedder=embedder)
    try:
        db = index.store.db
        docs = sorted(seed_docs.values(), key=lambda d: d.source)
        for doc in docs[:3]:
            assert delete_document(index, doc.doc_id)
        report = IngestReport()
        for doc in docs[:3]:
            add_document(index, doc, report)
        assert report.embedded == 0  # every vector came from the cache
        sizes = [len(seg.docs) for seg in index.bm25.segments]  # unsaved: a segment a document, merged by size
        assert len(sizes) >= 2 and all(2 * b < a for a, b in zip(sizes, sizes[1:], strict=False)), sizes
        assert delete_document(index, docs[3].doc_id)
        fresh = BM25.from_fts(db)
        assert index.bm25.rows == fresh.rows == db.execute("SELECT count(*) FROM passages").fetchone()[0]
        for question in QUESTIONS[:40]:
            terms = lexical.query_terms(question)
            assert_same_ranking(index.bm25.search(db, terms, 30), fresh.search(db, terms, 30), question)
            assert_same_ranking(index.bm25.search(db, terms, 30), fts5_ranking(db, question, 30), question)
    finally:
        index.close()


def test_saved_generation_reloads_and_a_stale_one_is_read_again_from_fts5(copied_home, embedder, seed_docs):
    index = Index(copied_home, embedder=embedder)
    question = "How long do children wait for an autism assessment?"
    terms = lexical.query_terms(question)
    before = index.bm25.search(index.store.db, terms, 20)
    index.close()
    reopened = Index(copied_home, embedder=embedder)
    try:
        assert len(list((copied_home / "index").glob("bm25-*.npz"))) == 1
        assert reopened.bm25.search(reopened.store.db, terms, 20) == before
        # A crash after the store's commit, before the BM25 file's: the fingerprint no longer matches.
        doc = next(d for d in seed_docs.values() if d.source.startswith("001"))
        with reopened.store.transaction():
            removed = reopened.store.delete_document(doc.doc_id)
            lexical.remove(reopened.store.db, removed)
    finally:
        reopened.close()
    again = Index(copied_home, embedder=embedder)
    try:
        assert again.bm25.rows == again.store.db.execute("SELECT count(*) FROM passages").fetchone()[0]
        found = again.bm25.search(again.store.db, terms, 20)
        assert not {i for i, _ in found} & set(removed)
        assert_same_ranking(found, fts5_ranking(again.store.db, question, 20), question)
    finally:
        again.close()


def test_coverage_weights_terms_by_corpus_idf(seed_index):
    db = seed_index.store.db
    hits = seed_index.search("How long do children wait for an autism assessment?", k=5)
    ids = [h.id for h in hits]
    terms = lexical.query_terms("autism assessment bin collections")
    got = seed_index.bm25.coverage(db, terms, ids)
    n = db.execute("SELECT count(*) FROM passages").fetchone()[0]
    weight, holders = {}, {}
    for t in terms:  # the definition, in SQL
        df = db.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", (t,)).fetchone()[0]
        weight[t] = math.log(1 + n / (1 + df))
        marks = ",".join("?" for _ in ids)
        sql = f"SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid IN ({marks})"
        holders[t] = {r[0] for r in db.execute(sql, (t, *ids))}
    want = {i: sum(w for t, w in weight.items() if i in holders[t]) / sum(weight.values()) for i in ids}
    assert got == pytest.approx(want)
    assert 0 < max(got.values()) < 0.6  # "bin collections" is in no paper and weighs most


def test_empty_index_searches_to_nothing(tmp_path, embedder):
    index = Index(tmp_path / "empty", embedder=embedder)
    try:
        assert index.bm25.rows == 0
        assert index.search("autism assessment", k=5) == []
        assert index.bm25.search(index.store.db, ['"autism"'], 5, allowed=np.zeros(0, dtype=np.int64)) == []
    finally:
        index.close()


def test_a_fresh_ingest_is_searchable_in_the_same_process(tmp_path, embedder, seeds_dir):
    index = Index(tmp_path / "fresh", embedder=embedder)
    try:
        ingest_paths(index, [seeds_dir / sorted(p.name for p in seeds_dir.glob("004*"))[0]])
        hits = index.search("recommendations", k=3, mode="lexical")
        assert hits and all(h.doc["source"].startswith("004") for h in hits)
    finally:
        index.close()


def test_removed_rows_before_a_merge_neither_rank_nor_count(copied_home, embedder, seed_docs):
    """Between a replace and the next save, dead postings sit in a segment: they must not score or count."""
    index = Index(copied_home, embedder=embedder)
    try:
        db = index.store.db
        doc = next(d for d in seed_docs.values() if d.source.startswith("003"))
        with index.store.transaction():
            removed = index.store.delete_document(doc.doc_id)
            lexical.remove(db, removed)
        index.bm25.remove(removed)
        assert index.bm25.dead == len(removed) > 0
        fresh = BM25.from_fts(db)
        assert (index.bm25.rows, index.bm25.total) == (fresh.rows, pytest.approx(fresh.total))
        kept = [r[0] for r in db.execute("SELECT id FROM passages ORDER BY id LIMIT 40")] + removed[:10]
        for question in QUESTIONS[:40]:
            terms = lexical.query_terms(question)
            assert_same_ranking(index.bm25.search(db, terms, 30), fts5_ranking(db, question, 30), question)
            assert index.bm25.coverage(db, terms, kept) == pytest.approx(fresh.coverage(db, terms, kept))
        index.bm25.save(copied_home / "index", index.store)
        assert index.bm25.dead == 0 and len(index.bm25.segments) == 1
    finally:
        index.close()
