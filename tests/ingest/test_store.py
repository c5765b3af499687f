"""The SQLite store: documents and passages go in whole, come back equal, and hide restricted papers."""

from __future__ import annotations

import threading
from dataclasses import fields, replace
from pathlib import Path

import pytest

from ingest.errors import NotFound
from ingest.models import Document, Passage
from ingest.store import Store, passage_dict


def _doc(seed_docs: dict[str, Document], prefix: str) -> Document:
    return next(doc for name, doc in seed_docs.items() if name.startswith(prefix))


def _restricted(doc: Document) -> Document:
    """The same paper as a restricted document under another id and source."""
    doc_id = "r" + doc.doc_id[1:]
    return replace(
        doc,
        doc_id=doc_id,
        source="exempt.txt",
        access="restricted",
        passages=tuple(replace(p, doc_id=doc_id) for p in doc.passages),
    )


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "db" / "council.db")
    yield s
    s.close()


def _insert(store: Store, doc: Document) -> list[int]:
    with store.transaction():
        return store.insert_document(doc)


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_document_reads_back_field_by_field(store, seed_docs, prefix):
    doc = _doc(seed_docs, prefix)
    ids = _insert(store, doc)
    assert len(ids) == len(doc.passages) and len(set(ids)) == len(ids)
    back = store.document(doc.doc_id)
    for f in fields(Document):
        if f.name != "passages":
            assert getattr(back, f.name) == getattr(doc, f.name), f.name
    assert len(back.passages) == len(doc.passages)
    for got, want in zip(back.passages, doc.passages, strict=True):
        for f in fields(Passage):
            assert getattr(got, f.name) == getattr(want, f.name), (want.label, f.name)
    assert back == doc
    by_id = store.passages_by_id(ids)
    assert [by_id[i] for i in ids] == list(doc.passages)
    assert store.passage_id(doc.doc_id, 3) == ids[3]
    assert store.passage_id(doc.doc_id, len(ids)) is None


def test_page_starts_and_missing_fields_round_trip(store):
    text = "1. First page.\n\n2. Second page."
    p = Passage("pg", 0, "1", "", 0, 14, "1. First page.", page=1)
    doc = Document(
        "pg", "paged.pdf", "Paged", None, None, "report", None, text=text, page_starts=(0, 16), passages=(p,)
    )
    _insert(store, doc)
    assert store.document("pg") == doc
    assert store.document("pg").page_starts == (0, 16)


def test_delete_removes_document_and_passages(store, seed_docs):
    doc, other = _doc(seed_docs, "004"), _doc(seed_docs, "003")
    ids = _insert(store, doc)
    other_ids = _insert(store, other)
    with store.transaction():
        removed = store.delete_document(doc.doc_id)
    assert sorted(removed) == sorted(ids)
    assert store.passages_by_id(ids) == {}
    assert not store.has_document(doc.doc_id)
    assert store.find_source(doc.source) is None
    with pytest.raises(NotFound):
        store.document(doc.doc_id)
    assert store.all_passage_ids() == sorted(other_ids)
    assert store.find_source(other.source) == other.doc_id


def test_a_deleted_papers_passages_never_come_back_from_the_cache(store, seed_docs):
    doc, other = _doc(seed_docs, "004"), _doc(seed_docs, "003")
    ids = _insert(store, doc)
    other_ids = _insert(store, other)
    assert len(store.passages_by_id(ids + other_ids)) == len(ids + other_ids)  # both remembered now
    with store.transaction():
        store.delete_document(doc.doc_id)
    assert store.passages_by_id(ids) == {}
    assert list(store.passages_by_id(other_ids).values()) == list(other.passages)


def test_a_reader_on_the_version_before_a_delete_neither_loses_nor_leaks_its_passages(store, seed_docs):
    doc, other = _doc(seed_docs, "004"), _doc(seed_docs, "003")
    ids = _insert(store, doc)
    other_ids = _insert(store, other)
    began, deleted = threading.Event(), threading.Event()
    seen: list[dict] = []

    def reader() -> None:
        with store.read(lambda: None):
            began.set()
            deleted.wait(10)
            seen.append(store.passages_by_id(ids))  # its read transaction began before the delete

    t = threading.Thread(target=reader)
    t.start()
    began.wait(10)
    with store.transaction():
        store.delete_document(doc.doc_id)
    assert store.passages_by_id(ids) == {}
    assert len(store.passages_by_id(other_ids)) == len(other_ids)  # the newer version's rows, remembered
    deleted.set()
    t.join(10)
    assert [list(s.values()) for s in seen] == [list(doc.passages)]
    assert store.passages_by_id(ids) == {}  # what the older reader read is not remembered for the newer version


