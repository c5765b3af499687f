"""Fusing the dense and lexical rankings into one.

Chosen on the tune split of the development set (recall@5 and MRR, see docs/evaluation.md): a
weighted sum of min-max normalised scores beat reciprocal rank fusion at every k and weight tried.
"""

from __future__ import annotations

DENSE_WEIGHT = 0.3  # lexical gets the rest: council questions hinge on exact terms (SEND, WSOA, 559 days)
RRF_K = 60


def _minmax(scores: list[tuple[int, float]]) -> dict[int, float]:
    if not scores:
        return {}
    lo, hi = min(s for _, s in scores), max(s for _, s in scores)
    if hi == lo:
        return {i: 1.0 for i, _ in scores}
    return {i: (s - lo) / (hi - lo) for i, s in scores}


def weighted(
    dense: list[tuple[int, float]], lexical: list[tuple[int, float]], dense_weight: float = DENSE_WEIGHT
) -> list[tuple[int, float]]:
    """Fuse (id, score) lists by a weighted sum of their min-max normalised scores; best first."""
    a, b = _minmax(dense), _minmax(lexical)  # a lexical-only candidate's cosine is scored, not assumed 0
    fused = {i: dense_weight * a.get(i, 0.0) + (1 - dense_weight) * b.get(i, 0.0) for i in a.keys() | b.keys()}
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def rrf(rankings: list[list[int]], weights: list[float] | None = None, k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: sum of weight / (k + rank); best first. Kept to compare against."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
