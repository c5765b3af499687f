"""The record's meetings, read from a paper's passages (see ingest/record/__init__.py)."""

from __future__ import annotations

from ingest.models import Document, Fact


def extract(doc: Document) -> list[Fact]:
    """The facts about meetings that the paper states, each citing its passage."""
    return []