def test_passages_added_after_a_read_are_found(store, seed_docs):
    doc, other = _doc(seed_docs, "004"), _doc(seed_docs, "003")
    ids = _insert(store, doc)
    store.passages_by_id(ids)
    other_ids = _insert(store, other)
    assert list(store.passages_by_id(ids + other_ids).values()) == [*doc.passages, *other.passages]


def test_passages_read_inside_a_write_that_rolls_back_are_not_remembered(store, seed_docs):
    doc, other = _doc(seed_docs, "004"), _doc(seed_docs, "003")
    with pytest.raises(RuntimeError), store.transaction():
        phantom = store.insert_document(doc)
        assert len(store.passages_by_id(phantom)) == len(phantom)
        raise RuntimeError("crash half way")
    assert store.passages_by_id(phantom) == {}
    ids = _insert(store, other)  # a rolled-back insert gives its ids out again
    assert set(ids) & set(phantom)
    assert list(store.passages_by_id(ids).values()) == list(other.passages)


def test_failed_transaction_leaves_nothing(store, seed_docs):
    doc = _doc(seed_docs, "004")
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_document(doc)
        raise RuntimeError("crash half way")
    assert not store.has_document(doc.doc_id)
    assert store.all_passage_ids() == []
    assert _insert(store, doc)  # and the store is usable after the rollback


def test_documents_hide_restricted_papers(store, seed_docs):
    public = _doc(seed_docs, "004")
    secret = _restricted(_doc(seed_docs, "003"))
    _insert(store, public)
    _insert(store, secret)
    assert [d["doc_id"] for d in store.documents(("public",))] == [public.doc_id]
    both = store.documents(("public", "restricted"))
    assert [d["doc_id"] for d in both] == [public.doc_id, secret.doc_id]  # newest first: 2021, then 2015
    assert [(d["access"], d["passage_count"]) for d in both] == [
        ("public", len(public.passages)),
        ("restricted", len(secret.passages)),
    ]
    assert "text" not in both[0]
    assert store.documents(("restricted",)) == [both[1]]


def test_restricted_document_is_not_found_for_public_callers(store, seed_docs):
    secret = _restricted(_doc(seed_docs, "004"))
    _insert(store, secret)
    with pytest.raises(NotFound) as hidden:
        store.document(secret.doc_id)
    with pytest.raises(NotFound) as missing:
        store.document("0000000000000000")
    # The same answer as for a paper that does not exist: no trace that it does.
    assert str(hidden.value) == f"no document {secret.doc_id!r}"
    assert str(missing.value) == "no document '0000000000000000'"
    assert store.document(secret.doc_id, access=("public", "restricted")).access == "restricted"


def test_meta_values_persist(tmp_path):
    s = Store(tmp_path / "council.db")
    with s.transaction():
        s.set_meta("model", "all-MiniLM-L6-v2")
    s.close()
    s = Store(tmp_path / "council.db")
    assert (s.get_meta("model"), s.get_meta("absent")) == ("all-MiniLM-L6-v2", None)
    s.close()


def test_passage_dict_names_the_passage(seed_docs):
    p = _doc(seed_docs, "000").passages[5]
    d = passage_dict(p)
    assert d["passage_id"] == f"{p.doc_id}:5"
    assert {k: d[k] for k in ("label", "start", "end", "text")} == {
        "label": p.label,
        "start": p.start,
        "end": p.end,
        "text": p.text,
    }


def test_a_store_from_before_the_furniture_column_is_migrated_in_place(tmp_path, seed_docs):
    import sqlite3

    from ingest.store import MIGRATIONS, SCHEMA

    path = tmp_path / "council.db"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA)  # version 1, as stores were written before migrations existed
    old.execute(
        "INSERT INTO documents(doc_id, source, title, doc_type, text) VALUES ('d1', 'old.txt', 'Old', 'report', 'x')"
    )
    old.commit()
    old.close()
    store = Store(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0]
        assert store.document("d1").removed == ()  # the old row reads back, with the new column's default
        doc = replace(_doc(seed_docs, "000"), removed=((3, "Page 3"),))
        with store.transaction():
            store.insert_document(doc)
        assert store.document(doc.doc_id).removed == ((3, "Page 3"),)
    finally:
        store.close()
    again = Store(path)  # opening a current store changes nothing
    assert again.db.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0]
    again.close()
