"""The store: documents and passages in one SQLite file, written a whole document at a time.

SQLite runs in WAL mode, so readers never wait on the one writer: each thread has a connection of its own
(`Store.db`), and a read transaction sees the store as it was when it began, whatever commits meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import TypeVar

from ingest.errors import NotFound
from ingest.models import Document, Fact, Passage
from ingest.reads import StoreReads
from ingest.row_cache import RowCache

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, title TEXT NOT NULL, date TEXT, body TEXT,
    doc_type TEXT NOT NULL, council TEXT, access TEXT NOT NULL DEFAULT 'public',
    text TEXT NOT NULL, page_starts TEXT NOT NULL DEFAULT '[]', passage_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS passages (
    -- also the FAISS id and the FTS rowid; AUTOINCREMENT so a deleted passage's id is never reused, which
    -- is what lets a FAISS file written before a replacement be told apart from one written after it
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, label TEXT NOT NULL, section TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, text TEXT NOT NULL, page INTEGER, part_no INTEGER, lead TEXT, kind TEXT,
    part_title TEXT, part_date TEXT, owner TEXT, due TEXT,
    UNIQUE (doc_id, ordinal)
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
"""
# Versioned changes to the schema above (version 1), applied in order to a store of an older version
# (PRAGMA user_version), each in the transaction that records it, so a store is never half-migrated.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (2, "ALTER TABLE documents ADD COLUMN furniture TEXT NOT NULL DEFAULT '[]';"),
    (
        3,
        """CREATE TABLE facts (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            entity TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, detail TEXT
        );
        CREATE INDEX facts_entity ON facts(entity, doc_id);
        CREATE INDEX facts_passage ON facts(passage_id);""",
    ),
    (
        4,
        """ALTER TABLE passages ADD COLUMN text_hash TEXT;
        UPDATE passages SET text_hash = text_hash(text);
        CREATE INDEX passages_text_hash ON passages(text_hash);""",
    ),
    (  # conversations (assistant/chat.py), which created these tables itself before: hence IF NOT EXISTS
        5,
        """CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, scope TEXT NOT NULL, created REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS turns (
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            turn INTEGER NOT NULL, question TEXT NOT NULL, query TEXT NOT NULL, answer TEXT NOT NULL,
            PRIMARY KEY (conversation_id, turn)
        );""",
    ),
)


def text_hash(text: str) -> str:
    """A passage's text, case and spacing folded, hashed: the same words in two papers hash alike."""
    return hashlib.sha1(" ".join(text.lower().split()).encode("utf-8")).hexdigest()[:16]


PASSAGE_COLS = [f.name for f in fields(Passage)]
DOC_COLS = ["doc_id", "source", "title", "date", "body", "doc_type", "council", "access"]


def migrate(db: sqlite3.Connection) -> int:
    """Bring a store's schema up to date; returns its version."""
    db.create_function("text_hash", 1, text_hash, deterministic=True)
    db.executescript(SCHEMA)
    version = db.execute("PRAGMA user_version").fetchone()[0] or 1
    for target, script in MIGRATIONS:
        if version < target:
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            version = target
    if db.execute("PRAGMA user_version").fetchone()[0] != version:
        db.execute(f"PRAGMA user_version = {version}")
    return version


T = TypeVar("T")
# Passages remembered by id, per version of the store (ingest/row_cache.py): 1.4 KB each (measured on corpus/), so
# at most 11 MB whatever the corpus's size; the 189 tune questions' 3,396 candidates and their neighbours fit.
ROW_CACHE = 8192
BUSY_SECONDS = 30.0  # how long a write waits for another connection's write (SQLite allows one at a time)


def passage_of(row) -> Passage:
    """A passage from its row (sqlite3.Row or a PostgreSQL dict row: the same columns)."""
    return Passage(**{c: row[c] for c in PASSAGE_COLS})


