"""The open index (store, model, FAISS, FTS5) and hybrid search over it with filters inside retrieval."""

from __future__ import annotations

import re
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from index import lexical
from index.backend import DenseRetriever, LexicalRetriever, PassageStore
from index.bm25 import BM25
from index.embed import DEFAULT_MODEL, Embedder, cached_vectors, stored_embed_texts
from index.embedded import EmbeddedDense, EmbeddedLexical
from index.filters import Filters
from index.follow import Follower
from index.fuse import rrf, weighted
from index.generations import fingerprint
from index.snapshot import Snapshot, Snapshots
from index.vectors import APPROX_FROM, VectorIndex, sq8_index
from ingest import record
from ingest.errors import BadRequest, IndexMismatch
from ingest.models import Passage
from ingest.store import Store

MODES = ("hybrid", "dense", "lexical", "rrf")  # rrf: the hybrid with rank fusion, for comparison
CANDIDATES = 50  # from each ranker before fusion


@dataclass(frozen=True)
class Hit:
    """A ranked passage with the document fields a citation needs."""

    id: int
    passage: Passage
    doc: dict
    score: float
    dense: float | None = None  # cosine, when the dense ranker saw it
    lexical: float | None = None  # BM25, when the lexical ranker saw it


@dataclass(frozen=True)
class Selection:
    """The passages a filter admits, as whichever list is shorter: the admitted ids, or the excluded ones."""

    ids: np.ndarray
    excluded: bool

    @property
    def allowed(self) -> np.ndarray | None:
        return None if self.excluded else self.ids

    @property
    def blocked(self) -> np.ndarray | None:
        return self.ids if self.excluded else None


_PASSAGE_COLUMN = re.compile(r"\bp\.")


@dataclass
class Timings:
    embed_ms: float = 0.0
    dense_ms: float = 0.0
    lexical_ms: float = 0.0
    fuse_ms: float = 0.0
    extra: dict = field(default_factory=dict)


