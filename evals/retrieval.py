"""Retrieval metrics for one question: hit@k, recall@k, MRR@10 and nDCG@10 against the gold evidence quotes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from evals.dataset import Evidence
from evals.match import supported_quotes
from evals.outputs import Passage

KS = (1, 5, 10)
DEPTH = 10


@dataclass(frozen=True)
class RetrievalScore:
    """Per-question retrieval values, the first rank holding evidence, and the quotes not found in the top 10."""

    values: dict[str, float]
    first_rank: int | None
    not_retrieved: tuple[int, ...]
    support: tuple[tuple[int, ...], ...]  # quote indexes each of the top-10 passages supports


def ranking_values(support: Sequence[Sequence[int]], n_quotes: int) -> dict[str, float]:
    """Metric values from the quote indexes supported by each ranked passage (rank 1 first)."""
    support = list(support)[:DEPTH]
    values: dict[str, float] = {}
    for k in KS:
        found = {j for quotes in support[:k] for j in quotes}
        values[f"hit@{k}"] = float(bool(found))
        values[f"recall@{k}"] = len(found) / n_quotes
    first = next((r for r, quotes in enumerate(support, 1) if quotes), None)
    values["mrr@10"] = 1.0 / first if first else 0.0
    # Binary gain: a passage counts when it supports a quote no higher-ranked passage has been credited with.
    credited: set[int] = set()
    dcg = 0.0
    for r, quotes in enumerate(support, 1):
        if set(quotes) - credited:
            dcg += 1.0 / math.log2(r + 1)
            credited |= set(quotes)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(n_quotes, DEPTH) + 1))
    values["ndcg@10"] = dcg / ideal
    return values


def score_retrieval(retrieved: Sequence[Passage], evidence: tuple[Evidence, ...]) -> RetrievalScore:
    """Score a ranked list of passages for an answerable question."""
    support = tuple(tuple(supported_quotes(p.file, p.text, evidence)) for p in retrieved[:DEPTH])
    values = ranking_values(support, len(evidence))
    found = {j for quotes in support for j in quotes}
    first = next((r for r, quotes in enumerate(support, 1) if quotes), None)
    missing = tuple(j for j in range(len(evidence)) if j not in found)
    return RetrievalScore(values=values, first_rank=first, not_retrieved=missing, support=support)
