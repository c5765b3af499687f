"""The lexical index: SQLite FTS5 in the store's own database, so it commits with the passages.

FTS5 holds the record and scores phrases; index/bm25.py ranks with FTS5's statistics in memory.
"""

from __future__ import annotations

import re
import sqlite3
import threading

TOKENIZE = "porter unicode61 remove_diacritics 2"
_SCRATCH = threading.local()
# A phrase's tokens, remembered: tokenising goes through an FTS5 table (an insert, a read and a delete each time),
# and a question's words were tokenised three times an ask (search, coverage, idf). The tokenizer is fixed, so
# nothing here goes stale; at most 50,000 phrases (about 10 MB) are kept, all dropped at once when full.
_PHRASES: dict[str, tuple[str, ...]] = {}
PHRASES_KEPT = 50_000


def scratch() -> sqlite3.Connection:
    """This thread's in-memory FTS5 table `s` (and its `s_instances` vocabulary) that tokenizes as passages_fts
    does: BM25 and the PostgreSQL postings put rows in, read their tokens and empty it again."""
    db = getattr(_SCRATCH, "db", None)
    if db is None:
        db = _SCRATCH.db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(f"CREATE VIRTUAL TABLE s USING fts5(text, context, tokenize = '{TOKENIZE}')")
        db.execute("CREATE VIRTUAL TABLE s_instances USING fts5vocab(s, 'instance')")
    return db


def phrase_tokens(phrases: list[str]) -> list[list[str]]:
    """Each phrase (an FTS5 string literal or bare words) as FTS5 tokenizes it."""
    known = _PHRASES
    got = {p: t for p in dict.fromkeys(phrases) if (t := known.get(p)) is not None}
    new = [p for p in dict.fromkeys(phrases) if p not in got]
    if new:
        db = scratch()
        db.executemany("INSERT INTO s(rowid, text) VALUES (?, ?)", list(enumerate(p.strip('"') for p in new)))
        found: list[list[str]] = [[] for _ in new]
        for term, doc in db.execute("SELECT term, doc FROM s_instances ORDER BY doc, offset"):
            found[doc].append(term)
        db.execute("DELETE FROM s")
        read = {p: tuple(t) for p, t in zip(new, found, strict=True)}
        got.update(read)
        if len(known) + len(read) > PHRASES_KEPT:
            known.clear()
        known.update(read)
    return [list(got[p]) for p in phrases]


WEIGHTS = (1.0, 0.4)  # of the text and context columns in BM25: a label or heading counts less than the text
SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, context, tokenize = '{TOKENIZE}');
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
