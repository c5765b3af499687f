import pytest
from eval_cases import bad_output, good_output, question

from evals.gate import check_floors
from evals.run import score_answers
from ingest.errors import EvalError, MetricNotMeasured, UnknownMetric


@pytest.fixture(scope="module")
def result():
    qs = [question(f"q{i}") for i in range(20)] + [question(f"u{i}", "unanswerable") for i in range(4)]
    outputs = {q.id: (bad_output(q) if q.id in ("q0", "q1") else good_output(q)) for q in qs}
    return score_answers(qs, outputs)


def test_floors_pass_and_fail_on_the_ci_lower_bound(result):
    kfr = result.metrics["key_fact_recall"]
    assert kfr.value == pytest.approx(0.9) and kfr.low < 0.9
    assert check_floors(result, ["key_fact_recall=0.6", "abstention_recall>=1"]) == []
    # The mean clears 0.85 but the CI lower bound does not.
    failures = check_floors(result, ["key_fact_recall=0.85"])
    assert len(failures) == 1 and failures[0].startswith("key_fact_recall: 95% CI lower bound")


def test_ceilings_use_the_ci_upper_bound(result):
    assert check_floors(result, ["false_answer_rate<=0"]) == []
    assert check_floors(result, ["latency_p95_ms<=20"])[0].startswith("latency_p95_ms: 95% CI upper bound")


def test_unknown_metric_names_are_an_error_listing_the_known_ones(result):
    with pytest.raises(UnknownMetric) as err:
        check_floors(result, ["key_facts=0.5"])
    assert "key_fact_recall" in str(err.value) and "recall@5" in str(err.value)
    with pytest.raises(EvalError):
        check_floors(result, ["key_fact_recall>0.5"])


def test_a_metric_on_few_questions_is_still_gated(result):
    # Only the four unanswerable questions abstained, all correctly.
    assert result.metrics["abstention_precision"].n == 4
    assert check_floors(result, ["abstention_precision=1"]) == []


def test_metric_lookup_by_name(result):
    assert result.metric("key_fact_recall") is result.metrics["key_fact_recall"]
    with pytest.raises(UnknownMetric):
        result.metric("nope")
    external = score_answers([question("q1")], {"q1": {"answer": "559 days"}})
    with pytest.raises(MetricNotMeasured):
        external.metric("recall@5")
    assert check_floors(external, ["recall@5=0.5"]) == ["recall@5: not measured in this run, cannot check >= 0.5"]
