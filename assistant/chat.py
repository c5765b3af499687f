"""Conversations: their turns kept in the store (its tables and their migrations are the store's), and the
deterministic rewrite of a follow-up question."""

from __future__ import annotations

import re
import time
import uuid

from index.backend import PassageStore
from ingest.errors import NotFound

_FOLLOW_UP = re.compile(
    r"^\s*(and|also|what about|how about|but|so)\b|\b(that|this|those|these|they|them|it|its|he|she|their)\b", re.I
)


class ChatHistory:
    """Turns of conversations, each conversation visible only within the access scope that began it.

    Written in the caller's transaction on either store (SQLite or PostgreSQL: `store.mark` is its placeholder)."""

    def __init__(self, store: PassageStore) -> None:
        self.store = store

    def _run(self, sql: str, params: tuple):
        return self.store.db.execute(sql.replace("?", self.store.mark), params)

    def start(self, scope: str) -> str:
        cid = uuid.uuid4().hex
        self._run("INSERT INTO conversations(id, scope, created) VALUES (?, ?, ?)", (cid, scope, time.time()))
        return cid

    def turns(self, cid: str, scope: str) -> list[dict]:
        """Earlier turns; NotFound when the conversation does not exist or belongs to another scope."""
        row = self._run("SELECT scope FROM conversations WHERE id=?", (cid,)).fetchone()
        if row is None or row["scope"] != scope:
            raise NotFound(f"no conversation {cid!r}")
        rows = self._run(
            "SELECT question, query, answer FROM turns WHERE conversation_id=? ORDER BY turn", (cid,)
        ).fetchall()
        return [{"question": r["question"], "query": r["query"], "answer": r["answer"]} for r in rows]

    def add(self, cid: str, question: str, query: str, answer: str) -> None:
        n = self._run("SELECT COUNT(*) AS n FROM turns WHERE conversation_id=?", (cid,)).fetchone()["n"]
        self._run(
            "INSERT INTO turns(conversation_id, turn, question, query, answer) VALUES (?,?,?,?,?)",
            (cid, n, question, query, answer),
        )


def rewrite(question: str, history: list[dict]) -> str:
    """A follow-up ("and what about foster carers?") searched with the question it follows; else as asked."""
    if not history or not _FOLLOW_UP.search(question) or len(question.split()) > 14:
        return question
    return f"{history[-1]['query']} {question}"
