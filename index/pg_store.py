"""The passage store in PostgreSQL: documents, passages (with their vector and BM25 postings) and facts.

A document commits whole, in one transaction, with everything search reads of it: its passages' vectors
(pgvector), their postings and the per-access statistics BM25 counts with (rows, tokens, each term's document
frequency). Several ingest workers may write at once: a source is locked for the length of its transaction
(an advisory lock), and statistics rows are updated in term order, so two writers never deadlock.

The schema is versioned in `schema_migrations`; each migration commits with the row that records it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from index.pg_lexical import Postings
from ingest.errors import CouncilError
from ingest.models import Document, Passage
from ingest.reads import StoreReads
from ingest.store import DOC_COLS, PASSAGE_COLS, passage_of, read_document, text_hash

try:
    import psycopg
    from pgvector.psycopg import register_vector
    from psycopg.rows import dict_row
except ImportError:  # the `postgres` extra is not installed
    psycopg = None


class DatabaseError(CouncilError):
    """PostgreSQL cannot be reached or used: one line, never a traceback."""


def migrations(dim: int) -> tuple[tuple[int, str], ...]:
    """The schema in versions; `dim` is the embedding model's (vector columns have one size)."""
    return (
        (
            1,
            f"""
            CREATE EXTENSION IF NOT EXISTS vector;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE documents (
                doc_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, title TEXT NOT NULL, date TEXT, body TEXT,
                doc_type TEXT NOT NULL, council TEXT, access TEXT NOT NULL DEFAULT 'public',
                text TEXT NOT NULL, page_starts TEXT NOT NULL DEFAULT '[]', passage_count INTEGER NOT NULL DEFAULT 0,
                furniture TEXT NOT NULL DEFAULT '[]'
            );
            CREATE INDEX documents_council ON documents(council);
            CREATE TABLE passages (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL, label TEXT NOT NULL, section TEXT NOT NULL, start INTEGER NOT NULL,
                "end" INTEGER NOT NULL, text TEXT NOT NULL, page INTEGER, part_no INTEGER, lead TEXT, kind TEXT,
                part_title TEXT, part_date TEXT, owner TEXT, due TEXT, text_hash TEXT,
                embedding vector({dim}) NOT NULL,
                lex_length INTEGER NOT NULL,  -- tokens in the text and context columns: BM25's D
                context TEXT NOT NULL,  -- label, section, lead and item: BM25's lighter column
                UNIQUE (doc_id, ordinal)
            );
            CREATE INDEX passages_text_hash ON passages(text_hash);
            CREATE INDEX passages_embedding ON passages USING hnsw (embedding vector_ip_ops);
            CREATE TABLE postings (
                term TEXT NOT NULL, passage_id BIGINT NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
                text_tf INTEGER NOT NULL, context_tf INTEGER NOT NULL, PRIMARY KEY (term, passage_id)
            );
            CREATE INDEX postings_passage ON postings(passage_id);
            CREATE TABLE lexical_stats (access TEXT PRIMARY KEY, rows BIGINT NOT NULL, tokens BIGINT NOT NULL);
            CREATE TABLE term_df (
                term TEXT NOT NULL, access TEXT NOT NULL, df BIGINT NOT NULL, PRIMARY KEY (term, access)
            );
            CREATE TABLE facts (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
                passage_id BIGINT NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
                entity TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, detail TEXT
            );
            CREATE INDEX facts_entity ON facts(entity, doc_id);
            CREATE INDEX facts_passage ON facts(passage_id);
            """,
        ),
        (
            2,
            """
            CREATE TABLE conversations (id TEXT PRIMARY KEY, scope TEXT NOT NULL, created DOUBLE PRECISION NOT NULL);
            CREATE TABLE turns (
                conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                turn INTEGER NOT NULL, question TEXT NOT NULL, query TEXT NOT NULL, answer TEXT NOT NULL,
                PRIMARY KEY (conversation_id, turn)
            );
            -- counts the commits that changed the documents: what caches of the rows (the catalog) key on
            INSERT INTO meta(key, value) VALUES ('generation', '0');
            """,
        ),
    )




def connect(url: str):
    """A connection with pgvector's types registered; DatabaseError (one line) when it cannot be made."""
    if psycopg is None:
        raise DatabaseError("COUNCIL_DATABASE_URL needs the postgres extra: pip install -e '.[postgres]'")
    try:
        conn = psycopg.connect(url, autocommit=True, row_factory=dict_row)
    except psycopg.Error as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise DatabaseError(f"COUNCIL_DATABASE_URL: cannot connect ({first})") from None
    conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    register_vector(conn)
    return conn


