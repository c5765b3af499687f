"""BM25 ranked in numpy over postings in memory, with FTS5's own tokens, statistics and scores.

FTS5 stays the record (it commits with the passages, and it scores phrase terms such as "in-house"). What it
does slowly is rank: an OR query of common words ("children", "services") visits and sorts most of the
corpus, 35 ms at 100k passages and 357 ms at 1M. Here a question is a few array slices, a bincount and an
argpartition (1.6 ms and 14-23 ms; docs/benchmarks.md). The scores are FTS5's `bm25(passages_fts, 1.0, 0.4)`:
the same tokenizer (an in-memory FTS5 table reads tokens back), the same row count, average length,
IDF and saturation, so the in-memory ranking and FTS5's own agree within floating-point rounding
(relative 1e-15: FTS5 adds a heading's 0.4 once per occurrence, numpy multiplies; tested).

Postings live in segments: the base read from FTS5 or a saved file, plus one per ingested batch, merged as
they pile up. A removed passage is only marked dead until the next merge. `save` writes one merged
generation beside the FAISS file, atomically, with the fingerprint of the passage ids it holds; `load`
refuses a file whose fingerprint is not the store's, and the index is then read from FTS5 again.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import generations, lexical
from index.lexical import WEIGHTS
from ingest.store import Store

K1, B = 1.2, 0.75  # FTS5's bm25 constants


@dataclass(frozen=True)
class Segment:
    """Term-major postings: for term tids[i], rows docs[indptr[i]:indptr[i+1]] with their counts per column.

    Counts are kept as integers (8 bytes a posting with the row id) and weighted at query time, so the
    scores stay FTS5's within rounding: 60M postings at 1M passages hold 0.5 GB.
    """

    tids: np.ndarray  # int64, ascending
    indptr: np.ndarray  # int64, len(tids) + 1
    docs: np.ndarray  # int32 passage ids, ascending within a term
    text: np.ndarray  # uint16: the term's count in the text column
    context: np.ndarray  # uint16: its count in the context column (label, section, lead)

    @classmethod
    def of(cls, tid: np.ndarray, doc: np.ndarray, text: np.ndarray, context: np.ndarray) -> Segment:
        """A segment from one posting per (term, row), in any order."""
        order = np.lexsort((doc, tid))
        tid = tid[order]
        tids, starts = np.unique(tid, return_index=True)
        return cls(
            tids.astype(np.int64),
            np.r_[starts, len(tid)].astype(np.int64),
            doc[order].astype(np.int32),
            np.minimum(text[order], 65535).astype(np.uint16),
            np.minimum(context[order], 65535).astype(np.uint16),
        )

    @classmethod
    def empty(cls) -> Segment:
        return cls.of(_EMPTY_I, _EMPTY_I, _EMPTY_I, _EMPTY_I)

    def span(self, tid: int) -> tuple[int, int]:
        """Where a term's postings lie (empty when the segment lacks it)."""
        i = int(np.searchsorted(self.tids, tid))
        if i == len(self.tids) or self.tids[i] != tid:
            return 0, 0
        return int(self.indptr[i]), int(self.indptr[i + 1])

    def postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, weighted frequency) of one term."""
        lo, hi = self.span(tid)
        return self.docs[lo:hi], WEIGHTS[0] * self.text[lo:hi] + WEIGHTS[1] * self.context[lo:hi]

    def flat(self) -> tuple[np.ndarray, ...]:
        """(term id, row, text count, context count) per posting."""
        return np.repeat(self.tids, np.diff(self.indptr)), self.docs, self.text, self.context


_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)


class BM25:
    """The in-memory BM25 over passages_fts. Build with `from_fts` or `load`; keep in step with add/remove."""

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.vocab: dict[str, int] = {}
        self.segments: list[Segment] = []
        self.length = np.zeros(0, dtype=np.float64)  # tokens per row, all columns (FTS5's D), by passage id
        self.live = np.zeros(0, dtype=bool)
        # Kept as rows come and go, never recounted per question (a pass over 1M rows costs milliseconds).
        self.rows = 0  # live rows: FTS5's N
        self.total = 0.0  # their tokens: N x avgdl
        self.dead = 0  # removed rows whose postings still sit in a segment (none once merged)

    @property
    def scratch(self) -> sqlite3.Connection:
        """This thread's FTS5 tokenizer (index.lexical.scratch)."""
        return lexical.scratch()

    def copy(self) -> BM25:
        """A copy a writer may change while readers search this one.

        Cheap: segments are never changed once made, so both share them; the per-row arrays are copied (9 bytes a
        passage); the vocabulary only grows, so both share it too (a term the copy adds is in none of this one's
        segments, so this one finds no postings for it, as before).
        """
        bm = BM25()
        bm.terms, bm.vocab, bm.segments = self.terms, self.vocab, list(self.segments)
        bm.length, bm.live = self.length.copy(), self.live.copy()
        bm.rows, bm.total, bm.dead = self.rows, self.total, self.dead
        return bm

    # --- statistics --------------------------------------------------------------------------
    def _avgdl(self) -> float:
        return self.total / max(1, self.rows)

    def _recount(self) -> None:
        self.rows = int(np.count_nonzero(self.live))
        self.total = float(self.length[self.live].sum())

    # --- building ----------------------------------------------------------------------------
    @classmethod
    def from_fts(cls, db: sqlite3.Connection) -> BM25:
        """Every posting of passages_fts, read from FTS5's own index (82-101 s at 1M passages, so saved)."""
        bm = cls()
        db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances USING fts5vocab(main, passages_fts, 'instance')"
        )
        ids = np.array([r[0] for r in db.execute("SELECT rowid FROM passages_fts")], dtype=np.int64)
        bm._grow(int(ids.max()) + 1 if len(ids) else 0)
        bm.live[ids] = True
        bm._add_postings(db.execute(_GROUPED.format(table="temp.fts_instances")))
        bm._recount()
        return bm

    def add(self, rows: list[tuple[int, str, str]]) -> None:
        """Index new (id, text, context) rows, as lexical.add gave them to FTS5."""
        if not rows:
            return
        self.scratch.executemany("INSERT INTO s(rowid, text, context) VALUES (?, ?, ?)", rows)
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        self._grow(int(ids.max()) + 1)
        self.live[ids] = True
        self.length[ids] = 0.0
        self._add_postings(self.scratch.execute(_GROUPED.format(table="s_instances")))
        self.scratch.execute("DELETE FROM s")
        self.rows += len(ids)
        self.total += float(self.length[ids].sum())
        # Merge the newest segments while the last is at least half the one before: sizes then fall by half
        # or more down the list, so a corpus of P postings holds about log2(P) segments and each posting is
        # re-sorted about log2(P) times in all (merging every few documents into a growing one was quadratic).
        while len(self.segments) > 1 and 2 * len(self.segments[-1].docs) >= len(self.segments[-2].docs):
            self.segments[-2:] = [self._merged(self.segments[-2:])]

    def remove(self, ids: list[int]) -> None:
        """Forget rows (their postings go at the next merge)."""
        ids_a = np.asarray([i for i in ids if i < len(self.live)], dtype=np.int64)
        ids_a = ids_a[self.live[ids_a]]
        self.rows -= len(ids_a)
        self.total -= float(self.length[ids_a].sum())
        self.dead += len(ids_a)
        self.live[ids_a] = False
        self.length[ids_a] = 0.0

    def _grow(self, size: int) -> None:
        if size > len(self.live):
            self.live = np.r_[self.live, np.zeros(size - len(self.live), dtype=bool)]
            self.length = np.r_[self.length, np.zeros(size - len(self.length))]

    def _add_postings(self, cursor: sqlite3.Cursor) -> None:
        """One segment from rows of (term, row, count in text, count in context), streamed."""
        parts: list[list[np.ndarray]] = [[], [], [], []]
        while batch := cursor.fetchmany(1_000_000):
            parts[0].append(np.fromiter((self._tid(r[0]) for r in batch), np.int64, len(batch)))
            for n in (1, 2, 3):
                parts[n].append(np.fromiter((r[n] for r in batch), np.int64, len(batch)))
            self.length += np.bincount(parts[1][-1], weights=parts[2][-1] + parts[3][-1], minlength=len(self.length))
        if parts[0]:
            self.segments.append(Segment.of(*(np.concatenate(p) for p in parts)))

    def _tid(self, term: str) -> int:
        tid = self.vocab.get(term)
        if tid is None:
            tid = self.vocab[term] = len(self.terms)
            self.terms.append(term)
        return tid

    def _merge_all(self) -> None:
        self.segments = [self._merged(self.segments)] if self.segments else []
        self.dead = 0

    def _merged(self, segments: list[Segment]) -> Segment:
        parts = [s.flat() for s in segments]
        tid, doc, text, context = (np.concatenate([p[n] for p in parts]) for n in range(4))
        keep = self.live[doc]
        return Segment.of(tid[keep], doc[keep], text[keep], context[keep])

    # --- searching ---------------------------------------------------------------------------
    def tokens(self, phrases: list[str]) -> list[list[str]]:
        """Each phrase (an FTS5 string literal or bare words) as FTS5 tokenizes it (remembered: index.lexical)."""
        return lexical.phrase_tokens(phrases)

    def idf(self, words: list[str], readable: np.ndarray | None = None) -> list[float]:
        """Each word's inverse document frequency over what the caller may read, as BM25 weighs it (0: unknown)."""
        stats = self._stats(readable)
        if stats is None:
            return [0.0 for _ in words]
        rows, _, mask = stats
        out = []
        for toks in self.tokens(words):
            dfs = [self._postings(t)[0] for t in toks if t in self.vocab]
            dfs = [int(np.count_nonzero(mask[d])) if mask is not None else len(d) for d in dfs]
            out.append(max((self._idf(df, rows) for df in dfs if df), default=0.0))  # none readable: unknown
        return out

    def _postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """Live (rows, frequencies) of one token across the segments."""
        tid = self.vocab.get(token)
        if tid is None:
            return _EMPTY_I, _EMPTY_F
        found = [s.postings(tid) for s in self.segments]
        docs = np.concatenate([d for d, _ in found]) if found else _EMPTY_I
        freq = np.concatenate([f for _, f in found]) if found else _EMPTY_F
        if not self.dead:
            return docs, freq
        keep = self.live[docs]
        return docs[keep], freq[keep]

    def _holders(self, token: str, wanted: np.ndarray, mask: np.ndarray | None = None) -> tuple[int, set[int]]:
        """(rows holding the token, those of them among `wanted`), without gathering its postings unless only the
        rows a caller may read (`mask`) count."""
        if self.dead or mask is not None:
            docs, _ = self._postings(token)
            if mask is not None:
                docs = docs[mask[docs]]
            return len(docs), set(wanted[np.isin(wanted, docs)].tolist())
        tid = self.vocab.get(token)
        if tid is None:
            return 0, set()
        df, held = 0, set()
        for seg in self.segments:
            lo, hi = seg.span(tid)
            docs = seg.docs[lo:hi]  # ascending: a binary search per wanted id
            df += len(docs)
            at = np.minimum(np.searchsorted(docs, wanted), max(0, len(docs) - 1))
            if len(docs):
                held.update(wanted[docs[at] == wanted].tolist())
        return df, held

    def _idf(self, df: int, rows: int | None = None) -> float:
        n = self.rows if rows is None else rows
        idf = math.log((n - df + 0.5) / (df + 0.5))
        return idf if idf > 0 else 1e-6  # FTS5's floor for terms in over half the rows

    def _stats(self, readable: np.ndarray | None) -> tuple[int, float, np.ndarray | None] | None:
        """(rows, average length, mask) over what the caller may read; the index's own when it reads every row."""
        if readable is None:
            return self.rows, self._avgdl(), None
        mask = np.zeros(len(self.live), dtype=bool)
        mask[: min(len(readable), len(mask))] = readable[: len(mask)]
        mask &= self.live
        rows = int(np.count_nonzero(mask))
        if rows == self.rows:
            return self.rows, self._avgdl(), None
        if rows == 0:
            return None
        return rows, float(self.length[mask].sum()) / rows, mask

    def search(
        self,
        db: sqlite3.Connection,
        phrases: list[str],
        k: int,
        allowed: np.ndarray | None = None,
        excluded: np.ndarray | None = None,
        readable: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """Top-k (id, score) as FTS5's `MATCH "a" OR "b" ... ORDER BY bm25(passages_fts, 1.0, 0.4)` ranks them,
        among `allowed` ids (or all but `excluded`). Ties go to the lower id.

        `readable` (a mask over ids) is what the caller may read: the statistics (rows, their lengths, each term's
        document frequency) are counted over it alone, so a paper the caller may not read changes no score.
        """
        if not phrases or k <= 0 or not self.rows:
            return []
        stats = self._stats(readable)
        if stats is None:
            return []
        rows, avgdl, mask = stats
        docs_parts, score_parts = [], []
        for phrase, toks in zip(phrases, self.tokens(phrases), strict=True):
            if len(toks) == 1:
                docs, freq = self._postings(toks[0])
                if mask is not None:
                    keep = mask[docs]
                    docs, freq = docs[keep], freq[keep]
                if len(docs):
                    norm = K1 * (1 - B + B * self.length[docs] / avgdl)
                    docs_parts.append(docs)
                    score_parts.append(self._idf(len(docs), rows) * freq * (K1 + 1) / (freq + norm))
            elif toks and mask is None:  # FTS5's bm25 is a sum over phrases: a phrase needs positions, FTS5 scores it
                found = db.execute(
                    f"SELECT rowid, -bm25(passages_fts, {WEIGHTS[0]}, {WEIGHTS[1]}) FROM passages_fts"
                    " WHERE passages_fts MATCH ?",
                    (phrase,),
                ).fetchall()
                if found:
                    docs_parts.append(np.array([r[0] for r in found], dtype=np.int64))
                    score_parts.append(np.array([r[1] for r in found], dtype=np.float64))
            elif toks:  # FTS5's own bm25 counts every row: over what the caller reads, a phrase counts once a row
                found = db.execute("SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?", (phrase,)).fetchall()
                docs = np.array([r[0] for r in found if r[0] < len(mask) and mask[r[0]]], dtype=np.int64)
                if len(docs):
                    norm = K1 * (1 - B + B * self.length[docs] / avgdl)
                    docs_parts.append(docs)
                    score_parts.append(np.full(len(docs), self._idf(len(docs), rows)) * (K1 + 1) / (1 + norm))
        if not docs_parts:
            return []
        scores = np.bincount(np.concatenate(docs_parts), weights=np.concatenate(score_parts), minlength=len(self.live))
        hit = np.flatnonzero(scores > 0)
        if allowed is not None or excluded is not None:
            hit = hit[_admitted(len(scores), allowed, excluded)[hit]]
        if len(hit) > k:
            hit = hit[np.argpartition(-scores[hit], k - 1)[:k]]
        top = hit[np.lexsort((hit, -scores[hit]))]
        return [(int(i), float(scores[i])) for i in top]

    def coverage(
        self, db: sqlite3.Connection, phrases: list[str], ids: list[int], readable: np.ndarray | None = None
    ) -> dict[int, float]:
        """For each id, the share of the phrases it holds, each phrase weighted by log(1 + N / (1 + df)), with N
        and df counted over what the caller may read (`readable`, as in search)."""
        if not phrases or not ids:
            return {i: 0.0 for i in ids}
        stats = self._stats(readable)
        rows, mask = (stats[0], stats[2]) if stats else (0, None)
        wanted = np.asarray(ids, dtype=np.int64)
        weight: list[float] = []
        holders: list[set[int]] = []
        for phrase, toks in zip(phrases, self.tokens(phrases), strict=True):
            if len(toks) == 1:
                df, held = self._holders(toks[0], wanted, mask)
            elif toks:
                found = db.execute("SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?", (phrase,)).fetchall()
                df = sum(1 for r in found if mask is None or r[0] < len(mask) and mask[r[0]])
                marks = ",".join("?" for _ in ids)
                sql = f"SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid IN ({marks})"
                held = {r[0] for r in db.execute(sql, (phrase, *ids))}
            else:
                df, held = 0, set()
            weight.append(math.log(1 + max(1, rows) / (1 + df)))
            holders.append(held)
        total = sum(weight)
        return {i: sum(w for w, h in zip(weight, holders, strict=True) if i in h) / total for i in ids}

    # --- persistence -------------------------------------------------------------------------
    def save(self, folder: Path, store: Store) -> None:
        """Write one merged generation (index/generations.py) holding the live rows."""
        self._merge_all()
        seg = self.segments[0] if self.segments else Segment.empty()

        def write_file(tmp: Path) -> None:
            with open(tmp, "wb") as fh:  # a path would get ".npz" appended by numpy
                np.savez(
                    fh,
                    terms=np.frombuffer("\n".join(self.terms).encode("utf-8"), dtype=np.uint8),
                    tids=seg.tids, indptr=seg.indptr, docs=seg.docs, text=seg.text, context=seg.context,
                    length=self.length, live=self.live,
                )  # fmt: skip

        generations.write(folder, store, "bm25", "npz", np.flatnonzero(self.live).tolist(), write_file)

    @classmethod
    def load(cls, folder: Path, store: Store, ids_fingerprint: str) -> BM25 | None:
        """The saved generation if it holds exactly the store's passages, else None (read FTS5 again)."""
        path = generations.current(folder, store, "bm25", "npz", ids_fingerprint)
        if path is None:
            return None
        with np.load(path) as z:
            bm = cls()
            blob = z["terms"].tobytes().decode("utf-8")
            bm.terms = blob.split("\n") if blob else []
            bm.vocab = {t: i for i, t in enumerate(bm.terms)}
            seg = Segment(z["tids"], z["indptr"], z["docs"], z["text"], z["context"])
            bm.segments = [seg] if len(seg.docs) else []
            bm.length, bm.live = z["length"], z["live"]
        bm._recount()
        return bm


# Postings of an fts5vocab 'instance' table, one row per (term, row), in term order.
_GROUPED = "SELECT term, doc, sum(col = 'text'), sum(col = 'context') FROM {table} GROUP BY term, doc"


def _admitted(size: int, allowed: np.ndarray | None, excluded: np.ndarray | None) -> np.ndarray:
    """A boolean mask over ids: the allowed ones, or all but the excluded ones."""
    if allowed is not None:
        mask = np.zeros(size, dtype=bool)
        mask[allowed[allowed < size]] = True
    else:
        mask = np.ones(size, dtype=bool)
        if excluded is not None:
            mask[excluded[excluded < size]] = False
    return mask
