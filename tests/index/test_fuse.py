"""Reciprocal rank fusion on hand-made rankings with known orders and scores."""

from __future__ import annotations

import pytest

from index.fuse import DENSE_WEIGHT, RRF_K, rrf, weighted


def test_agreement_beats_a_single_first_place():
    fused = rrf([[1, 2, 3], [3, 1, 4]])
    assert [pid for pid, _ in fused] == [1, 3, 2, 4]
    assert [score for _, score in fused] == pytest.approx([1 / 61 + 1 / 62, 1 / 61 + 1 / 63, 1 / 62, 1 / 63])


def test_default_k_is_sixty():
    assert RRF_K == 60
    assert rrf([[9]]) == [(9, pytest.approx(1 / 61))]


def test_ties_break_by_id():
    assert rrf([[7], [5]]) == [(5, pytest.approx(1 / 61)), (7, pytest.approx(1 / 61))]


def test_weights_scale_each_ranking():
    fused = rrf([[1, 2], [2, 1]], weights=[2.0, 1.0])
    assert fused == [(1, pytest.approx(2 / 61 + 1 / 62)), (2, pytest.approx(2 / 62 + 1 / 61))]
    assert [pid for pid, _ in rrf([[1, 2], [2, 1]], weights=[1.0, 2.0])] == [2, 1]


def test_small_k_rewards_top_ranks_more():
    fused = rrf([[1, 2], [2, 3]], k=1)
    assert fused == [(2, pytest.approx(1 / 3 + 1 / 2)), (1, pytest.approx(1 / 2)), (3, pytest.approx(1 / 3))]


def test_one_empty_ranking_leaves_the_other_in_order():
    assert [pid for pid, _ in rrf([[], [4, 8, 2]])] == [4, 8, 2]
    assert rrf([]) == []
    assert rrf([[], []]) == []


def test_weights_must_match_the_rankings():
    with pytest.raises(ValueError):
        rrf([[1], [2]], weights=[1.0])


# --- the weighted sum of min-max normalised scores (the hybrid's fusion) ------------------------


def test_weighted_sum_of_normalised_scores():
    dense = [(1, 0.9), (2, 0.5), (3, 0.1)]
    lexical = [(3, 10.0), (4, 5.0), (1, 0.0)]
    fused = weighted(dense, lexical, dense_weight=0.3)
    # dense normalised: 1 -> 1, 2 -> .5, 3 -> 0; lexical normalised: 3 -> 1, 4 -> .5, 1 -> 0
    assert [pid for pid, _ in fused] == [3, 4, 1, 2]
    assert [s for _, s in fused] == pytest.approx([0.7, 0.35, 0.3, 0.15])


def test_default_weight_favours_lexical():
    assert DENSE_WEIGHT == 0.3
    assert weighted([(1, 0.9), (2, 0.1)], [(2, 9.0), (1, 1.0)]) == [(2, pytest.approx(0.7)), (1, pytest.approx(0.3))]


def test_weight_one_is_the_dense_order():
    dense = [(5, 0.8), (6, 0.6), (7, 0.2)]
    assert [pid for pid, _ in weighted(dense, [(7, 3.0)], dense_weight=1.0)] == [5, 6, 7]
    # Weight zero: only the lexical order counts; everything else ties at zero, broken by id.
    assert weighted(dense, [(7, 3.0), (8, 1.0)], dense_weight=0.0) == [(7, 1.0), (5, 0.0), (6, 0.0), (8, 0.0)]


def test_equal_scores_normalise_to_one_and_ties_break_by_id():
    assert weighted([(9, 0.5), (4, 0.5)], []) == [(4, pytest.approx(0.3)), (9, pytest.approx(0.3))]
    assert weighted([], [(2, 1.5)]) == [(2, pytest.approx(0.7))]
    assert weighted([], []) == []
