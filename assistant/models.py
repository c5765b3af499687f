"""What the assistant returns: an answer, its citations, and the passages possibly related."""

from __future__ import annotations

from pydantic import BaseModel, Field

from index.search import Hit

NOT_FOUND = "I could not find this in the indexed papers."
RELATED = 3  # possibly related passages shown beside an answer or an abstention


class Citation(BaseModel):
    """A passage an answer was built from, with all a reader needs to find it in the paper."""

    n: int
    doc_id: str
    passage_id: str
    source: str
    title: str
    date: str | None
    body: str | None
    doc_type: str
    council: str | None = None
    label: str
    section: str
    page: int | None
    start: int
    end: int
    text: str
    kind: str | None
    score: float

    @classmethod
    def from_hit(cls, n: int, hit: Hit) -> Citation:
        p, d = hit.passage, hit.doc
        return cls(
            n=n,
            doc_id=p.doc_id,
            passage_id=p.passage_id,
            source=d["source"],
            title=p.part_title or d["title"],
            date=p.part_date or d["date"],
            body=d["body"],
            doc_type=d["doc_type"],
            council=d.get("council"),
            label=p.label if p.part_no is None else f"{p.label} (part {p.part_no})",
            section=p.section,
            page=p.page,
            start=p.start,
            end=p.end,
            text=p.text,
            kind=p.kind,
            score=round(hit.score, 6),
        )


class AnswerSentence(BaseModel):
    """One sentence of an answer, without its markers, and the citations (by n) it rests on."""

    text: str
    citations: list[int] = Field(default_factory=list)


class Answer(BaseModel):
    """An answer whose every sentence carries markers [n] that refer to `citations`."""

    question: str
    query: str  # what retrieval searched for (a follow-up is rewritten from the conversation)
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    related: list[Citation] = Field(default_factory=list)  # possibly related passages, not cited
    timings: dict[str, float] = Field(default_factory=dict)
    conversation_id: str | None = None
    unsupported: list[str] = Field(default_factory=list)  # LLM sentences left without a valid citation
    sentences: list[AnswerSentence] = Field(default_factory=list)  # the answer sentence by sentence, as cited
    declined_because: str | None = None  # why the papers do not answer, when the answer declines
    passages: list[Citation] = Field(default_factory=list)  # what the answer was built from, ranked (n = rank)

    @classmethod
    def declined(cls, question: str, query: str, hits: list[Hit], reason: str | None = None) -> Answer:
        """The papers do not answer: say so, and offer the closest passages as possibly related."""
        related = [Citation.from_hit(n, h) for n, h in enumerate(hits[:RELATED], start=1)]
        passages = [Citation.from_hit(n, h) for n, h in enumerate(hits, start=1)]
        return cls(
            question=question,
            query=query,
            answer=NOT_FOUND,
            abstained=True,
            related=related,
            passages=passages,
            declined_because=reason,
        )
