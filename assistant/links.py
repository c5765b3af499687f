"""Citations with a link a reader can open: the passage marked in its whole paper on the service's page."""

from __future__ import annotations

from pydantic import Field

from assistant.models import Citation


class LinkedCitation(Citation):
    """A citation (label, paper, date, council, text...) and the address of its paragraph on the service's page."""

    link: str = Field(description="the paper's page on the service, scrolled to the cited paragraph")


def passage_link(base: str, doc_id: str, passage_id: str) -> str:
    """The page that shows a passage marked in its paper (`/library/{doc_id}#p{ordinal}`)."""
    ordinal = passage_id.rpartition(":")[2]
    return f"{base.rstrip('/')}/library/{doc_id}#p{ordinal}"


def linked(citations: list[Citation], base: str) -> list[LinkedCitation]:
    """The citations, each with its link on the service at `base` (e.g. http://127.0.0.1:8000)."""
    return [LinkedCitation(**c.model_dump(), link=passage_link(base, c.doc_id, c.passage_id)) for c in citations]
