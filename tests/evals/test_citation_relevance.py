import json

import pytest
from eval_cases import CASELOAD_QUOTE, F1, F2, WAIT_QUOTE, question

from evals.citations import score_citations
from evals.dataset import Evidence
from evals.judge import LexicalJudge
from evals.outputs import Citation, Sentence, load_answers, parse_output
from evals.run import score_answers
from ingest.errors import AnswersError

WAIT = question("q1")  # evidence: WAIT_QUOTE in F1; key fact "559 days"
FACT_ONLY = "Children waited 559 days on average for an assessment."  # the key fact, not the quote


def test_an_extractive_answer_copied_from_passages_without_evidence_is_supported_but_not_precise():
    passages = [
        {"n": 1, "file": F2, "text": "Members asked about autism assessments. The service has a new waiting policy."},
        {"n": 2, "file": F1, "text": "The meeting discussed the waiting list for assessments in detail."},
    ]
    out = {
        "answer": "The service has a new waiting policy. [1] The meeting discussed the waiting list in detail. [2]",
        "abstained": False,
        "citations": passages,
        "sentences": [
            {"text": "The service has a new waiting policy.", "citations": [1]},
            {"text": "The meeting discussed the waiting list for assessments in detail.", "citations": [2]},
        ],
        "passages": passages,
    }
    record = score_answers([WAIT], {"q1": out}).questions[0]
    # Every sentence is copied from the passage it cites, yet no cited passage holds the evidence.
    assert record.values["citation_support"] == 1.0
    assert record.values["citation_precision"] == 0.0
    assert "citations holding no evidence: [1], [2]" in record.reasons
    assert not any(r.startswith("unsupported citations") for r in record.reasons)


def test_a_passage_holding_a_key_fact_but_not_the_quote_counts_for_precision():
    score = score_citations(
        "The wait was long [1].", [Citation(1, F1, FACT_ONLY)], WAIT.evidence, LexicalJudge(), key_facts=WAIT.key_facts
    )
    (verdict,) = score.verdicts
    assert verdict.quotes == () and verdict.facts == ("559 days",) and verdict.relevant
    # The sentence citing it is too vague for the passage to bear it out; recall needs the quote itself.
    assert score.values["citation_precision"] == 1.0
    assert score.values["citation_support"] == 0.0
    assert score.values["citation_recall"] == 0.0


def test_key_facts_match_case_insensitively_after_normalisation():
    evidence = (Evidence(F1, CASELOAD_QUOTE),)
    passage = "- 12. Staffing: the **Council** employs 1,200 Social Workers."
    score = score_citations(
        "It employs many [1].", [Citation(1, f"corpus/seeds/{F1}", passage)], evidence, LexicalJudge(),
        key_facts=("1200 social workers", "council employs"),
    )  # fmt: skip
    assert score.verdicts[0].facts == ("1200 social workers", "council employs")


def test_a_key_fact_in_a_passage_of_another_file_does_not_count():
    score = score_citations(
        "Children waited 559 days on average [1].",
        [Citation(1, F2, FACT_ONLY)],
        WAIT.evidence,
        LexicalJudge(),
        key_facts=WAIT.key_facts,
    )
    (verdict,) = score.verdicts
    assert verdict.facts == () and not verdict.relevant and verdict.supported
    assert score.values["citation_precision"] == 0.0 and score.values["citation_support"] == 1.0


SPLIT_ANSWER = (
    'Officers said "average caseloads have fallen to 18 children per worker." [2] The average wait is 559 days [1].'
)
SPLIT_CITES = [Citation(1, F1, WAIT_QUOTE), Citation(2, F2, CASELOAD_QUOTE)]
SPLIT_EVIDENCE = (Evidence(F1, WAIT_QUOTE), Evidence(F2, CASELOAD_QUOTE))


def test_the_systems_own_sentences_override_splitting_the_answer_text():
    reported = [
        Sentence('Officers said "average caseloads have fallen to 18 children per worker."', (2,)),
        Sentence("The average wait is 559 days.", (1,)),
    ]
    score = score_citations(SPLIT_ANSWER, SPLIT_CITES, SPLIT_EVIDENCE, LexicalJudge(), reported=reported)
    assert [v.cited_by for v in score.verdicts] == [(1,), (0,)]
    assert score.values["citation_support"] == 1.0 and score.values["citation_validity"] == 1.0
    # Splitting the text finds no sentence end after the closing quote: one sentence citing both, borne out by neither.
    split = score_citations(SPLIT_ANSWER, SPLIT_CITES, SPLIT_EVIDENCE, LexicalJudge())
    assert [v.cited_by for v in split.verdicts] == [(0,), (0,)]
    assert split.values["citation_support"] == 0.0


def test_sentences_reach_the_scorer_from_an_answers_file(tmp_path):
    q = question("q1", evidence=SPLIT_EVIDENCE, key_facts=("559 days", "18"))
    line = {
        "id": "q1",
        "answer": SPLIT_ANSWER,
        "abstained": False,
        "citations": [{"file": F1, "text": WAIT_QUOTE}, {"file": F2, "text": CASELOAD_QUOTE}],
        "sentences": [
            {"text": 'Officers said "average caseloads have fallen to 18 children per worker."', "citations": [2]},
            {"text": "The average wait is 559 days.", "citations": [1]},
        ],
    }
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    record = score_answers([q], load_answers(path)).questions[0]
    assert record.values["citation_support"] == 1.0 and record.values["citation_precision"] == 1.0
    assert record.sentences[1] == "The average wait is 559 days."
    # The same line without sentences falls back to splitting the answer at its markers.
    del line["sentences"]
    fallback = score_answers([q], {"q1": line}).questions[0]
    assert fallback.values["citation_support"] == 0.0


def test_reported_sentences_without_citations_cite_nothing():
    score = score_citations(
        "The average wait is 559 days.", [Citation(1, F1, WAIT_QUOTE)], WAIT.evidence, LexicalJudge(),
        reported=[Sentence("The average wait is 559 days.")],
    )  # fmt: skip
    # Split from text, an answer without markers cites every passage; the system's own sentences say otherwise.
    assert score.verdicts[0].cited_by == () and score.values["citation_support"] == 0.0
    assert "citation_validity" not in score.values


def test_malformed_sentences_are_an_answers_error():
    with pytest.raises(AnswersError, match="each sentence"):
        parse_output({"answer": "x", "sentences": [{"citations": [1]}]}, "q1")
    assert parse_output({"answer": "x", "sentences": []}, "q1").sentences is None
