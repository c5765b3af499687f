"""The restrictions a search applies inside retrieval (body, type, kind, dates, council) with the caller's access."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.errors import BadRequest


@dataclass(frozen=True)
class Filters:
    """Restrictions applied inside retrieval: a filtered search never returns a passage outside them."""

    body: str | None = None
    doc_type: str | None = None
    doc_id: str | None = None
    kind: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None
    council: str | None = None  # canonical name (ingest.councils), as the documents hold it

    def sql(self, access: tuple[str, ...], mark: str = "?") -> tuple[str, tuple]:
        """A WHERE clause over p=passages, d=documents, and its parameters (`mark`: the driver's placeholder)."""
        for name, value in (("since", self.since), ("until", self.until)):
            if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
                raise BadRequest(f"{name} must be an ISO date like 2021-06-30, not {value!r}")
        clauses = [f"d.access IN ({','.join(mark for _ in access)})"]
        params: list = list(access)
        for column, value in (
            ("d.body", self.body),
            ("d.council", self.council),
            ("d.doc_type", self.doc_type),
            ("d.doc_id", self.doc_id),
            ("p.kind", self.kind),
        ):
            if value:
                clauses.append(f"{column} = {mark}")
                params.append(value)
        if self.since:
            clauses.append(f"COALESCE(p.part_date, d.date) >= {mark}")
            params.append(self.since)
        if self.until:
            clauses.append(f"COALESCE(p.part_date, d.date) <= {mark}")
            params.append(self.until)
        return " AND ".join(clauses), tuple(params)
