import pytest
from eval_cases import good_output, near_miss, question

from evals.run import score_answers


def test_abstention_precision_recall_and_false_rates():
    qs = [question(f"a{i}") for i in range(1, 4)] + [question(f"u{i}", "unanswerable") for i in range(1, 4)]
    outputs = {
        "a1": good_output(qs[0]),
        "a2": {"answer": "", "abstained": True},  # abstained on an answerable question
        "a3": {"answer": "", "abstained": False},  # empty but not abstained: answered (and scores 0)
        "u1": {"answer": "", "abstained": True},
        "u2": {"answer": "", "abstained": False},  # empty but not abstained: answered an unanswerable question
        "u3": {"answer": "I cannot find this.", "abstained": True},
    }
    m = score_answers(qs, outputs).metrics
    # Abstained: a2, u1, u3 -> 2 of 3 were unanswerable.
    assert m["abstention_precision"].value == pytest.approx(2 / 3) and m["abstention_precision"].n == 3
    # Unanswerable: u1, u2, u3 -> 2 of 3 declined, 1 of 3 answered.
    assert m["abstention_recall"].value == pytest.approx(2 / 3) and m["abstention_recall"].n == 3
    assert m["false_answer_rate"].value == pytest.approx(1 / 3)
    # Answerable: a1, a2, a3 -> 1 of 3 declined.
    assert m["false_abstention_rate"].value == pytest.approx(1 / 3) and m["false_abstention_rate"].n == 3
    assert m["key_fact_recall"].value == pytest.approx(1 / 3)


def test_wrong_abstentions_fail_with_a_reason():
    qs = [question("a1"), question("u1", "unanswerable"), question("u2", "unanswerable")]
    result = score_answers(qs, {"a1": {"abstained": True}, "u1": {"answer": "Yes [1]."}, "u2": {"abstained": True}})
    reasons = {q.id: q.reasons for q in result.questions}
    assert reasons["a1"] == ("abstained on an answerable question",)
    assert reasons["u1"] == ("answered an unanswerable question",)
    assert reasons["u2"] == ()
    assert result.metrics["pass_rate"].value == pytest.approx(1 / 3)


def test_near_miss_abstention_counts_only_near_miss_questions():
    qs = [question("a1"), question("u1", "unanswerable"), near_miss("n1"), near_miss("n2"), near_miss("n3")]
    outputs = {
        "a1": good_output(qs[0]),
        "u1": {"answer": "", "abstained": True},
        "n1": {"answer": "", "abstained": True},
        "n2": {"answer": "The average wait is 559 days [1].", "abstained": False},
        "n3": {"answer": "", "abstained": True},
    }
    result = score_answers(qs, outputs)
    m = result.metrics
    assert m["near_miss_abstention"].value == pytest.approx(2 / 3) and m["near_miss_abstention"].n == 3
    assert m["abstention_recall"].value == pytest.approx(3 / 4) and m["abstention_recall"].n == 4
    assert m["false_abstention_rate"].value == 0.0
    by_type = result.by_type
    assert by_type["unanswerable"]["near_miss_abstention"].value == pytest.approx(2 / 3)
    assert "near_miss_abstention" not in by_type["number"]
    reasons = {q.id: q.reasons for q in result.questions}
    assert reasons["n2"] == ("answered an unanswerable (near-miss) question",)
    assert [q.near_miss for q in result.questions] == [False, False, True, True, True]


def test_near_miss_abstention_is_absent_without_near_miss_questions():
    qs = [question("a1"), question("u1", "unanswerable")]
    result = score_answers(qs, {q.id: good_output(q) for q in qs})
    assert "near_miss_abstention" not in result.metrics and result.metrics["abstention_recall"].value == 1.0
