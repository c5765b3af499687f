import math

import pytest
from eval_cases import F1, question

from evals.dataset import Evidence
from evals.outputs import Passage
from evals.retrieval import ranking_values, score_retrieval
from evals.run import score_answers

QUOTE_A = "Caseloads have fallen to an average of 18 children per social worker."
QUOTE_B = "Management oversight was too variable across the service."
EVIDENCE = (Evidence(F1, QUOTE_A), Evidence(F1, QUOTE_B))
NOISE = Passage(F1, "The meeting closed at 4pm.")
# rank 1 noise, 2 supports A, 3 noise, 4 supports A again, 5 noise, 6 supports B (its text in another file at 7)
RANKING = [
    NOISE,
    Passage(F1, f"Key finding 2. {QUOTE_A}"),
    NOISE,
    Passage(F1, QUOTE_A),
    NOISE,
    Passage(F1, QUOTE_B),
    Passage("other.txt", QUOTE_B),
]


def test_hit_recall_mrr_ndcg_on_a_known_ranking():
    score = score_retrieval(RANKING, EVIDENCE)
    v = score.values
    assert v["hit@1"] == 0.0 and v["hit@5"] == 1.0 and v["hit@10"] == 1.0
    assert v["recall@1"] == 0.0 and v["recall@5"] == 0.5 and v["recall@10"] == 1.0
    assert v["mrr@10"] == 0.5
    # Gains at ranks 2 and 6 (rank 4 repeats quote A): DCG = 1/log2(3) + 1/log2(7); ideal = 1 + 1/log2(3).
    assert v["ndcg@10"] == pytest.approx(0.60527, abs=1e-5)
    assert score.first_rank == 2
    assert score.not_retrieved == ()


def test_only_the_top_ten_count():
    ranking = [NOISE] * 10 + [Passage(F1, QUOTE_A)]
    score = score_retrieval(ranking, EVIDENCE)
    assert score.values["hit@10"] == 0.0 and score.values["mrr@10"] == 0.0 and score.values["ndcg@10"] == 0.0
    assert score.not_retrieved == (0, 1)


def test_ranking_values_perfect_and_ideal_depth():
    perfect = ranking_values([[0], [1]], 2)
    assert perfect["ndcg@10"] == pytest.approx(1.0) and perfect["mrr@10"] == 1.0 and perfect["recall@1"] == 0.5
    # One passage holding both quotes at rank 1 earns one gain against an ideal of two.
    both = ranking_values([[0, 1]], 2)
    assert both["recall@1"] == 1.0
    assert both["ndcg@10"] == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_retrieval_metrics_apply_only_when_ranked_passages_are_given():
    q = question("q1", evidence=EVIDENCE, key_facts=("18",), answer="Caseloads fell to 18.")
    with_ranking = score_answers([q], {"q1": {"answer": "18", "retrieved": [{"file": F1, "text": QUOTE_A}]}})
    assert with_ranking.metrics["hit@1"].value == 1.0 and with_ranking.metrics["recall@1"].value == 0.5
    without = score_answers([q], {"q1": {"answer": "18"}})
    assert "hit@1" not in without.metrics
    assert "hit@1" not in without.questions[0].values


def test_the_ranking_is_the_passages_the_answer_was_built_from_in_rank_order():
    q = question("q1", evidence=EVIDENCE, key_facts=("18",), answer="Caseloads fell to 18.")
    # Listed out of order: n is the rank, so QUOTE_A is at rank 2 and QUOTE_B at rank 3.
    passages = [
        {"n": 3, "source": F1, "text": QUOTE_B},
        {"n": 1, "source": F1, "text": NOISE.text},
        {"n": 2, "source": F1, "text": QUOTE_A},
    ]
    out = {"answer": "18", "passages": passages, "retrieved": [{"file": F1, "text": QUOTE_A}]}
    record = score_answers([q], {"q1": out}).questions[0]
    assert record.first_rank == 2 and record.values["mrr@10"] == 0.5
    assert record.values["recall@1"] == 0.0 and record.values["recall@5"] == 1.0
    # Without passages an older answers file's "retrieved" is still read.
    del out["passages"]
    assert score_answers([q], {"q1": out}).questions[0].values["mrr@10"] == 1.0
