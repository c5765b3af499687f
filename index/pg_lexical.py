"""BM25 in PostgreSQL, scored as the embedded default scores it (index/bm25.py, FTS5's bm25 with weights 1.0, 0.4).

Passages are tokenised by FTS5's own tokenizer (an in-memory SQLite table, as index/bm25.py does), so both
backends hold the same terms. A passage's postings (term, count in its text, count in its context) and its
length are stored with it; `lexical_stats` and `term_df` hold the rows, tokens and document frequencies per
access level, kept in step by every commit. A caller's statistics are summed over the levels it may read, so
a restricted paper moves no score a public caller sees. PostgreSQL's own full-text search (ts_rank_cd) was not
used: its stemmer, stop words and ranking differ, and the answers would no longer be the default's.

A phrase (a query literal of several tokens, "2021-22") is matched on the rows holding all its tokens, read
back and tokenised again to find the tokens in order within one column, as FTS5 matches a phrase.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from index.backend import Ranked
from index.bm25 import K1, B
from index.filters import Filters
from index.lexical import WEIGHTS, scratch


class Postings:
    """FTS5's tokenizer (index.lexical.scratch), counting each row's terms per column."""

    def columns(self, rows: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
        """Each (text, context) row's tokens, in order, per column."""
        db = scratch()
        db.executemany(
            "INSERT INTO s(rowid, text, context) VALUES (?, ?, ?)", [(i, t, c) for i, (t, c) in enumerate(rows)]
        )
        out: list[tuple[list[str], list[str]]] = [([], []) for _ in rows]
        found = db.execute("SELECT term, doc, col, offset FROM s_instances ORDER BY doc, col, offset").fetchall()
        db.execute("DELETE FROM s")
        for term, doc, col, _ in found:
            out[doc][0 if col == "text" else 1].append(term)
        return out

    def count(self, rows: list[tuple[str, str]]) -> list[tuple[int, dict[str, tuple[int, int]]]]:
        """Each (text, context) row's length in tokens and its terms' (text count, context count)."""
        out = []
        for text, context in self.columns(rows):
            in_text, in_context = Counter(text), Counter(context)
            terms = {t: (in_text[t], in_context[t]) for t in in_text.keys() | in_context.keys()}
            out.append((len(text) + len(context), terms))
        return out

    def tokens(self, phrases: list[str]) -> list[list[str]]:
        """Each FTS5 string literal's tokens."""
        return [text for text, _ in self.columns([(p.strip('"'), "") for p in phrases])]


def _occurrences(tokens: list[str], phrase: list[str]) -> int:
    n = len(phrase)
    return sum(1 for i in range(len(tokens) - n + 1) if tokens[i : i + n] == phrase)


def _idf(df: int, rows: int) -> float:
    idf = math.log((rows - df + 0.5) / (df + 0.5))
    return idf if idf > 0 else 1e-6  # FTS5's floor for terms in over half the rows