def read_document(db, doc_id: str, access: tuple[str, ...], mark: str = "?") -> Document:
    """One document with its passages and facts, by the connection given (SQLite's `?` or the PostgreSQL
    driver's `%s` as `mark`); NotFound also when the caller may not see it."""
    row = db.execute(f"SELECT * FROM documents WHERE doc_id={mark}", (doc_id,)).fetchone()
    if row is None or row["access"] not in access:
        raise NotFound(f"no document {doc_id!r}")
    # The passage's own columns only: PostgreSQL's row also holds its vector, which the driver would parse for nothing.
    cols = ", ".join(f'"{c}"' for c in PASSAGE_COLS)
    rows = db.execute(f"SELECT {cols} FROM passages WHERE doc_id={mark} ORDER BY ordinal", (doc_id,))
    passages = tuple(passage_of(r) for r in rows)
    facts = tuple(
        Fact(r["entity"], r["key"], r["field"], r["value"], r["ordinal"], r["detail"])
        for r in db.execute(
            "SELECT f.*, p.ordinal FROM facts f JOIN passages p ON p.id = f.passage_id"
            f" WHERE f.doc_id={mark} ORDER BY f.id",
            (doc_id,),
        )
    )
    return Document(
        **{c: row[c] for c in DOC_COLS},
        facts=facts,
        text=row["text"],
        page_starts=tuple(json.loads(row["page_starts"])),
        passages=passages,
        removed=tuple((page, line) for page, line in json.loads(row["furniture"])),
    )


