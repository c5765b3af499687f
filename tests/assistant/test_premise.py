"""A question that opens with a statement ("Kent asked in January 2025 to join the programme. What happened?") is
answered about what it asks, not about the statement: the statement's paper is where the search lands first, the
answer is in a later one."""

from __future__ import annotations

import pytest

from assistant.engine import Assistant
from assistant.frame import premise
from assistant.settings import Settings


@pytest.mark.parametrize(
    ("question", "ask", "since"),
    [
        ("Kent asked in January 2025 to join the programme. What happened?", "What happened?", "2025-02-01"),
        ("In December 2024 Cabinet was told a review was due; did it go ahead?", "did it go ahead?", "2025-01-01"),
        ("The committee met on 31 March 2022. What was the outcome?", "What was the outcome?", "2022-04-01"),
        ("Ofsted judged the service inadequate in 2017. What came of it?", "What came of it?", "2018-01-01"),
        # An ask about the time before the statement, or about something else, keeps no date.
        ("Ofsted judged the service inadequate in 2017. What happened before that?", "What happened before that?",
         None),
        ("Alison Smale led the 2024 inspection of Cheshire West and Chester. Did she lead any other?",
         "Did she lead any other?", None),
    ],
)
def test_a_statement_then_a_question_is_split(question, ask, since):
    found = premise(question)
    assert found is not None and found.ask == ask and found.since == since
    assert question.startswith(found.text)


@pytest.mark.parametrize(
    "question",
    ["What did Ofsted find in 2018? Why?", "Who chaired it, and who was vice-chairman?", "What happened in 2019?"],
)
def test_a_question_that_opens_by_asking_states_nothing(question):
    assert premise(question) is None


@pytest.fixture(scope="module")
def assistant(corpus_index, tmp_path_factory) -> Assistant:
    return Assistant(Settings(home=tmp_path_factory.mktemp("unused")), index=corpus_index)


def test_what_came_of_a_statement_is_answered_from_a_later_paper(assistant):
    question = (
        "In January 2025 the County Council was asked to back a request for Kent and Medway to join the Devolution "
        "Priority Programme. What came of it?"
    )
    answer = assistant.ask(question, role="member")
    assert not answer.abstained, answer.answer
    first = answer.citations[0]
    # The March 2025 minutes say the Government decided not to include Kent and Medway; the January paper, which
    # the statement's words find first, only asks for it.
    assert (first.date or "") > "2025-01-31", (first.date, first.text[:200])
    assert "not to include Kent and Medway" in answer.answer


def test_what_a_meeting_resolved_on_a_numbered_item_comes_from_that_items_resolutions(assistant):
    """The record's resolutions are matched to the item the question names (its heading: "90. 24/00109 - ..."),
    not to every item of the meeting."""
    answer = assistant.ask("What did Kent's Cabinet decide on decision 24/00109 at its January 2025 meeting?")
    assert not answer.abstained, answer.answer
    first = answer.citations[0]
    assert first.label.startswith("90("), (first.label, first.text[:200])
    assert "Strengthening Independence Service" in answer.sentences[0].text
    assert "Integrated Care Strategy" not in answer.answer  # item 91's resolutions, the next item of the minutes


@pytest.mark.parametrize(
    ("question", "said", "not_said"),
    [
        # The report's own header line, of the report the question names, not the other report of the same pack
        ("Who is the contact officer for the home to school transport consultation report to Buckinghamshire's "
         "Children's Select Committee in November 2018?", "Contact officer: Tracey Lawrence", "Richard Nash"),
        # Names that follow a bare label ("7. Report Authors:"), each in a passage of its own
        ("Which officers authored Kent County Council's January 2025 paper on the English Devolution White Paper?",
         "David Whittle", "Sharon Howard"),
        # A division's side, with its tally, of the item the question names
        ("Which members abstained on the Pay Policy Statement at Kent County Council in March 2025?",
         "Abstain (2) Mr Lehmann, Mr Sole", "Mr Booth"),
    ],
)
def test_who_a_report_is_from_and_who_voted_how_are_answered_from_the_record(assistant, question, said, not_said):
    answer = assistant.ask(question, role="member")
    assert not answer.abstained, answer.answer
    assert said in answer.sentences[0].text and not_said not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # A financial year ("2024-25") runs into the next: the meeting of January 2025 is one the question may mean
        ("What did Kent's Cabinet resolve about the 2024-25 revenue and capital budget monitoring report for "
         "November?", "Note the forecast capital underspend of £111.6m"),
        # A paper's recommendations are what its readers are asked to do
        ("What was Kent County Council asked to agree about the English Devolution White Paper?",
         "Endorse the ongoing joint work between KCC, Medway Council"),
    ],
)
def test_what_a_body_resolved_or_was_asked_to_agree_comes_from_the_record(assistant, question, said):
    answer = assistant.ask(question)
    assert not answer.abstained, answer.answer
    assert said in answer.answer, answer.answer
