import pytest
from eval_cases import question

from evals.correctness import fact_found, key_fact_recall, missed_facts, token_f1
from evals.run import score_answers


def test_key_fact_recall_normalises_case_space_commas_and_percent():
    facts = ["1,200 children", "45 per cent", "FACT Bucks"]
    answer = "About 1200  Children [1] (45% of cases) were seen by fact\nbucks."
    assert key_fact_recall(facts, answer) == 1.0
    assert key_fact_recall(facts, "About 1200 children were seen.") == pytest.approx(1 / 3)
    assert missed_facts(facts, "About 1200 children were seen.") == ["45 per cent", "FACT Bucks"]


def test_key_facts_do_not_match_inside_longer_numbers_but_allow_plurals_and_hyphens():
    assert not fact_found("81 days", "the longest was 811 days")
    assert not fact_found("81", "up from 1,181 last year")
    assert fact_found("tablet", "tablets instead of laptops")
    assert fact_found("three year", "a three-year improvement journey")
    assert fact_found("\u00a3750", "a bonus of \u00a3750 [2]")


def test_a_day_with_an_ordinal_is_the_same_day():
    assert fact_found("20 October", "the Cabinet's meeting on 20th October [1]")
    assert fact_found("1st April 2021", "from 1 April 2021")
    assert not fact_found("20 October", "the 2nd October meeting")
    assert not fact_found("4 weeks", "the 4th week")
    # a table row or a label states its cells as a sentence would; a time's colon is not a label's
    assert fact_found("care leavers: good", "The experiences and progress of care leavers | Good. [1]")
    assert fact_found("Overall effectiveness Good", "Overall effectiveness | | Good")
    assert not fact_found("10 30", "at 10:30")


def test_token_f1_squad_style():
    # Prediction tokens: wait is 559 days (4); reference: average wait is 559 days (5); 4 in common.
    assert token_f1("The wait is 559 days [1].", "The average wait is 559 days.") == pytest.approx(8 / 9)
    assert token_f1("An answer!", "answer") == 1.0
    assert token_f1("", "answer") == 0.0


def test_abstaining_or_an_empty_answer_on_an_answerable_question_scores_zero():
    q1, q2 = question("q1"), question("q2")
    result = score_answers(
        [q1, q2], {"q1": {"answer": "", "abstained": True}, "q2": {"answer": "", "abstained": False}}
    )
    first, second = result.questions
    assert first.values["key_fact_recall"] == 0.0 and first.values["token_f1"] == 0.0
    assert second.values["key_fact_recall"] == 0.0 and second.values["token_f1"] == 0.0
    assert "abstained on an answerable question" in first.reasons
    assert "empty answer" in second.reasons and not second.abstained
