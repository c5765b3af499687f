"""What the assistant reads of a store besides passages: the record's facts, the catalog, boilerplate, neighbours;
and the record's facts replaced when the extractors read a paper again.

One implementation for both stores (ingest/store.py's SQLite, index/pg_store.py's PostgreSQL): the SQL is the
same but for the driver's placeholder (`mark`: SQLite's `?`, psycopg's `%s`), and rows are read by column name,
which both drivers' rows allow. Orderings say where NULLs go, as the two databases' defaults differ.
"""

from __future__ import annotations

from ingest.models import Fact

REPEATED_IN = 3  # a passage whose very text is in this many papers is the publisher's boilerplate


class StoreReads:
    """Mixed into a store that has `db` (this thread's connection) and `mark` (its driver's placeholder)."""

    mark: str

    def _marks(self, values) -> str:
        return ",".join(self.mark for _ in values)

    def facts(
        self,
        access: tuple[str, ...] = ("public",),
        entity: str | None = None,
        council: str | None = None,
        doc_id: str | None = None,
    ) -> list[dict]:
        """The record's facts from papers the caller may see, each with its passage and paper; oldest paper first."""
        clauses = [f"d.access IN ({self._marks(access)})"]
        params: list = list(access)
        for column, value in (("f.entity", entity), ("d.council", council), ("f.doc_id", doc_id)):
            if value:
                clauses.append(f"{column} = {self.mark}")
                params.append(value)
        rows = self.db.execute(
            "SELECT f.id, f.entity, f.key, f.field, f.value, f.detail, f.doc_id, f.passage_id, p.ordinal, p.label,"
            " p.page, p.part_no, p.part_date, p.part_title, p.section, p.text AS passage_text, d.council, d.title,"
            " d.date, d.body, d.doc_type, d.source FROM facts f JOIN passages p ON p.id = f.passage_id"
            " JOIN documents d ON d.doc_id = f.doc_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY COALESCE(p.part_date, d.date) NULLS FIRST, f.doc_id, f.id",
            params,
        )
        return [dict(r) for r in rows]

    def replace_facts(self, doc_id: str, facts: tuple[Fact, ...]) -> None:
        """A stored paper's record read again (inside a transaction): its facts replaced, its passages kept."""
        m = self.mark
        rows = self.db.execute(f"SELECT id, ordinal FROM passages WHERE doc_id={m}", (doc_id,))
        ids = {r["ordinal"]: r["id"] for r in rows}
        self.db.execute(f"DELETE FROM facts WHERE doc_id={m}", (doc_id,))
        self.db.cursor().executemany(
            "INSERT INTO facts(doc_id, passage_id, entity, key, field, value, detail)"
            f" VALUES ({self._marks(range(7))})",
            [(doc_id, ids[f.ordinal], f.entity, f.key, f.field, f.value, f.detail) for f in facts],
        )

    def repeated(self, ids: list[int], access: tuple[str, ...] = ("public",)) -> set[int]:
        """Of these passages, those whose very text stands in REPEATED_IN or more papers the caller may read
        (a copyright line, a publisher's address): boilerplate, never an answer."""
        if not ids:
            return set()
        rows = self.db.execute(
            f"SELECT p.id FROM passages p WHERE p.id IN ({self._marks(ids)}) AND (SELECT COUNT(DISTINCT q.doc_id)"
            " FROM passages q JOIN documents d ON d.doc_id = q.doc_id"
            f" WHERE q.text_hash = p.text_hash AND d.access IN ({self._marks(access)})) >= {self.mark}",
            (*ids, *access, REPEATED_IN),
        )
        return {r["id"] for r in rows}

    def catalog(self, access: tuple[str, ...] = ("public",)) -> dict[str, frozenset[str] | dict]:
        """The councils, bodies and paper or meeting dates among the documents the caller may see."""
        marks = self._marks(access)
        docs = self.db.execute(
            f"SELECT DISTINCT council, body, date FROM documents WHERE access IN ({marks})", access
        ).fetchall()
        parts = self.db.execute(
            f"SELECT DISTINCT p.part_date FROM passages p JOIN documents d ON d.doc_id = p.doc_id"
            f" WHERE p.part_date IS NOT NULL AND d.access IN ({marks})",
            access,
        ).fetchall()
        return {
            "councils": frozenset(r["council"] for r in docs if r["council"]),
            "bodies": frozenset(r["body"] for r in docs if r["body"]),
            "dates": frozenset([r["date"] for r in docs if r["date"]] + [r["part_date"] for r in parts]),
            "inspections": self._inspection_years(access),
            "inspection_kinds": self._inspection_kinds(access),
        }

    def _inspection_kinds(self, access: tuple[str, ...]) -> dict[str, frozenset[str]]:
        """Council -> the kinds of its inspections the record read ("ILACS", "area SEND", "monitoring visit")."""
        rows = self.db.execute(
            "SELECT DISTINCT d.council, f.value FROM facts f JOIN documents d ON d.doc_id = f.doc_id"
            f" WHERE d.access IN ({self._marks(access)}) AND f.entity = 'inspection' AND f.field = 'kind'"
            " AND d.council IS NOT NULL",
            access,
        ).fetchall()
        kinds: dict[str, set[str]] = {}
        for r in rows:
            kinds.setdefault(r["council"], set()).add(r["value"])
        return {c: frozenset(k) for c, k in kinds.items()}

    def _inspection_years(self, access: tuple[str, ...]) -> dict[str, frozenset[int]]:
        """Council -> the years of its inspections the papers hold: an inspection report's own date, and the
        fieldwork, publication and letter dates the record read (a report published in January covers fieldwork
        the year before, so both years count)."""
        marks, m = self._marks(access), self.mark
        rows = self.db.execute(
            f"SELECT council, date FROM documents WHERE access IN ({marks}) AND doc_type LIKE {m}"
            " AND council IS NOT NULL AND date IS NOT NULL"
            " UNION SELECT d.council, f.value FROM facts f JOIN documents d ON d.doc_id = f.doc_id"
            f" WHERE d.access IN ({marks}) AND f.entity = 'inspection'"
            " AND f.field IN ('start', 'end', 'published', 'letter_date') AND d.council IS NOT NULL",
            (*access, "inspection%", *access),
        ).fetchall()
        years: dict[str, set[int]] = {}
        for r in rows:
            if r["date"][:4].isdigit():
                years.setdefault(r["council"], set()).add(int(r["date"][:4]))
        return {c: frozenset(y) for c, y in years.items()}

    def around(self, doc_id: str, ordinal: int, reach: int) -> list[int]:
        """The ids of a paper's passages within `reach` of an ordinal, in the paper's order."""
        rows = self.db.execute(
            f"SELECT id FROM passages WHERE doc_id = {self.mark} AND ordinal BETWEEN {self.mark} AND {self.mark}"
            " ORDER BY ordinal",
            (doc_id, ordinal - reach, ordinal + reach),
        )
        return [r["id"] for r in rows]

    def admitted(self, ids: list[int], where: str, params: tuple) -> set[int]:
        """Of these passages, those a WHERE clause over p=passages, d=documents admits (index.filters.Filters.sql,
        written with this store's `mark`)."""
        if not ids:
            return set()
        rows = self.db.execute(
            f"SELECT p.id FROM passages p JOIN documents d ON d.doc_id = p.doc_id WHERE {where}"
            f" AND p.id IN ({self._marks(ids)})",
            (*params, *ids),
        )
        return {r["id"] for r in rows}