class Store(StoreReads):
    """An open store at `path`; holds a connection per thread that uses it, and closes them all."""

    mark = "?"  # the driver's placeholder (ingest/reads.py)

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._opening = threading.Lock()
        # Held while a commit and what it publishes (Index's new snapshot) happen together, and while a reader
        # begins its read transaction and takes the snapshot: the two then always match.
        self.commits = threading.Lock()
        db = self.db
        db.execute("PRAGMA journal_mode=WAL")
        migrate(db)
        self.version = 0  # commits through this Store
        self._passages: RowCache[int, Passage] = RowCache(ROW_CACHE)

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use): a connection serves one transaction at a time."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_SECONDS)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA synchronous=FULL")  # a committed document survives a power cut
            db.execute("PRAGMA foreign_keys=ON")
            with self._opening:
                self._connections.append(db)
            self._local.db = db
        return db

    def close(self) -> None:
        with self._opening:
            for db in self._connections:
                db.close()
            self._connections.clear()

    @contextmanager
    def transaction(self, then: Callable[[], None] | None = None) -> Iterator[sqlite3.Connection]:
        """All or nothing: a document and everything derived from it commit together.

        `then` runs with the commit, under `commits`, so no reader begins between the two.
        """
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        with self.commits:
            db.execute("COMMIT")
            self.version += 1
            if then:
                then()

    @contextmanager
    def read(self, take: Callable[[], T]) -> Iterator[T]:
        """A read transaction on this thread's connection, begun together with `take()` (whose value it yields):
        every query inside sees the store as it was then, whatever commits meanwhile."""
        db = self.db
        with self.commits:
            db.execute("BEGIN")
            db.execute("SELECT 1 FROM meta LIMIT 1").fetchone()  # a WAL read transaction takes its view here
            taken = take()
            self._local.reading = self.version  # the version every row read inside is of
        try:
            yield taken
        finally:
            self._local.reading = None
            if db.in_transaction:
                db.execute("COMMIT")

    def _rows_version(self) -> int | None:
        """The version of the store this thread's reads see, or None inside a write (its rows may roll back)."""
        reading = getattr(self._local, "reading", None)
        if reading is not None:
            return reading
        return None if self.db.in_transaction else self.version

    # --- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # --- writing ----------------------------------------------------------------------------
    def find_source(self, source: str) -> str | None:
        """The doc_id currently stored for a source, or None."""
        row = self.db.execute("SELECT doc_id FROM documents WHERE source=?", (source,)).fetchone()
        return row[0] if row else None

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone() is not None

    def insert_document(self, doc: Document) -> list[int]:
        """Insert a document and its passages (inside a transaction); return the new passage ids."""
        self.db.execute(
            "INSERT INTO documents(doc_id, source, title, date, body, doc_type, council, access, text, page_starts,"
            " passage_count, furniture) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                *(getattr(doc, c) for c in DOC_COLS),
                doc.text,
                json.dumps(list(doc.page_starts)),
                len(doc.passages),
                json.dumps([list(r) for r in doc.removed]),
            ),
        )
        cols = ", ".join(f'"{c}"' for c in PASSAGE_COLS)
        marks = ", ".join("?" for _ in PASSAGE_COLS)
        ids = []
        for p in doc.passages:
            cur = self.db.execute(
                f"INSERT INTO passages({cols}, text_hash) VALUES ({marks}, ?)",
                [*(getattr(p, c) for c in PASSAGE_COLS), text_hash(p.text)],
            )
            ids.append(cur.lastrowid)
        self.db.executemany(
            "INSERT INTO facts(doc_id, passage_id, entity, key, field, value, detail) VALUES (?,?,?,?,?,?,?)",
            [(doc.doc_id, ids[f.ordinal], f.entity, f.key, f.field, f.value, f.detail) for f in doc.facts],
        )
        return ids

    def delete_document(self, doc_id: str) -> list[int]:
        """Delete a document, its passages and its record (inside a transaction); return the passage ids removed."""
        ids = [r[0] for r in self.db.execute("SELECT id FROM passages WHERE doc_id=?", (doc_id,))]
        self.db.execute("DELETE FROM facts WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM passages WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        return ids

    # --- reading ----------------------------------------------------------------------------
    def documents(self, access: tuple[str, ...] = ("public",)) -> list[dict]:
        """Every document the caller may see, without its text, newest first."""
        marks = ",".join("?" for _ in access)
        rows = self.db.execute(
            f"SELECT {', '.join(DOC_COLS)}, passage_count FROM documents WHERE access IN ({marks})"
            " ORDER BY date DESC, title",
            access,
        )
        return [dict(r) for r in rows]

    def document(self, doc_id: str, access: tuple[str, ...] = ("public",)) -> Document:
        """One document with its passages; NotFound also when the caller may not see it."""
        return read_document(self.db, doc_id, access)

    def passages_by_id(self, ids: list[int]) -> dict[int, Passage]:
        """Passages by their store ids, in id order (those of this version remembered: ingest/row_cache.py)."""
        version = self._rows_version()
        if version is None:
            return self._read_passages(ids)
        found, missing = self._passages.get(version, ids)
        if missing:
            read = self._read_passages(missing)
            self._passages.put(version, read)
            found.update(read)
        return {i: found[i] for i in sorted(found)}

    def _read_passages(self, ids: list[int]) -> dict[int, Passage]:
        out: dict[int, Passage] = {}
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            marks = ",".join("?" for _ in part)
            for r in self.db.execute(f"SELECT * FROM passages WHERE id IN ({marks})", part):
                out[r["id"]] = passage_of(r)
        return out

    def passage_id(self, doc_id: str, ordinal: int) -> int | None:
        row = self.db.execute("SELECT id FROM passages WHERE doc_id=? AND ordinal=?", (doc_id, ordinal)).fetchone()
        return row[0] if row else None

    def doc_info(self, doc_ids: list[str]) -> dict[str, dict]:
        """Title, date, body, doc_type, source and access of the given documents."""
        marks = ",".join("?" for _ in doc_ids)
        rows = self.db.execute(f"SELECT {', '.join(DOC_COLS)} FROM documents WHERE doc_id IN ({marks})", doc_ids)
        return {r["doc_id"]: dict(r) for r in rows}

    def all_passage_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM passages ORDER BY id")]

    def iter_passages(self) -> Iterator[tuple[int, Passage]]:
        for r in self.db.execute("SELECT * FROM passages ORDER BY id"):
            yield r["id"], passage_of(r)



def passage_dict(p: Passage) -> dict:
    """A passage as plain JSON-ready data, with its id."""
    return {"passage_id": p.passage_id, **asdict(p)}
