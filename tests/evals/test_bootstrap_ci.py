import numpy as np
import pytest
from eval_cases import bad_output, good_output, question

from evals.bootstrap import bootstrap_ci, paired_diff_ci, resampled, statistic
from evals.run import score_answers

VALUES = np.array([1.0, 0.0, 1.0, 1.0, 0.5, np.nan, 0.0, 1.0, 1.0, 0.25])


def test_same_input_same_ci_and_the_ci_contains_the_mean():
    first = bootstrap_ci(VALUES, seed=0)
    assert first == bootstrap_ci(VALUES, seed=0)
    mean = statistic(VALUES)
    assert mean == pytest.approx(np.nanmean(VALUES))
    assert first[0] <= mean <= first[1]
    assert first[0] < first[1]


def test_nan_marks_questions_a_metric_does_not_apply_to():
    assert statistic(np.array([np.nan, np.nan])) != statistic(np.array([np.nan, np.nan]))  # NaN: nothing applies
    assert statistic(np.array([1.0, 2.0, 3.0, 4.0, 100.0, np.nan]), "median") == 3.0


def test_percentiles_match_numpy_row_by_row():
    rng = np.random.default_rng(3)
    values = rng.normal(size=40)
    values[rng.random(40) < 0.3] = np.nan
    idx = rng.integers(0, 40, size=(200, 40))
    for stat, q in (("median", 50), ("p95", 95)):
        assert np.allclose(resampled(values, idx, stat), np.nanpercentile(values[idx], q, axis=1))


def test_paired_difference_of_identical_runs_is_exactly_zero():
    assert paired_diff_ci(VALUES, VALUES) == (0.0, 0.0)


def test_run_cis_are_seeded_and_bracket_the_mean():
    qs = [question(f"q{i}") for i in range(30)]
    outputs = {q.id: (good_output(q) if i % 3 else bad_output(q)) for i, q in enumerate(qs)}
    a, b = score_answers(qs, outputs, seed=7), score_answers(qs, outputs, seed=7)
    assert a.to_dict() == b.to_dict()
    for m in a.metrics.values():
        assert m.low <= m.value <= m.high
    kfr = a.metrics["key_fact_recall"]
    assert kfr.value == pytest.approx(20 / 30) and kfr.n == 30 and kfr.low < kfr.value < kfr.high
