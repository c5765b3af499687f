from eval_cases import F1, WAIT_QUOTE, question

from evals.citations import score_citations
from evals.dataset import Evidence
from evals.judge import Judge, LexicalJudge, names, numbers
from evals.outputs import Citation

PASSAGE = "The average wait for an autism assessment is 559 days, and the longest wait is 811 days."
BOARD = "The SEND board is co-chaired by the chair of the parent carer forum, FACT Bucks."


def test_a_supported_sentence():
    assert LexicalJudge().supports("The average wait for an autism assessment is 559 days [1].", PASSAGE)


def test_a_wrong_number_is_not_supported():
    assert not LexicalJudge().supports("The average wait for an autism assessment is 600 days.", PASSAGE)


def test_a_missing_name_is_not_supported():
    without_name = "The SEND board is co-chaired by the chair of the parent carer forum."
    sentence = "The SEND board is co-chaired by the chair of FACT Bucks, the parent carer forum."
    assert LexicalJudge().supports(sentence, BOARD)
    # Most content words are there, but "FACT Bucks" is not.
    assert not LexicalJudge().supports(sentence, without_name)


def test_too_few_content_words_is_not_supported():
    assert not LexicalJudge().supports("Inspectors praised the fostering recruitment campaign.", PASSAGE)
    assert not LexicalJudge().supports("[1]", PASSAGE)


def test_money_and_percentages():
    passage = "The grant rose by \u00a3750 to cover 45% of the cost of the scheme in 2019."
    assert LexicalJudge().supports("The grant rose by \u00a3750, covering 45 per cent of the cost in 2019.", passage)
    assert not LexicalJudge().supports(
        "The grant rose by \u00a3750, covering 45 per cent of the cost in 2020.", passage
    )
    assert not LexicalJudge().supports(
        "The grant rose by \u00a3750 to cover 45% of the cost.", "The grant rose by 750."
    )
    assert numbers("\u00a31,200 and 45 per cent") == {"\u00a31200", "45%"}
    assert names("Amanda Andrews will report by 30 June 2022.") == {"amanda", "andrews", "june"}
    assert names("Councillors asked about SEND.") == {"send"}


class AlwaysYes:
    name = "always"

    def supports(self, sentence: str, passage: str) -> bool:
        return True


def test_any_judge_with_supports_plugs_in():
    assert isinstance(LexicalJudge(), Judge) and isinstance(AlwaysYes(), Judge)
    q = question("q1", evidence=(Evidence(F1, WAIT_QUOTE),))
    cites = [Citation(1, F1, "Unrelated text.")]
    assert score_citations("It was long [1].", cites, q.evidence, AlwaysYes()).values["citation_support"] == 1.0
    assert score_citations("It was long [1].", cites, q.evidence, LexicalJudge()).values["citation_support"] == 0.0
    # The judge decides support only: a passage without evidence is irrelevant whatever the judge says.
    assert score_citations("It was long [1].", cites, q.evidence, AlwaysYes()).values["citation_precision"] == 0.0
