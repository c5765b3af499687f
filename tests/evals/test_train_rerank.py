"""The learning behind the reranker and the sentence chooser: pairwise logistic regression, on made-up data whose
answer is known, and the cross-validated figure it reports."""

from __future__ import annotations

import numpy as np

from evals.train_rerank import cross_validated, fit, recall_at


def _questions(n: int, seed: int = 7) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each question: 20 candidates, 3 features; only feature 1 tells the relevant one (with noise)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x = rng.normal(size=(20, 3))
        y = np.zeros(20, dtype=bool)
        y[rng.integers(20)] = True
        x[y, 1] += 2.5
        out.append((x, y))
    return out


def test_pairwise_fit_finds_the_feature_that_tells_relevant_from_not():
    w, mean, scale = fit(_questions(60))
    assert np.argmax(w) == 1 and w[1] > 3 * max(abs(w[0]), abs(w[2]))
    assert mean.shape == scale.shape == (3,) and (scale > 0).all()


def test_learned_order_beats_the_given_order_and_cross_validation_is_honest():
    data = _questions(60)
    w, mean, scale = fit(data)
    given = recall_at(data, lambda x: -np.arange(len(x)))
    learned = recall_at(data, lambda x: ((x - mean) / scale) @ w)
    assert learned > given + 0.4
    held_out = cross_validated(data)
    assert 0.5 < held_out <= learned + 1e-9  # learned on other questions: no better than in-sample


def test_stronger_regularisation_shrinks_the_weights():
    data = _questions(30)
    loose, _, _ = fit(data, l2=0.01)
    tight, _, _ = fit(data, l2=100.0)
    assert np.abs(tight).sum() < np.abs(loose).sum()