class Index:
    """An open index in `home`: the store, the model and the vectors, loaded once.

    Searches read `snapshot` (the vectors and BM25 of one generation): any number of threads search at once,
    each inside `reading()` to keep one generation throughout; writes go through `transaction()`, one at a time.
    """

    def __init__(
        self,
        home: Path,
        model: str = DEFAULT_MODEL,
        embedder: Embedder | None = None,
        approx_from: int = APPROX_FROM,
    ) -> None:
        self.home = home
        self.approx_from = approx_from  # passages from which the vectors are held as SQ8 (index.vectors)
        self.store = Store(home / "council.db")
        lexical.ensure(self.store.db)
        built_with = self.store.get_meta("model")
        if built_with and built_with != model:
            self.store.close()
            raise IndexMismatch(
                f"the index in {home} was built with model {built_with!r}, not {model!r};"
                " use that model, or ingest into a new COUNCIL_HOME"
            )
        self.embedder = embedder or Embedder(model)
        if not built_with:
            with self.store.transaction():
                self.store.set_meta("model", model)
                self.store.set_meta("record_version", record.VERSION)  # an empty store's record is current
        record.refresh(self.store)
        ids_now = fingerprint(self.store.all_passage_ids())  # what each saved file must hold to be used
        vectors = (
            VectorIndex.load(home / "index", self.embedder.dim, self.store, ids_now, approx_from)
            or self.rebuild_vectors()
        )
        bm25 = BM25.load(home / "index", self.store, ids_now) or self.rebuild_lexical()
        self.snapshots = Snapshots(self.store, Snapshot(0, vectors, bm25))
        self.follower = Follower(self)  # other processes' writes to this home (several server workers, an ingest)
        self.snapshots.on_write = self.follower.catch_up
        # One question at a time gains nothing from FAISS's threads (exact search is memory-bound), and its
        # OpenMP workers keep spinning after a search, taking the cores from the next question's embedding.
        faiss.omp_set_num_threads(1)
        self._selections: dict[tuple, Selection | None] = {}

    def close(self) -> None:
        self.store.close()

    @property
    def snapshot(self) -> Snapshot:
        """The search structures this thread reads: those it pinned in `reading()`, else the latest."""
        return self.snapshots.current

    @property
    def version(self) -> int:
        """Commits that changed the documents, as this thread sees them: what caches of the rows key on."""
        return self.snapshots.version

    @property
    def vectors(self) -> VectorIndex:
        return self.snapshot.vectors

    @property
    def bm25(self) -> BM25:
        return self.snapshot.bm25

    def reading(self) -> AbstractContextManager[Snapshot]:
        """Keep this thread on one generation (search structures and rows alike) until the block ends."""
        self.follower.check()
        return self.snapshots.reading()

    def writing(self) -> AbstractContextManager[None]:
        """Hold the one writer's place (an ingest, a delete); readers never wait on it."""
        return self.snapshots.writing()

    def transaction(self) -> AbstractContextManager[Snapshot]:
        """A change to the documents: the store's rows and a draft snapshot, committed and published together."""
        return self.snapshots.transaction()

    def save(self) -> None:
        """Write the FAISS and BM25 generations (after documents went in or out), and search what was written."""
        with self.writing():
            snap = self.snapshots.current
            # Saving may convert the vectors to SQ8 and merges BM25's segments: on copies, so that readers of the
            # snapshot keep theirs.
            vectors = snap.vectors.copy() if snap.vectors.converts_on_save else snap.vectors
            vectors.save(self.store)
            bm25 = snap.bm25.copy()
            bm25.save(self.home / "index", self.store)
            self.snapshots.replace(Snapshot(snap.version, vectors, bm25))

    def rebuild_lexical(self) -> BM25:
        """Read the in-memory BM25 from FTS5's own index (the record) and save it."""
        bm = BM25.from_fts(self.store.db)
        bm.save(self.home / "index", self.store)
        return bm

    def rebuild_vectors(self) -> VectorIndex:
        """Rebuild FAISS from the store (vectors come from the cache that commits with it) and save it."""
        vi = VectorIndex(self.home / "index", self.embedder.dim, self.approx_from)
        rows = list(self.store.iter_passages())
        if rows:
            texts = stored_embed_texts(self.store, rows)
            vecs, _ = cached_vectors(self.store.db, self.embedder, texts)
            ids = np.asarray([i for i, _ in rows], dtype=np.int64)
            if len(rows) >= self.approx_from:  # straight to SQ8: never a flat copy of a million vectors beside it
                vi.index = sq8_index(self.embedder.dim, ids, vecs)
            else:
                vi.add(ids.tolist(), vecs)
        vi.save(self.store)
        return vi

    def _selection(self, where: str, params: tuple) -> Selection | None:
        """The passages a filter admits, or None when it admits every passage.

        Asked on every question, so it must not cost the corpus: a clause over document columns only is
        first checked against the documents table, and when some documents fail it, the shorter of the two
        passage lists (admitted or excluded) is listed, not always the admitted one (1,660 ms at 1M). Even
        the documents check reads every paper's row (5 ms at 1M), so answers are kept until the next commit.
        """
        key = (where, params, self.snapshots.version)
        if key in self._selections:
            return self._selections[key]
        if len(self._selections) >= 64:
            self._selections.clear()
        found = self._selections[key] = self._select(where, params)
        return found

    def _select(self, where: str, params: tuple) -> Selection | None:
        db = self.store.db
        if not _PASSAGE_COLUMN.search(where):
            failing = f"SELECT d.doc_id FROM documents d WHERE ({where}) IS NOT 1"
            if db.execute(f"{failing} LIMIT 1", params).fetchone() is None:
                return None
            (excluded,) = db.execute(f"SELECT count(*) FROM passages WHERE doc_id IN ({failing})", params).fetchone()
            if excluded * 2 <= self.bm25.rows:
                rows = db.execute(f"SELECT id FROM passages WHERE doc_id IN ({failing})", params)
                return Selection(np.fromiter((r[0] for r in rows), dtype=np.int64), excluded=True)
        rows = db.execute(f"SELECT p.id FROM passages p JOIN documents d ON d.doc_id = p.doc_id WHERE {where}", params)
        return Selection(np.fromiter((r[0] for r in rows), dtype=np.int64), excluded=False)

    def idf(self, words: tuple[str, ...], access: tuple[str, ...] = ("public",)) -> dict[str, float]:
        """How rare each word is in what the caller may read: a question's rare words are those its answer must hold."""
        return dict(zip(words, self.bm25.idf(list(words), self.readable(access)), strict=True)) if words else {}

    def mentions(self, phrase: str, access: tuple[str, ...] = ("public",)) -> bool:
        """Whether any passage the caller may read holds the phrase (its words in order, as FTS5 tokenises)."""
        words = re.findall(r"\w+", phrase.lower())
        if not words:
            return False
        marks = ",".join("?" for _ in access)
        row = self.store.db.execute(
            "SELECT 1 FROM passages_fts f JOIN passages p ON p.id = f.rowid JOIN documents d ON d.doc_id = p.doc_id"
            f" WHERE passages_fts MATCH ? AND d.access IN ({marks}) LIMIT 1",
            (" ".join(f'"{w}"' for w in words).replace('" "', " "), *access),
        ).fetchone()
        return row is not None

    def readable(self, access: tuple[str, ...]) -> np.ndarray | None:
        """A mask over passage ids of what a caller with these access levels may read; None when that is all.

        Every statistic a caller's answer depends on is counted over it, so that a restricted paper changes
        nothing a public caller sees (its words would otherwise move every public BM25 score)."""
        key = ("readable", access, self.snapshots.version)
        if key in self._selections:
            return self._selections[key]
        where, params = Filters().sql(access)
        sel = self._selection(where, params)
        mask = None
        if sel is not None:
            mask = np.ones(len(self.bm25.live), dtype=bool) if sel.excluded else np.zeros(len(self.bm25.live), bool)
            ids = sel.ids[sel.ids < len(mask)]
            mask[ids] = not sel.excluded
        self._selections[key] = mask
        return mask

    def coverage(self, query: str, hits: list[Hit], access: tuple[str, ...] = ("public",)) -> float:
        """The best IDF-weighted share of the query's terms that one of the hits holds."""
        found = self.bm25.coverage(
            self.store.db, lexical.query_terms(query), [h.id for h in hits], self.readable(access)
        )
        return max(found.values(), default=0.0)

    def _admitted(self, filters: Filters, access: tuple[str, ...]) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(allowed ids, excluded ids) of a filter and access, both None when every passage is admitted."""
        sel = self._selection(*filters.sql(access))
        return (sel.allowed, sel.blocked) if sel else (None, None)

    def retrievers(self, snap: Snapshot) -> tuple[EmbeddedDense, EmbeddedLexical]:
        """The dense and lexical retrievers (index/backend.py) over one snapshot."""
        return (
            EmbeddedDense(snap.vectors, self._admitted),
            EmbeddedLexical(snap.bm25, self.store.db, self._admitted, self.readable),
        )

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
        """The k passages that best answer `query` among those the filters and access admit (see `hybrid`)."""
        check(query, k, mode)
        t = timings or Timings()
        snap = self.snapshot  # one generation throughout, even outside reading()
        filters = filters or Filters()
        where, params = filters.sql(access)
        t0 = time.perf_counter()
        self._selection(where, params)  # the retrievers find it cached
        t.extra["select_ms"] = (time.perf_counter() - t0) * 1e3
        dense, lex = self.retrievers(snap)
        return hybrid(self.store, self.embedder, dense, lex, query, k, filters, access, mode, t, expand, drop)


def check(query: str, k: int, mode: str) -> None:
    """BadRequest for a search no backend can run."""
    if mode not in MODES:
        raise BadRequest(f"mode must be one of {', '.join(MODES)}")
    if not query.strip():
        raise BadRequest("the question is empty")
    if k < 1:
        raise BadRequest("k must be at least 1")


def hybrid(
    store: PassageStore,
    embedder: Embedder,
    dense_retriever: DenseRetriever,
    lexical_retriever: LexicalRetriever,
    query: str,
    k: int,
    filters: Filters,
    access: tuple[str, ...],
    mode: str,
    t: Timings,
    expand: tuple[str, ...] = (),
    drop: tuple[str, ...] = (),
) -> list[Hit]:
    """The k passages that best answer `query` among those the filters and access admit, on any backend.

    `expand` adds words to the lexical query only (the papers' words for the question's: "led" -> "lead");
    `drop` takes words out of it (a council's name, once the filter keeps to its papers, tells nothing).
    """
    dense: list[tuple[int, float]] = []
    lex: list[tuple[int, float]] = []
    if mode in ("hybrid", "rrf", "dense"):
        t0 = time.perf_counter()
        qvec = embedder.encode([query])[0]
        t1 = time.perf_counter()
        dense = dense_retriever.search(qvec, CANDIDATES, filters, access)
        t.embed_ms, t.dense_ms = (t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3
    if mode in ("hybrid", "rrf", "lexical"):
        t0 = time.perf_counter()
        gone = {f'"{w.lower()}"' for w in drop}
        words = [w for w in lexical.query_terms(" ".join((query, *expand))) if w not in gone]
        lex = lexical_retriever.search(words, CANDIDATES, filters, access)
        t.lexical_ms = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    extra: dict[int, float] = {}
    if mode in ("hybrid", "rrf") and lex:
        # The lexical-only candidates' cosines, for the caller (abstention); fusing them in was tried on
        # the tune split and lowered MRR (0.545 -> 0.483), so fusion sees the dense ranking as retrieved.
        seen = {i for i, _ in dense}
        extra = dense_retriever.scores(qvec, [i for i, _ in lex if i not in seen])
    if mode == "dense":
        ranked = dense
    elif mode == "lexical":
        ranked = lex
    elif mode == "rrf":
        ranked = rrf([[i for i, _ in dense], [i for i, _ in lex]])
    else:
        ranked = weighted(dense, lex)
    ranked = ranked[:k]
    passages = store.passages_by_id([i for i, _ in ranked])
    docs = store.doc_info(list({p.doc_id for p in passages.values()}))
    dense_map, lex_map = {**extra, **dict(dense)}, dict(lex)
    hits = [
        Hit(i, passages[i], docs[passages[i].doc_id], s, dense_map.get(i), lex_map.get(i))
        for i, s in ranked
        if i in passages
    ]
    t.fuse_ms = (time.perf_counter() - t0) * 1e3
    return hits