def migrate(conn, dim: int) -> int:
    """Bring the schema up to date, one version per transaction, serialised between processes; its version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('council-migrate'))")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TIMESTAMPTZ)")
        row = conn.execute("SELECT coalesce(max(version), 0) AS v FROM schema_migrations").fetchone()
        version = row["v"]
        for target, script in migrations(dim):
            if version < target:
                conn.execute(script)
                conn.execute("INSERT INTO schema_migrations VALUES (%s, now())", (target,))
                version = target
    return version


class PgStore(StoreReads):
    """An open store in the database at `url`; a connection per thread that uses it, closed together."""

    mark = "%s"  # the driver's placeholder (ingest/reads.py)

    def __init__(self, url: str, dim: int) -> None:
        self.url = url
        self.dim = dim
        self._local = threading.local()
        self._connections: list = []
        self._opening = threading.Lock()
        migrate(self.db, dim)
        self.postings = Postings()

    @property
    def db(self):
        """This thread's connection (opened on first use)."""
        conn = getattr(self._local, "db", None)
        if conn is None or conn.closed:
            conn = connect(self.url)
            with self._opening:
                self._connections.append(conn)
            self._local.db = conn
        return conn

    def close(self) -> None:
        with self._opening:
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    @contextmanager
    def transaction(self) -> Iterator:
        """All or nothing: a document and everything derived from it commit together."""
        with self.db.transaction():
            yield self.db

    @contextmanager
    def read(self) -> Iterator:
        """A repeatable-read transaction: every query inside sees one commit's state. Nested, the outer one holds."""
        conn = self.db
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            yield conn
            return
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    # --- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=%s", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- writing ----------------------------------------------------------------------------
    def lock_source(self, source: str) -> None:
        """Inside a transaction: no other worker writes this source until it ends."""
        self.db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (source,))

    def find_source(self, source: str) -> str | None:
        row = self.db.execute("SELECT doc_id FROM documents WHERE source=%s", (source,)).fetchone()
        return row["doc_id"] if row else None

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE doc_id=%s", (doc_id,)).fetchone() is not None

    def insert_document(
        self, doc: Document, vecs: np.ndarray | None = None, contexts: list[str] | None = None
    ) -> list[int]:
        """Insert a document, its passages with their vectors and postings, and its facts (inside a transaction)."""
        if vecs is None or contexts is None:
            raise ValueError("PostgreSQL stores a passage with its vector and lexical context")
        db = self.db
        db.execute(
            "INSERT INTO documents(doc_id, source, title, date, body, doc_type, council, access, text, page_starts,"
            " passage_count, furniture) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            (
                *(getattr(doc, c) for c in DOC_COLS),
                doc.text,
                json.dumps(list(doc.page_starts)),
                len(doc.passages),
                json.dumps([list(r) for r in doc.removed]),
            ),
        )
        counted = self.postings.count([(p.text, c) for p, c in zip(doc.passages, contexts, strict=True)])
        cols = ", ".join(f'"{c}"' for c in PASSAGE_COLS)
        marks = ", ".join("%s" for _ in PASSAGE_COLS)
        ids: list[int] = []
        with db.cursor() as cur:
            for p, vec, ctx, (length, _) in zip(doc.passages, vecs, contexts, counted, strict=True):
                cur.execute(
                    f"INSERT INTO passages({cols}, text_hash, embedding, lex_length, context)"
                    f" VALUES ({marks}, %s, %s, %s, %s) RETURNING id",
                    [
                        *(getattr(p, c) for c in PASSAGE_COLS),
                        text_hash(p.text),
                        np.asarray(vec, np.float32),
                        length,
                        ctx,
                    ],
                )
                ids.append(cur.fetchone()["id"])
            with cur.copy("COPY postings(term, passage_id, text_tf, context_tf) FROM STDIN") as copy:
                for pid, (_, terms) in zip(ids, counted, strict=True):
                    for term, (text_tf, context_tf) in terms.items():
                        copy.write_row((term, pid, text_tf, context_tf))
            cur.executemany(
                "INSERT INTO facts(doc_id, passage_id, entity, key, field, value, detail)"
                " VALUES (%s,%s,%s,%s,%s,%s,%s)",
                [(doc.doc_id, ids[f.ordinal], f.entity, f.key, f.field, f.value, f.detail) for f in doc.facts],
            )
        self._count(ids, doc.access, +1)
        return ids

    def delete_document(self, doc_id: str) -> list[int]:
        """Delete a document, its passages, postings and facts (inside a transaction); the passage ids removed."""
        row = self.db.execute("SELECT access FROM documents WHERE doc_id=%s", (doc_id,)).fetchone()
        if row is None:
            return []
        ids = [r["id"] for r in self.db.execute("SELECT id FROM passages WHERE doc_id=%s ORDER BY id", (doc_id,))]
        self._count(ids, row["access"], -1)
        self.db.execute("DELETE FROM documents WHERE doc_id=%s", (doc_id,))  # passages, postings, facts cascade
        return ids

    def _count(self, ids: list[int], access: str, sign: int) -> None:
        """Add (or take away) these passages in the per-access statistics BM25 scores with, terms in order."""
        if not ids:
            return
        self.db.execute(
            "INSERT INTO lexical_stats(access, rows, tokens)"
            " SELECT %s, %s * count(*), %s * coalesce(sum(lex_length), 0) FROM passages WHERE id = ANY(%s)"
            " ON CONFLICT (access) DO UPDATE SET rows = lexical_stats.rows + excluded.rows,"
            " tokens = lexical_stats.tokens + excluded.tokens",
            (access, sign, sign, ids),
        )
        self.db.execute(
            "INSERT INTO term_df(term, access, df)"
            " SELECT term, %s, %s * count(*) FROM postings WHERE passage_id = ANY(%s) GROUP BY term ORDER BY term"
            " ON CONFLICT (term, access) DO UPDATE SET df = term_df.df + excluded.df",
            (access, sign, ids),
        )
        self.moved()

    def moved(self) -> None:
        """Inside a transaction: count a commit that changes what the documents hold (passages, statistics, facts)."""
        self.db.execute("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation'")

    def generation(self) -> int:
        """Commits that changed the documents, by any worker: what caches of the rows key on."""
        return int(self.get_meta("generation") or 0)

    # --- reading ----------------------------------------------------------------------------
    def documents(self, access: tuple[str, ...] = ("public",)) -> list[dict]:
        rows = self.db.execute(
            f"SELECT {', '.join(DOC_COLS)}, passage_count FROM documents WHERE access = ANY(%s)"
            " ORDER BY date DESC NULLS LAST, title",
            (list(access),),
        )
        return [dict(r) for r in rows]

    def document(self, doc_id: str, access: tuple[str, ...] = ("public",)) -> Document:
        return read_document(self.db, doc_id, access, mark="%s")

    def passages_by_id(self, ids: list[int]) -> dict[int, Passage]:
        rows = self.db.execute(f"SELECT id, {', '.join(_q(PASSAGE_COLS))} FROM passages WHERE id = ANY(%s)", (ids,))
        return {r["id"]: passage_of(r) for r in rows}

    def passage_id(self, doc_id: str, ordinal: int) -> int | None:
        row = self.db.execute("SELECT id FROM passages WHERE doc_id=%s AND ordinal=%s", (doc_id, ordinal)).fetchone()
        return row["id"] if row else None

    def problems(self) -> list[str]:
        """Where the statistics BM25 scores with disagree with the passages and postings stored (empty: none)."""
        out = [
            f"{r['access']}: statistics count {r['rows']} rows, {r['tokens']} tokens; stored {r['n']}, {r['t']}"
            for r in self.db.execute(
                "SELECT s.access, s.rows, s.tokens, count(p.id) AS n, coalesce(sum(p.lex_length), 0) AS t"
                " FROM lexical_stats s LEFT JOIN documents d ON d.access = s.access"
                " LEFT JOIN passages p ON p.doc_id = d.doc_id GROUP BY s.access, s.rows, s.tokens"
                " HAVING s.rows <> count(p.id) OR s.tokens <> coalesce(sum(p.lex_length), 0)"
            )
        ]
        out += [
            f"{r['term']!r} ({r['access']}): df {r['df']}, held by {r['n']}"
            for r in self.db.execute(
                "WITH held AS (SELECT x.term, d.access, count(*) AS n FROM postings x"
                " JOIN passages p ON p.id = x.passage_id JOIN documents d ON d.doc_id = p.doc_id GROUP BY 1, 2)"
                " SELECT coalesce(t.term, h.term) AS term, coalesce(t.access, h.access) AS access,"
                " coalesce(t.df, 0) AS df, coalesce(h.n, 0) AS n"
                " FROM term_df t FULL JOIN held h ON h.term = t.term AND h.access = t.access"
                " WHERE coalesce(t.df, 0) <> coalesce(h.n, 0) LIMIT 10"
            )
        ]
        out += [
            f"{r['doc_id']}: {r['passage_count']} passages counted, {r['n']} stored"
            for r in self.db.execute(
                "SELECT d.doc_id, d.passage_count, count(p.id) AS n FROM documents d"
                " LEFT JOIN passages p ON p.doc_id = d.doc_id GROUP BY d.doc_id HAVING d.passage_count <> count(p.id)"
            )
        ]
        return out

    def doc_info(self, doc_ids: list[str]) -> dict[str, dict]:
        rows = self.db.execute(f"SELECT {', '.join(DOC_COLS)} FROM documents WHERE doc_id = ANY(%s)", (doc_ids,))
        return {r["doc_id"]: dict(r) for r in rows}

    def all_passage_ids(self) -> list[int]:
        return [r["id"] for r in self.db.execute("SELECT id FROM passages ORDER BY id")]

    def iter_passages(self) -> Iterator[tuple[int, Passage]]:
        for r in self.db.execute(f"SELECT id, {', '.join(_q(PASSAGE_COLS))} FROM passages ORDER BY id"):
            yield r["id"], passage_of(r)

    def count(self) -> dict[str, int]:
        """Documents, passages and facts stored, and the database's size in bytes."""
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM passages) AS passages,"
            " (SELECT count(*) FROM facts) AS facts, pg_database_size(current_database()) AS bytes"
        ).fetchone()
        return dict(row)



def _q(cols: list[str]) -> list[str]:
    return [f'"{c}"' for c in cols]
