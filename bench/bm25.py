"""BM25 as FTS5 computes it, but scored with numpy over a term-major sparse matrix (the bm25s way).

An experiment for index/lexical.py: the same ranking as `bm25(passages_fts, 1.0, 0.4)` for questions made
of single-token terms over an unfiltered corpus, without SQLite visiting and sorting every matching row.
The matrix is read from the FTS5 index itself (fts5vocab 'instance'), so tokens are exactly FTS5's. Each
posting holds its query-independent BM25 saturation term; a question only multiplies by IDF and adds.
"""

from __future__ import annotations

import sqlite3
import time

import numpy as np

K1, B = 1.2, 0.75  # FTS5's own constants
TOKENIZE = "porter unicode61 remove_diacritics 2"  # as index/lexical.py declares passages_fts


class SparseBM25:
    """Postings of every token in passages_fts, with each posting's BM25 term-frequency part precomputed."""

    def __init__(self, db: sqlite3.Connection, weights: tuple[float, float] = (1.0, 0.4)) -> None:
        t0 = time.perf_counter()
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_vi USING fts5vocab(main, passages_fts, 'instance')")
        cur = db.execute(
            "SELECT term, doc, sum(col = 'text'), sum(col = 'context') FROM temp.bench_vi GROUP BY term, doc"
        )
        names: list[str] = []
        starts: list[np.ndarray] = []
        docs_parts, text_parts, context_parts = [], [], []
        seen, last = 0, None
        while rows := cur.fetchmany(1_000_000):  # streamed: at 1M passages there are ~60M postings
            terms = np.array([r[0] for r in rows], dtype=object)
            new = np.r_[terms[0] != last, terms[1:] != terms[:-1]]  # rows come ordered by term, then doc
            names.extend(terms[new].tolist())
            starts.append(np.flatnonzero(new) + seen)
            docs_parts.append(np.fromiter((r[1] for r in rows), np.int32, len(rows)))
            text_parts.append(np.fromiter((r[2] for r in rows), np.float64, len(rows)))
            context_parts.append(np.fromiter((r[3] for r in rows), np.float64, len(rows)))
            seen += len(rows)
            last = terms[-1]
        docs = np.concatenate(docs_parts) if docs_parts else np.zeros(0, np.int32)
        in_text = np.concatenate(text_parts) if text_parts else np.zeros(0)
        in_context = np.concatenate(context_parts) if context_parts else np.zeros(0)
        self.vocab = {t: i for i, t in enumerate(names)}
        self.indptr = np.r_[np.concatenate(starts) if starts else np.zeros(0, np.int64), seen]
        self.n_rows = int(db.execute("SELECT count(*) FROM passages").fetchone()[0])
        length = np.bincount(docs, weights=in_text + in_context)  # tokens per row, all columns (FTS5's D)
        avgdl = length.sum() / max(1, self.n_rows)
        freq = weights[0] * in_text + weights[1] * in_context
        self.docs = docs
        self.tf = freq * (K1 + 1) / (freq + K1 * (1 - B + B * length[docs] / avgdl))
        self.size = int(docs.max()) + 1 if len(docs) else 1
        self.scratch = sqlite3.connect(":memory:")
        self.scratch.execute(f"CREATE VIRTUAL TABLE s USING fts5(t, tokenize = '{TOKENIZE}')")
        self.scratch.execute("CREATE VIRTUAL TABLE sv USING fts5vocab(s, 'instance')")
        self.build_seconds = time.perf_counter() - t0

    def tokens(self, phrases: list[str]) -> list[list[str]]:
        """Each phrase as FTS5 tokenizes it (stemmed), read back from an in-memory FTS5 table."""
        self.scratch.execute("DELETE FROM s")
        self.scratch.executemany("INSERT INTO s(rowid, t) VALUES (?, ?)", list(enumerate(phrases)))
        out: list[list[str]] = [[] for _ in phrases]
        for term, doc, _ in self.scratch.execute("SELECT term, doc, offset FROM sv ORDER BY doc, offset"):
            out[doc].append(term)
        return out

    def search(
        self, phrases: list[str], k: int, db: sqlite3.Connection | None = None
    ) -> list[tuple[int, float]] | None:
        """Top-k (rowid, score) as FTS5's OR query would rank them.

        FTS5's bm25 is a sum over the query's phrases, each with its own IDF and frequency, so a phrase of
        several tokens ("in-house") is scored by FTS5 alone (positions are needed) and added in; without
        `db` such a question returns None.
        """
        toks = self.tokens([p.strip('"') for p in phrases])
        multi = [p for p, t in zip(phrases, toks, strict=True) if len(t) > 1]
        if multi and db is None:
            return None
        parts_docs, parts_scores = [], []
        for t in toks:
            if len(t) != 1 or t[0] not in self.vocab:
                continue
            i = self.vocab[t[0]]
            lo, hi = self.indptr[i], self.indptr[i + 1]
            n = hi - lo
            idf = np.log((self.n_rows - n + 0.5) / (n + 0.5))
            parts_docs.append(self.docs[lo:hi])
            parts_scores.append(self.tf[lo:hi] * (idf if idf > 0 else 1e-6))
        for phrase in multi:
            rows = db.execute(
                "SELECT rowid, -bm25(passages_fts, 1.0, 0.4) FROM passages_fts WHERE passages_fts MATCH ?", (phrase,)
            ).fetchall()
            if rows:
                found = np.array(rows, dtype=np.float64)
                parts_docs.append(found[:, 0].astype(np.int64))
                parts_scores.append(found[:, 1])
        if not parts_docs:
            return []
        docs = np.concatenate(parts_docs)
        scores = np.bincount(docs, weights=np.concatenate(parts_scores), minlength=self.size)
        hit = np.flatnonzero(scores > 0)
        if len(hit) > k:
            hit = hit[np.argpartition(-scores[hit], k - 1)[:k]]
        top = hit[np.lexsort((hit, -scores[hit]))]  # best first, ties by rowid
        return [(int(d), float(scores[d])) for d in top]
