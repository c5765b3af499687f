"""Conversations: their turns kept in SQLite, and the deterministic rewrite of a follow-up question."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid

from ingest.errors import NotFound
from ingest.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, scope TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL, question TEXT NOT NULL, query TEXT NOT NULL, answer TEXT NOT NULL,
    PRIMARY KEY (conversation_id, turn)
);
"""
_FOLLOW_UP = re.compile(
    r"^\s*(and|also|what about|how about|but|so)\b|\b(that|this|those|these|they|them|it|its|he|she|their)\b", re.I
)


class ChatHistory:
    """Turns of conversations, each conversation visible only within the access scope that began it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.db.executescript(SCHEMA)

    @property
    def db(self) -> sqlite3.Connection:
        """The calling thread's connection: turns are written in the caller's transaction."""
        return self.store.db

    def start(self, scope: str) -> str:
        cid = uuid.uuid4().hex
        self.db.execute("INSERT INTO conversations(id, scope, created) VALUES (?, ?, ?)", (cid, scope, time.time()))
        return cid

    def turns(self, cid: str, scope: str) -> list[dict]:
        """Earlier turns; NotFound when the conversation does not exist or belongs to another scope."""
        row = self.db.execute("SELECT scope FROM conversations WHERE id=?", (cid,)).fetchone()
        if row is None or row[0] != scope:
            raise NotFound(f"no conversation {cid!r}")
        rows = self.db.execute(
            "SELECT question, query, answer FROM turns WHERE conversation_id=? ORDER BY turn", (cid,)
        ).fetchall()
        return [{"question": q, "query": qu, "answer": a} for q, qu, a in rows]

    def add(self, cid: str, question: str, query: str, answer: str) -> None:
        n = self.db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id=?", (cid,)).fetchone()[0]
        self.db.execute(
            "INSERT INTO turns(conversation_id, turn, question, query, answer) VALUES (?,?,?,?,?)",
            (cid, n, question, query, answer),
        )


def rewrite(question: str, history: list[dict]) -> str:
    """A follow-up ("and what about foster carers?") searched with the question it follows; else as asked."""
    if not history or not _FOLLOW_UP.search(question) or len(question.split()) > 14:
        return question
    return f"{history[-1]['query']} {question}"
