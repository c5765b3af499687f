"""BM25 over the passages with SQLite FTS5, in the store's own database (so it commits with it)."""

from __future__ import annotations

import math
import re
import sqlite3

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    text, context, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""
# Words that carry no meaning for matching; without them OR-queries stop rewarding filler.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or
    other our out over own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who whom why will with
    would you your yours did say said tell told us last time ever been any""".split()
)


def ensure(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA)


def add(db: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> None:
    """Index (id, text, context) rows inside the caller's transaction."""
    db.executemany("INSERT INTO passages_fts(rowid, text, context) VALUES (?, ?, ?)", rows)


def remove(db: sqlite3.Connection, ids: list[int]) -> None:
    db.executemany("DELETE FROM passages_fts WHERE rowid=?", [(i,) for i in ids])


def query_terms(question: str) -> list[str]:
    """The question's content words, as FTS5 string literals."""
    words = re.findall(r"[\w£%][\w'’.£%-]*\w|\w", question.lower())
    words = [re.sub(r"['’]s$", "", w) for w in words]  # "board's" is the board: FTS splits it as board + s
    terms = [w.replace('"', "") for w in words if w not in STOPWORDS and len(w) > 1 or w.isdigit()]
    return list(dict.fromkeys(f'"{t}"' for t in terms))


def search(
    db: sqlite3.Connection, question: str, k: int, where: str = "1", params: tuple = ()
) -> list[tuple[int, float]]:
    """Top-k (id, score) by BM25 among passages matching `where` (SQL over p=passages, d=documents)."""
    terms = query_terms(question)
    if not terms:
        return []
    sql = (
        "SELECT f.rowid, -bm25(passages_fts, 1.0, 0.4) AS score FROM passages_fts f"
        " JOIN passages p ON p.id = f.rowid JOIN documents d ON d.doc_id = p.doc_id"
        f" WHERE passages_fts MATCH ? AND ({where}) ORDER BY bm25(passages_fts, 1.0, 0.4) LIMIT ?"
    )
    return [(r[0], r[1]) for r in db.execute(sql, (" OR ".join(terms), *params, k))]


def coverage(db: sqlite3.Connection, question: str, ids: list[int]) -> dict[int, float]:
    """For each passage id, the share of the question's terms it holds, each term weighted by its corpus IDF.

    A term no passage holds ("bin collections" in papers about children's services) weighs most, so a
    question whose distinctive words are nowhere in the papers scores low however many common words match.
    """
    terms = query_terms(question)
    if not terms or not ids:
        return {i: 0.0 for i in ids}
    n = db.execute("SELECT count(*) FROM passages_fts").fetchone()[0] or 1
    marks = ",".join("?" for _ in ids)
    weight: dict[str, float] = {}
    holders: dict[str, set[int]] = {}
    for t in terms:
        df = db.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", (t,)).fetchone()[0]
        weight[t] = math.log(1 + n / (1 + df))
        holders[t] = {
            r[0]
            for r in db.execute(
                f"SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid IN ({marks})", (t, *ids)
            )
        }
    total = sum(weight.values())
    return {i: sum(w for t, w in weight.items() if i in holders[t]) / total for i in ids}