class PgLexical:
    """The LexicalRetriever over a PgStore (index/pg_store.py)."""

    def __init__(self, store) -> None:
        self.store = store

    def stats(self, access: tuple[str, ...]) -> tuple[int, int, int]:
        """(rows of every level, rows the caller may read, their tokens)."""
        rows = self.store.db.execute("SELECT access, rows, tokens FROM lexical_stats").fetchall()
        readable = [r for r in rows if r["access"] in access]
        return sum(r["rows"] for r in rows), sum(r["rows"] for r in readable), sum(r["tokens"] for r in readable)

    def search(self, terms: list[str], k: int, filters: Filters, access: tuple[str, ...]) -> Ranked:
        where, params = filters.sql(access, mark="%s")  # BadRequest for a bad date, before any query
        if not terms or k <= 0:
            return []
        every, rows, tokens = self.stats(access)
        if not every or not rows:
            return []
        avgdl = tokens / rows
        masked = rows != every  # the caller reads fewer rows than the index holds
        db = self.store.db
        single: list[str] = []
        phrases: list[list[str]] = []
        for toks in self.store.postings.tokens(terms):
            if len(toks) == 1:
                single.append(toks[0])
            elif toks:
                phrases.append(toks)
        dfs = self._dfs(single, access)
        weighted = [(t, _idf(dfs[t], rows)) for t in single if dfs.get(t)]
        extra_ids: list[int] = []
        extra_scores: list[float] = []
        for phrase in phrases:
            for pid, score in self._phrase(phrase, access, rows, every, avgdl, masked):
                extra_ids.append(pid)
                extra_scores.append(score)
        if not weighted and not extra_ids:
            return []
        found = db.execute(
            "WITH q AS (SELECT * FROM unnest(%s::text[], %s::float8[]) AS q(term, idf)),"
            " parts AS ("
            "  SELECT x.passage_id AS id, q.idf * f.f * %s::float8 / (f.f + %s::float8 * (%s::float8"
            "   + %s::float8 * p.lex_length::float8 / %s::float8)) AS s"
            "  FROM q JOIN postings x ON x.term = q.term JOIN passages p ON p.id = x.passage_id"
            "  CROSS JOIN LATERAL (SELECT %s::float8 * x.text_tf + %s::float8 * x.context_tf AS f) f"
            "  UNION ALL SELECT * FROM unnest(%s::bigint[], %s::float8[]))"
            " SELECT p.id, sum(parts.s) AS score FROM parts JOIN passages p ON p.id = parts.id"
            f" JOIN documents d ON d.doc_id = p.doc_id WHERE {where}"
            " GROUP BY p.id HAVING sum(parts.s) > 0 ORDER BY score DESC, p.id LIMIT %s",
            (
                [t for t, _ in weighted],
                [w for _, w in weighted],
                K1 + 1,
                K1,
                1 - B,
                B,
                avgdl,
                WEIGHTS[0],
                WEIGHTS[1],
                extra_ids,
                extra_scores,
                *params,
                k,
            ),
        ).fetchall()
        return [(int(r["id"]), float(r["score"])) for r in found]

    def _dfs(self, tokens: list[str], access: tuple[str, ...]) -> dict[str, int]:
        """Each token's document frequency over the levels the caller may read (tokens no row holds left out)."""
        rows = self.store.db.execute(
            "SELECT term, sum(df) AS df FROM term_df WHERE term = ANY(%s) AND access = ANY(%s) GROUP BY term"
            " HAVING sum(df) > 0",
            (list(set(tokens)), list(access)),
        )
        return {r["term"]: int(r["df"]) for r in rows}

    def idf(self, words: list[str], access: tuple[str, ...]) -> list[float]:
        """Each word's inverse document frequency over what the caller may read, as BM25 weighs it (0: unknown);
        a word of several tokens takes its rarest's (index.bm25.BM25.idf)."""
        _, rows, _ = self.stats(access)
        if not rows:
            return [0.0 for _ in words]
        tokens = self.store.postings.tokens(words)
        dfs = self._dfs([t for ts in tokens for t in ts], access)
        return [max((_idf(dfs[t], rows) for t in ts if t in dfs), default=0.0) for ts in tokens]

    def mentions(self, phrase: str, access: tuple[str, ...]) -> bool:
        """Whether a passage the caller may read holds the phrase's words in order (as FTS5 MATCH finds it)."""
        words = re.findall(r"\w+", phrase.lower())
        tokens = self.store.postings.tokens([" ".join(words)])[0] if words else []
        if len(tokens) == 1:
            return bool(self._dfs(tokens, access))
        return bool(tokens) and bool(self._holding(tokens, access))

    def coverage(self, phrases: list[str], ids: list[int], access: tuple[str, ...]) -> dict[int, float]:
        """For each id, the share of the phrases it holds, each weighted by log(1 + N / (1 + df)) with N and df
        counted over what the caller may read (index.bm25.BM25.coverage)."""
        if not phrases or not ids:
            return {i: 0.0 for i in ids}
        _, rows, _ = self.stats(access)
        tokens = self.store.postings.tokens(phrases)
        single = [ts[0] for ts in tokens if len(ts) == 1]
        dfs = self._dfs(single, access)
        held_by: dict[str, set[int]] = {}
        for r in self.store.db.execute(
            "SELECT term, passage_id FROM postings WHERE term = ANY(%s) AND passage_id = ANY(%s)", (single, ids)
        ):
            held_by.setdefault(r["term"], set()).add(r["passage_id"])
        weight: list[float] = []
        holders: list[set[int]] = []
        for ts in tokens:
            if len(ts) == 1:
                df, held = dfs.get(ts[0], 0), held_by.get(ts[0], set())
            elif ts:
                found = {r["id"] for r, _ in self._holding(ts, access)}
                df, held = len(found), found & set(ids)
            else:
                df, held = 0, set()
            weight.append(math.log(1 + max(1, rows) / (1 + df)))
            holders.append(held)
        total = sum(weight)
        return {i: sum(w for w, h in zip(weight, holders, strict=True) if i in h) / total for i in ids}

    def _holding(self, phrase: list[str], access: tuple[str, ...]) -> list[tuple[dict, float]]:
        """The readable rows holding the phrase's tokens in order within one column, each with its occurrences
        (the context's weighted as in BM25)."""
        found = self.store.db.execute(
            "SELECT p.id, p.text, p.context, p.lex_length FROM passages p JOIN documents d ON d.doc_id = p.doc_id"
            " WHERE d.access = ANY(%s) AND p.id IN (SELECT passage_id FROM postings WHERE term = ANY(%s)"
            " GROUP BY passage_id HAVING count(*) = %s) ORDER BY p.id",
            (list(access), list(set(phrase)), len(set(phrase))),
        ).fetchall()
        columns = self.store.postings.columns([(r["text"], r["context"]) for r in found])
        held = []
        for r, (text, context) in zip(found, columns, strict=True):
            n_text, n_context = _occurrences(text, phrase), _occurrences(context, phrase)
            if n_text or n_context:
                held.append((r, WEIGHTS[0] * n_text + WEIGHTS[1] * n_context))
        return held

    def _phrase(
        self, phrase: list[str], access: tuple[str, ...], rows: int, every: int, avgdl: float, masked: bool
    ) -> list[tuple[int, float]]:
        """(id, score) of the readable rows holding the phrase: weighted by its occurrences, as FTS5 scores a
        phrase, when the caller reads every row; once a row otherwise, as the default does."""
        held = self._holding(phrase, access)
        idf = _idf(len(held), rows if masked else every)
        out = []
        for r, freq in held:
            norm = K1 * (1 - B + B * r["lex_length"] / avgdl)
            out.append((r["id"], idf * (K1 + 1) / (1 + norm) if masked else idf * freq * (K1 + 1) / (freq + norm)))
        return out
