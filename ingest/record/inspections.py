"""The record's inspections, read from a paper's passages (see ingest/record/__init__.py)."""

from __future__ import annotations

from ingest.models import Document, Fact


def extract(doc: Document) -> list[Fact]:
    """The facts about inspections that the paper states, each citing its passage."""
    return []
