from eval_cases import F1, F2, WAIT_QUOTE

from evals.dataset import Evidence
from evals.match import file_name, supported_quotes, supports, text_supports
from evals.text import normalise


def test_normalise_unifies_quotes_dashes_markdown_bullets_and_space():
    raw = "- 45. The **council\u2019s**  plan \u2014 agreed\tin\n__2018__"
    assert normalise(raw) == "the council's plan - agreed in 2018"
    assert normalise("## Key finding 2") == "key finding 2"
    assert normalise("a) Review the\u00a0plan") == "review the plan"


def test_quote_inside_a_formatted_passage_supports_it():
    passage = "45. The **average** wait is 559 days,\tand the longest wait is 811 days. Members asked why."
    assert text_supports(passage, WAIT_QUOTE)
    assert supports(F1, passage, Evidence(F1, WAIT_QUOTE))


def test_relevance_requires_the_same_file():
    assert not supports(F2, WAIT_QUOTE, Evidence(F1, WAIT_QUOTE))
    assert supports(f"corpus/seeds/{F1}", WAIT_QUOTE, Evidence(F1, WAIT_QUOTE))
    assert file_name("a\\b\\c.txt") == "c.txt"


def test_near_match_needs_eighty_percent_of_quote_words_in_order():
    quote = "one two three four five six seven eight nine ten"
    # 8 of 10 quote words, in order (two replaced): supports.
    assert text_supports("one two three four five six seven eight ELEVEN TWELVE", quote)
    # 7 of 10: does not.
    assert not text_supports("one two three four five six seven X Y Z", quote)
    # All 10 words but scrambled: the in-order match is short, so it does not support.
    assert not text_supports("ten nine eight seven six five four three two one", quote)


def test_a_passage_that_is_part_of_a_split_quote_supports_it():
    quote = "the council will recruit more permanent social workers and reduce its reliance on agency staff by 2020"
    first_half = "The council will recruit more permanent social workers and"
    second_half = "reduce its reliance on agency staff by 2020."
    assert text_supports(first_half, quote)
    assert text_supports(second_half, quote)
    # A heading that merely occurs inside the quote is too short to count.
    assert not text_supports("Social workers", quote)


def test_supported_quotes_lists_indexes():
    evidence = (Evidence(F1, WAIT_QUOTE), Evidence(F1, "Something else entirely was said at the meeting."))
    assert supported_quotes(F1, WAIT_QUOTE, evidence) == [0]
