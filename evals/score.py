"""Score one question: every per-question metric value, the verdicts behind them, and why it failed."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from evals.citations import CitationScore, CitationVerdict, score_citations
from evals.correctness import missed_facts, token_f1
from evals.dataset import Evidence, Question
from evals.judge import Judge
from evals.outputs import Citation, Output
from evals.retrieval import score_retrieval


@dataclass(frozen=True)
class QuestionRecord:
    """A scored question: the system's answer, verdicts, metric values (only those that apply) and failure reasons."""

    id: str
    type: str
    question: str
    split: str | None
    answerable: bool
    near_miss: bool
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    evidence: tuple[Evidence, ...]
    verdicts: tuple[CitationVerdict, ...]
    sentences: tuple[str, ...]
    missed_facts: tuple[str, ...]
    out_of_range: tuple[int, ...]
    not_retrieved: tuple[int, ...] | None
    not_cited: tuple[int, ...]
    first_rank: int | None
    latency_ms: float | None
    values: dict[str, float]
    reasons: tuple[str, ...]

    @property
    def failed(self) -> bool:
        """Whether anything went wrong on this question."""
        return bool(self.reasons)

    def to_dict(self) -> dict:
        """Plain JSON-ready data, with each citation's verdict beside it."""
        verdicts = {v.n: v for v in self.verdicts}
        citations = []
        for c in self.citations:
            v = verdicts.get(c.n)
            citations.append(
                {
                    **asdict(c),
                    "relevant": v.relevant if v else None,
                    "supported": v.supported if v else None,
                    "supports_quotes": list(v.quotes) if v else [],
                    "holds_key_facts": list(v.facts) if v else [],
                    "cited_in": [self.sentences[i] for i in v.cited_by] if v else [],
                    "supports_sentences": [self.sentences[i] for i in v.supports_sentences] if v else [],
                }
            )
        return {
            "id": self.id,
            "type": self.type,
            "split": self.split,
            "question": self.question,
            "answerable": self.answerable,
            "near_miss": self.near_miss,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": citations,
            "evidence": [asdict(e) for e in self.evidence],
            "missed_facts": list(self.missed_facts),
            "out_of_range_markers": list(self.out_of_range),
            "quotes_not_retrieved": None if self.not_retrieved is None else list(self.not_retrieved),
            "quotes_not_cited": list(self.not_cited),
            "first_relevant_rank": self.first_rank,
            "latency_ms": self.latency_ms,
            "values": dict(self.values),
            "failed": self.failed,
            "reasons": list(self.reasons),
        }


def is_near_miss(q: Question) -> bool:
    """Whether an unanswerable question is a near miss (close to what the papers say, yet not answered by them)."""
    return not q.answerable and bool(getattr(q, "near_miss", False))


def _abstention_values(q: Question, abstained: bool) -> dict[str, float]:
    values: dict[str, float] = {}
    if abstained:
        values["abstention_precision"] = float(not q.answerable)
    if q.answerable:
        values["false_abstention_rate"] = float(abstained)
    else:
        values["abstention_recall"] = float(abstained)
        values["false_answer_rate"] = float(not abstained)
        if is_near_miss(q):
            values["near_miss_abstention"] = float(abstained)
    return values


def _citation_reasons(cites: CitationScore, has_citations: bool) -> list[str]:
    reasons = []
    if not has_citations:
        reasons.append("no citations")
    irrelevant = [f"[{v.n}]" for v in cites.verdicts if not v.relevant]
    if irrelevant:
        reasons.append(f"citations holding no evidence: {', '.join(irrelevant)}")
    unsupported = [f"[{v.n}]" for v in cites.verdicts if not v.supported]
    if unsupported:
        reasons.append(f"unsupported citations: {', '.join(unsupported)}")
    if cites.out_of_range:
        reasons.append(f"out-of-range markers: {', '.join(f'[{n}]' for n in cites.out_of_range)}")
    return reasons


def score_question(q: Question, out: Output, judge: Judge) -> QuestionRecord:
    """Score one system output against its question."""
    values = _abstention_values(q, out.abstained)
    reasons = [f"error: {out.error}"] if out.error else []
    missed: list[str] = []
    retrieval = None
    answered = not out.abstained
    cites = (
        score_citations(out.answer, out.citations, q.evidence, judge, key_facts=q.key_facts, reported=out.sentences)
        if answered
        else None
    )
    if q.answerable:
        if out.retrieved is not None:
            retrieval = score_retrieval(out.retrieved, q.evidence)
            values.update(retrieval.values)
        if out.abstained:
            missed = list(q.key_facts)
            values.update(key_fact_recall=0.0, token_f1=0.0)
            reasons.append("abstained on an answerable question")
        else:
            missed = missed_facts(q.key_facts, out.answer)
            kf = 1.0 - len(missed) / len(q.key_facts) if q.key_facts else 1.0
            values.update(key_fact_recall=kf, token_f1=token_f1(out.answer, q.answer))
            values.update(cites.values)
            if not out.answer.strip():
                reasons.append("empty answer")
            if missed:
                reasons.append(f"missed key facts: {'; '.join(missed)}")
            reasons.extend(_citation_reasons(cites, bool(out.citations)))
        if retrieval is not None and retrieval.first_rank is None:
            reasons.append("evidence not among the passages the answer was built from (top 10)")
    elif answered:
        reasons.append(f"answered an unanswerable{' (near-miss)' if is_near_miss(q) else ''} question")
    if out.latency_ms is not None:
        values["latency_ms"] = float(out.latency_ms)
    values["pass_rate"] = float(not reasons)
    return QuestionRecord(
        id=q.id,
        type=q.type,
        question=q.question,
        split=q.split,
        answerable=q.answerable,
        near_miss=is_near_miss(q),
        answer=out.answer,
        abstained=out.abstained,
        citations=out.citations,
        evidence=q.evidence,
        verdicts=cites.verdicts if cites else (),
        sentences=cites.sentences if cites else (),
        missed_facts=tuple(missed),
        out_of_range=cites.out_of_range if cites else (),
        not_retrieved=retrieval.not_retrieved if retrieval else None,
        not_cited=cites.not_cited if cites and q.answerable else tuple(range(len(q.evidence))),
        first_rank=retrieval.first_rank if retrieval else None,
        latency_ms=out.latency_ms,
        values=values,
        reasons=tuple(reasons),
    )
