"""Search over PostgreSQL + pgvector: the same hybrid as the embedded default (index.search.hybrid), on tables.

Vectors are unit length, so cosine is their inner product: pgvector's `<#>` (negative inner product) gives the
cosine FAISS gives, to float32 rounding, and an HNSW index over `vector_ip_ops` serves it. Below EXACT_BELOW
passages the search is exact (the index is not used), as FAISS is exact below APPROX_FROM; above, HNSW scans
iteratively (pgvector 0.8's hnsw.iterative_scan) until k passages pass the filters, so a filtered search still
fills its k. Filters and access are SQL over the documents, as in the default (index.filters).
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import numpy as np

from index.backend import Ranked
from index.embed import DEFAULT_MODEL, Embedder
from index.filters import Filters
from index.lexical import query_terms
from index.pg_lexical import PgLexical
from index.pg_store import PgStore, connect
from index.search import Hit, Timings, check, hybrid
from ingest import record
from ingest.errors import IndexMismatch

EXACT_BELOW = 200_000  # passages below which dense search reads every vector (index.vectors.APPROX_FROM)
EF_SEARCH = 100  # HNSW candidates per search: recall@10 against exact is in docs/scaling.md


class PgDense:
    """The DenseRetriever over a PgStore."""

    def __init__(self, store: PgStore, exact_below: int = EXACT_BELOW) -> None:
        self.store = store
        self.exact_below = exact_below

    def search(self, query: np.ndarray, k: int, filters: Filters, access: tuple[str, ...]) -> Ranked:
        where, params = filters.sql(access, mark="%s")
        db = self.store.db
        q = np.asarray(query, dtype=np.float32)
        # Rolled back (a savepoint inside a reading() block): the planner settings end with this query.
        with db.transaction(force_rollback=True):
            rows = db.execute("SELECT coalesce(sum(rows), 0) AS n FROM lexical_stats").fetchone()["n"]
            if rows < self.exact_below:
                db.execute("SET LOCAL enable_indexscan = off")
            else:
                db.execute(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}")
                db.execute("SET LOCAL hnsw.iterative_scan = strict_order")
            found = db.execute(
                "SELECT p.id, -(p.embedding <#> %s) AS score FROM passages p JOIN documents d ON d.doc_id = p.doc_id"
                f" WHERE {where} ORDER BY p.embedding <#> %s LIMIT %s",
                (q, *params, q, k),
            ).fetchall()
        return [(int(r["id"]), float(r["score"])) for r in found]

    def scores(self, query: np.ndarray, ids: list[int]) -> dict[int, float]:
        if not ids:
            return {}
        q = np.asarray(query, dtype=np.float32)
        rows = self.store.db.execute(
            "SELECT id, -(embedding <#> %s) AS score FROM passages WHERE id = ANY(%s)", (q, ids)
        )
        return {int(r["id"]): float(r["score"]) for r in rows}


class PgIndex:
    """An open index in PostgreSQL: the store, the model and the two retrievers."""

    def __init__(
        self, url: str, model: str = DEFAULT_MODEL, embedder: Embedder | None = None, exact_below: int = EXACT_BELOW
    ) -> None:
        connect(url).close()  # an unusable URL fails here, in one line, before the model loads
        self.embedder = embedder or Embedder(model)
        self.store = PgStore(url, self.embedder.dim)
        built_with = self.store.get_meta("model")
        if built_with and built_with != model:
            self.store.close()
            raise IndexMismatch(
                f"the database was built with model {built_with!r}, not {model!r}; use that model, or a new database"
            )
        if not built_with:
            with self.store.transaction():
                self.store.set_meta("model", model)
                self.store.set_meta("record_version", record.VERSION)  # an empty database's record is current
        # The record read again when the extractors changed, as the embedded index does on opening: by one worker
        # (the lock), the others finding it current once they hold the lock in turn.
        with self.store.transaction():
            self.store.lock_source(" council-record")
            if record.refresh(self.store):
                self.store.moved()
        self.dense = PgDense(self.store, exact_below)
        self.lexical = PgLexical(self.store)

    def close(self) -> None:
        self.store.close()

    def reading(self) -> AbstractContextManager:
        """Every query of the block sees one commit's state (PostgreSQL's repeatable read)."""
        return self.store.read()

    @property
    def version(self) -> int:
        """Commits that changed the documents, by any worker (Index.version)."""
        return self.store.generation()

    def idf(self, words: tuple[str, ...], access: tuple[str, ...] = ("public",)) -> dict[str, float]:
        """How rare each word is in what the caller may read (Index.idf)."""
        return dict(zip(words, self.lexical.idf(list(words), access), strict=True)) if words else {}

    def mentions(self, phrase: str, access: tuple[str, ...] = ("public",)) -> bool:
        """Whether any passage the caller may read holds the phrase (Index.mentions)."""
        return self.lexical.mentions(phrase, access)

    def coverage(self, query: str, hits: list[Hit], access: tuple[str, ...] = ("public",)) -> float:
        """The best IDF-weighted share of the query's terms that one of the hits holds (Index.coverage)."""
        found = self.lexical.coverage(query_terms(query), [h.id for h in hits], access)
        return max(found.values(), default=0.0)

    def search(
        self,
        query: str,
        k: int = 10,
        filters: Filters | None = None,
        access: tuple[str, ...] = ("public",),
        mode: str = "hybrid",
        timings: Timings | None = None,
        expand: tuple[str, ...] = (),
        drop: tuple[str, ...] = (),
    ) -> list[Hit]:
        """The k passages that best answer `query` among those the filters and access admit."""
        check(query, k, mode)
        filters = filters or Filters()
        filters.sql(access)  # a bad date is a BadRequest before the model runs
        t = timings or Timings()
        return hybrid(
            self.store, self.embedder, self.dense, self.lexical, query, k, filters, access, mode, t, expand, drop
        )
