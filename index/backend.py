"""The seam between search and where passages live: a passage store, a dense and a lexical retriever.

Two backends stand behind it. The embedded default keeps the store in SQLite, the vectors in FAISS and BM25 in
memory (ingest/store.py, index/vectors.py, index/bm25.py, wrapped for search by index/embedded.py); PostgreSQL
keeps all three in tables (index/pg_store.py, index/pg_search.py), chosen by COUNCIL_DATABASE_URL. Search
(index.search.hybrid) fuses whichever retrievers it is given and reads passages from either store.

Access is part of every call: a retriever only returns passages whose paper the caller may read, and counts
every statistic it scores with (BM25's rows, lengths and document frequencies) over those papers alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import numpy as np

from index.filters import Filters
from ingest.models import Document, Passage

Ranked = list[tuple[int, float]]  # (passage id, score), best first


@runtime_checkable
class PassageStore(Protocol):
    """Documents and their passages, written a whole document at a time, read by id and under access rules."""

    def transaction(self) -> AbstractContextManager: ...

    def find_source(self, source: str) -> str | None: ...

    def has_document(self, doc_id: str) -> bool: ...

    def insert_document(self, doc: Document) -> list[int]: ...

    def delete_document(self, doc_id: str) -> list[int]: ...

    def documents(self, access: tuple[str, ...] = ("public",)) -> list[dict]: ...

    def document(self, doc_id: str, access: tuple[str, ...] = ("public",)) -> Document: ...

    def passages_by_id(self, ids: list[int]) -> dict[int, Passage]: ...

    def doc_info(self, doc_ids: list[str]) -> dict[str, dict]: ...

    def all_passage_ids(self) -> list[int]: ...

    def iter_passages(self) -> Iterator[tuple[int, Passage]]: ...

    # What the assistant reads besides passages (ingest/reads.py holds them for both stores): the record's facts,
    # the catalog the question's frame is checked against, boilerplate, a passage's neighbours, what a filter
    # admits; and the connection its chat history writes on, with the driver's placeholder.
    mark: str

    @property
    def db(self): ...

    def facts(
        self,
        access: tuple[str, ...] = ("public",),
        entity: str | None = None,
        council: str | None = None,
        doc_id: str | None = None,
    ) -> list[dict]: ...

    def catalog(self, access: tuple[str, ...] = ("public",)) -> dict: ...

    def repeated(self, ids: list[int], access: tuple[str, ...] = ("public",)) -> set[int]: ...

    def around(self, doc_id: str, ordinal: int, reach: int) -> list[int]: ...

    def admitted(self, ids: list[int], where: str, params: tuple) -> set[int]: ...


@runtime_checkable
class DenseRetriever(Protocol):
    """Nearest passages to a query vector (cosine) among those the filters and access admit."""

    def search(self, query: np.ndarray, k: int, filters: Filters, access: tuple[str, ...]) -> Ranked: ...

    def scores(self, query: np.ndarray, ids: list[int]) -> dict[int, float]: ...


@runtime_checkable
class LexicalRetriever(Protocol):
    """BM25 over FTS5-tokenised passages (text, and label/section/lead as a lighter column), statistics per access.

    `terms` are FTS5 string literals (index.lexical.query_terms); a literal of several tokens is a phrase.
    """

    def search(self, terms: list[str], k: int, filters: Filters, access: tuple[str, ...]) -> Ranked: ...


@runtime_checkable
class VectorWriter(Protocol):
    """The write side of a dense index, as ingest uses it: vectors in and out by passage id."""

    def add(self, ids: list[int], vecs: np.ndarray) -> None: ...

    def remove(self, ids: list[int]) -> None: ...
