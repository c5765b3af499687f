import pytest
from eval_cases import CASELOAD_QUOTE, F1, F2, WAIT_QUOTE, question

from evals.citations import score_citations
from evals.dataset import Evidence
from evals.judge import LexicalJudge
from evals.outputs import Citation, parse_output
from evals.run import score_answers

EVIDENCE = (Evidence(F1, WAIT_QUOTE), Evidence(F2, CASELOAD_QUOTE))
ANSWER = "The average wait is 559 days [1]. Caseloads fell to 18 children per worker [2][7]."


def test_validity_flags_an_out_of_range_marker():
    cites = [Citation(1, F1, WAIT_QUOTE), Citation(2, F2, "The weather in Aylesbury was pleasant.")]
    score = score_citations(ANSWER, cites, EVIDENCE, LexicalJudge())
    # Markers [1], [2], [7]: two of three name a citation.
    assert score.values["citation_validity"] == pytest.approx(2 / 3)
    assert score.out_of_range == (7,)
    assert score.values["citation_out_of_range"] == 1.0


def test_precision_and_recall_against_gold_quotes():
    cites = [Citation(1, F1, WAIT_QUOTE), Citation(2, F2, "The weather in Aylesbury was pleasant.")]
    score = score_citations(ANSWER, cites, EVIDENCE, LexicalJudge())
    # [1] holds gold quote 0; [2] holds no quote and does not bear out the sentence citing it.
    assert score.values["citation_precision"] == 0.5 and score.values["citation_support"] == 0.5
    assert score.values["citation_recall"] == 0.5
    assert score.not_cited == (1,)
    first, second = score.verdicts
    assert first.relevant and first.supported and first.quotes == (0,)
    assert not second.relevant and not second.supported
    assert second.cited_by == (1,) and second.supports_sentences == ()


def test_a_passage_that_supports_its_sentence_counts_for_support_not_precision():
    # Not a gold paragraph (and without the key facts), but it bears out the sentence that cites it.
    cites = [Citation(1, F1, WAIT_QUOTE), Citation(2, F1, "Caseloads fell to 18 children per worker this year.")]
    score = score_citations(ANSWER, cites, EVIDENCE, LexicalJudge())
    assert score.values["citation_precision"] == 0.5
    assert score.values["citation_support"] == 1.0
    assert score.values["citation_recall"] == 0.5
    assert score.verdicts[1].supports_sentences == (1,) and score.verdicts[1].quotes == ()
    assert not score.verdicts[1].relevant and score.verdicts[1].supported


def test_markers_after_the_full_stop_stay_with_their_sentence():
    cites = [Citation(1, F1, WAIT_QUOTE), Citation(2, F2, CASELOAD_QUOTE)]
    score = score_citations(
        "The average wait is 559 days. [1] Caseloads fell to 18. [2]", cites, EVIDENCE, LexicalJudge()
    )
    assert [v.cited_by for v in score.verdicts] == [(0,), (1,)]
    assert score.values["citation_validity"] == 1.0 and score.values["citation_recall"] == 1.0


def test_failure_reasons_name_the_bad_citations():
    q = question("q1", evidence=EVIDENCE, key_facts=("559 days", "18"), answer="559 days; 18 children.")
    out = {
        "answer": ANSWER,
        "abstained": False,
        "citations": [{"n": 1, "file": F1, "text": WAIT_QUOTE}, {"n": 2, "file": F2, "text": "Nothing here."}],
    }
    record = score_answers([q], {"q1": out}).questions[0]
    assert record.failed
    assert "unsupported citations: [2]" in record.reasons
    assert "citations holding no evidence: [2]" in record.reasons
    assert "out-of-range markers: [7]" in record.reasons
    cited = record.to_dict()["citations"]
    assert [c["supported"] for c in cited] == [True, False]
    assert [c["relevant"] for c in cited] == [True, False]


def test_citations_without_numbers_are_numbered_in_order():
    out = parse_output({"answer": "x [2]", "citations": [{"file": F1, "text": "a"}, {"source": F2, "text": "b"}]}, "q1")
    assert [(c.n, c.file) for c in out.citations] == [(1, F1), (2, F2)]
