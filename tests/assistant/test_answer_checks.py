"""The checks every answerer shares, on the real seed index: what declines, and why, before any answer is made."""

from __future__ import annotations

import pytest

from assistant.answerer import Measures, Thresholds, verdict
from assistant.engine import Assistant
from assistant.frame import Catalog, frame
from assistant.settings import Settings

OPEN = Thresholds(cosine=0.0, coverage=0.0, focus=0.0)


@pytest.fixture(scope="module")
def assistant(seed_index, tmp_path_factory) -> Assistant:
    return Assistant(Settings(home=tmp_path_factory.mktemp("unused")), index=seed_index)


def _reason(assistant: Assistant, question: str) -> str | None:
    return assistant.prepare(question, role="member").reason


def test_an_answerable_question_passes(assistant):
    assert _reason(assistant, "How long do children in Buckinghamshire wait for an autism assessment?") is None


def test_a_council_with_no_papers_declines(assistant):
    assert "Surrey" in _reason(assistant, "How long do children in Surrey wait for an autism assessment?")


def test_a_year_no_passage_mentions_declines(assistant):
    question = "How long did children in Buckinghamshire wait for an autism assessment in 1997?"
    assert "1997" in _reason(assistant, question)


def test_a_meeting_date_no_paper_holds_declines(assistant):
    reason = _reason(assistant, "Who sent apologies to the select committee meeting on 3 February 2019?")
    assert "2019-02-03" in reason


def test_a_committee_no_paper_names_declines(assistant):
    reason = _reason(assistant, "What did the Transport Scrutiny Committee say about caseloads in Buckinghamshire?")
    assert "Transport Scrutiny Committee" in reason


def test_a_committee_named_with_its_councils_possessive_is_the_committee(assistant):
    """"Buckinghamshire's Children's Select Committee" is the Children's Select Committee, which the seeds hold."""
    question = "Who contributed to the home to school transport item at Buckinghamshire's Children's Select Committee?"
    assert _reason(assistant, question) is None
    reason = _reason(assistant, "What did Buckinghamshire's Transport Scrutiny Committee say about caseloads?")
    assert "Transport Scrutiny Committee" in reason and "Buckinghamshire's" not in reason


def test_since_a_year_does_not_need_the_year_in_a_passage(assistant):
    reason = _reason(assistant, "How has the number of agency social workers in Buckinghamshire changed since 1999?")
    assert reason is None or "1999" not in reason


def test_an_inspection_year_the_index_does_not_hold_declines():
    catalog = Catalog(
        councils=frozenset({"London Borough of Camden"}),
        inspections={"London Borough of Camden": frozenset({2025})},
    )
    f = frame("What overall judgement did Ofsted give Camden at its 2018 inspection?", catalog)
    from assistant.answerer import _inspection_not_held

    assert "2018" in _inspection_not_held(f, catalog)
    assert _inspection_not_held(frame("What did Ofsted judge Camden at its 2025 inspection?", catalog), catalog) is None


def test_an_inspection_kind_the_councils_record_does_not_hold_declines():
    from assistant.answerer import _inspection_kind_not_held

    wigan, leeds = "Wigan Metropolitan Borough Council", "Leeds City Council"
    catalog = Catalog(
        councils=frozenset({wigan, leeds}),
        inspection_kinds={wigan: frozenset({"area SEND"}), leeds: frozenset({"ILACS"})},
    )
    send = _hits("The local area partnership's SEND arrangements lead to positive experiences and outcomes.")
    asked = frame("What overall effectiveness grade did Wigan get at its last ILACS inspection?", catalog)
    assert wigan in _inspection_kind_not_held(asked, catalog, send)
    # A passage that names the kind asked for may answer it (another paper reports the inspection).
    named = _hits("Wigan's ILACS inspection in 2019 judged its services good.")
    assert _inspection_kind_not_held(asked, catalog, named) is None
    for held in ("What did Leeds's ILACS inspection judge?", "What did Wigan's area SEND inspection find?",
                 # two councils named: two inspections, perhaps of two kinds
                 "Which inspector of Wigan's area SEND inspection later led Leeds's ILACS inspection?"):  # fmt: skip
        assert _inspection_kind_not_held(frame(held, catalog), catalog, send) is None, held


def test_thresholds_decide_only_what_no_hard_reason_decided():
    measures = Measures(slot="figure", hard=None, cosine=0.5, coverage=0.4, focus=0.6)
    assert verdict(measures, OPEN) is None
    assert verdict(measures, Thresholds(0.6, 0.0, 0.0)) == "the closest passages are about something else"
    assert verdict(measures, Thresholds(0.0, 0.0, 0.7)) == "no passage holds the figure asked for"
    assert verdict(Measures("figure", None, 0.9, 0.9, 0.0), OPEN) == "no passage holds the figure asked for"
    assert verdict(Measures("general", "no passage mentions 2019", 0.9, 0.9, 1.0), OPEN) == "no passage mentions 2019"


def test_a_declined_answer_says_why_and_offers_related_passages(assistant):
    answer = assistant.ask("How long did children in Buckinghamshire wait for an autism assessment in 1997?")
    assert answer.abstained and "1997" in answer.declined_because
    assert answer.related and answer.citations == []


def test_an_action_question_is_answered_with_the_plans_actions_from_the_record(assistant):
    answer = assistant.ask("What steps are planned to improve social workers' supervision in Buckinghamshire?")
    said = {s.text: s.citations for s in answer.sentences}
    action = next(t for t in said if t.startswith("Action 6.1: Revise case work supervision template"))
    cited = next(c for c in answer.citations if c.n == said[action][0])
    assert cited.label == "Action 6.1" and "supervision template" in cited.text
    assert any(t.startswith("Action 6.3: Implement and embed the revised supervision guidance") for t in said)


def test_an_action_the_question_numbers_is_stated_from_its_rows_in_the_record(assistant):
    answer = assistant.ask("What is the status of action 2.3 in Buckinghamshire's improvement plan?")
    assert not answer.abstained, answer.declined_because
    # Both plans number an action 2.3: the 2018 plan's row says who owns it and that it is complete
    assert "Julie Davies | Complete" in answer.sentences[0].text
    assert all(c.text.lstrip().startswith("2.3") for c in answer.citations[:2]), [c.text[:40] for c in answer.citations]


def test_a_plans_list_is_the_plan_the_question_names_not_any_plans_actions(assistant):
    """The record holds the social care plan's actions; the SEND plan's priorities are a list in a Cabinet report.
    A question about the SEND plan gets that list, not the other plan's actions and owners."""
    answer = assistant.ask("Which key priorities does the updated SEND improvement action plan of Buckinghamshire "
                           "include?")
    assert answer.sentences[0].text.startswith("41(a): Compliance with the statutory Education Health and Care")
    assert "Errol Albert" not in answer.answer and "Action 1.3" not in answer.answer


def _hits(*texts: str) -> list:
    from index.search import Hit
    from ingest.models import Passage

    doc = {"doc_id": "d", "title": "Budget", "date": "2025-02-13"}
    return [Hit(i, Passage("d", i, f"¶{i}", "", 0, len(t), t), doc, 1.0) for i, t in enumerate(texts)]


def test_a_financial_year_is_a_specific_however_a_paper_writes_it():
    from assistant.answerer import missing_specifics

    held = _hits("Kent has been allocated £5,046,624 for 2024/25.")
    assert missing_specifics("How much was Kent allocated for 2024-25?", held) == []
    assert missing_specifics("How much was Kent allocated for the 2024-2025 year?", held) == []
    assert "2023-24" in missing_specifics("How much was Kent allocated for 2023-24?", _hits("In 2023 and 2024-25 ..."))


def test_a_numbered_amendment_or_recommendation_must_be_numbered_so_in_the_passages(assistant):
    from assistant.answerer import missing_specifics

    held = _hits("Amendment 5 was proposed by Mr Brady and seconded by Mr Hood.")
    assert missing_specifics("Who proposed amendment 5?", held) == []
    assert missing_specifics("Who proposed amendment 6?", held) == ["amendment 6"]
    # A plan's row numbers its action in its first cell, without the word
    row = _hits("2.3\tUndertake dip sampling of assessments.\tPalvinder Kudhail\t30 September 2022")
    assert missing_specifics("What is the status of action 2.3?", row) == []
    assert missing_specifics("What is the status of action 2.4?", row) == ["action 2.4"]
    # On the seed index: the Voice of the Child inquiry's recommendation 4 is there, a recommendation 14 is not.
    assert _reason(assistant, "Was recommendation 4 of the Voice of the Child inquiry implemented?") is None
    unheld = _reason(assistant, "Was recommendation 14 of the Voice of the Child inquiry implemented?")
    assert "recommendation 14" in unheld


def test_the_records_passages_keep_to_the_callers_filters(assistant):
    """The record answers apologies from the 2 October 2018 minutes; filtered to another paper, none of its
    passages may lead the answer (a filtered search returns no passage outside the filter)."""
    from index.search import Filters

    question = "Who sent apologies to the Children's Select Committee on 2 October 2018?"
    unfiltered = assistant.prepare(question, role="member").hits
    minutes = unfiltered[0].passage.doc_id
    assert "apologies" in unfiltered[0].passage.text.lower()
    papers = assistant.index.store.documents(("public", "restricted"))
    other = next(d["doc_id"] for d in papers if d["doc_id"] != minutes)
    hits = assistant.prepare(question, filters=Filters(doc_id=other), role="member").hits
    assert hits and {h.passage.doc_id for h in hits} == {other}


def test_a_people_question_the_record_answers_is_answered_first_with_the_sentence_that_states_it(assistant):
    answer = assistant.ask("Who sent apologies to the Children's Select Committee on 2 October 2018?", role="member")
    first = answer.sentences[0]
    assert first.text.startswith("Apologies were received from Mrs P Birchley, Mr A Collingwood")
    cited = next(c for c in answer.citations if c.n == first.citations[0])
    assert cited.date == "2018-10-02" and first.text.rstrip(".") in " ".join(cited.text.split())


def test_a_named_month_of_a_year_must_be_in_the_passages_or_their_dates():
    from assistant.answerer import missing_specifics

    held = _hits("The monitoring report as at November 2024-25 showed a projected overspend of £23.3m.")
    assert missing_specifics("What overspend did the November 2024-25 monitoring report show?", held) == []
    assert missing_specifics("What overspend did the October 2024-25 monitoring report show?", held) == [
        "October 2024"
    ]
    # The month in words with the year from the paper's date: a visit "in July" in a letter of August 2018.
    letter = _hits("Ofsted conducted a two-day monitoring visit in July.")
    letter[0].doc["date"] = "2018-08-03"
    assert missing_specifics("What did the July 2018 monitoring visit find?", letter) == []
    assert missing_specifics("What did the June 2018 monitoring visit find?", letter) == ["June 2018"]


def test_how_much_was_spent_needs_an_amount_of_money_not_a_headcount():
    from assistant.answerer import MONEY, SPENDING

    assert SPENDING.search("How much did the council spend on agency social workers in 2021/22?")
    assert not SPENDING.search("How many agency social workers did the council have?")
    assert MONEY.search("Agency staff cost £12.4m in the year") and MONEY.search("a saving of 3.2 million")
    assert not MONEY.search("118 were agency staff (35%)")


def test_a_count_is_not_read_from_dates_or_ages():
    from assistant.answerer import COUNT, holds_amount

    for said in ("Inspection dates: 13 to 17 November 2023", "Dates of previous inspection: 23 to 27 May 2016.",
                 "Young people aged 16 and 17 who are homeless receive a prompt response.",
                 "The visit took place in March 2025 and on 4 April."):  # fmt: skip
        assert COUNT.search(said) and not holds_amount(COUNT, said), said
    for said in ("1,734 children were in need on 30 September 2014.", "Caseloads averaged 18 children in May 2023.",
                 "Aged 16 and over, 45 young people left care."):  # fmt: skip
        assert holds_amount(COUNT, said), said


def test_a_figure_question_needs_a_number_in_its_answer_but_a_duration_may_come_from_dates():
    from assistant.answerer import COUNT, asked_amount

    catalog = Catalog()
    assert asked_amount(frame("What was the average caseload of a social worker in 2023?", catalog)) is COUNT
    assert asked_amount(frame("How many children had a child protection plan?", catalog)) is COUNT
    assert asked_amount(frame("How long was there between the previous inspection and this one?", catalog)) is None
    assert asked_amount(frame("Who chaired the meeting?", catalog)) is None


def test_a_copyright_line_is_never_an_answer():
    from assistant.engine import _COPYRIGHT

    assert _COPYRIGHT.match("© Crown copyright 2026") and _COPYRIGHT.match("Copyright Kent County Council 2025")
    assert not _COPYRIGHT.match("The council holds the copyright of the maps in Appendix 2, which it licenses.")


def test_who_leads_a_plans_action_is_answered_with_the_rows_owner_and_date(assistant):
    # The plan's table row holds the action, its lead and its deadline in cells: one row, one answer line.
    answer = assistant.ask(
        "Which officer leads the work on supporting mothers with repeat pregnancies where children are removed?",
        role="member",
    )
    assert not answer.abstained and "Errol Albert" in answer.answer and "31 March 2023" in answer.answer


def test_the_records_recommendations_lead_only_when_they_are_about_what_is_asked(assistant):
    # Cabinet's papers hold many recommendations; the one about caseload reports answers, not the first of them.
    question = "Which recommendation asks for regular caseload reporting to the Cabinet Member?"
    answer = assistant.ask(question, role="member")
    assert not answer.abstained
    assert "Weekly report to the Cabinet Member" in answer.citations[0].text


def test_a_person_question_is_not_answered_with_the_records_areas_to_improve(assistant):
    # "Improvement Plan" in a report's title is no ask for the areas to improve: the question wants a person.
    answer = assistant.ask("Who was the contact officer for Buckinghamshire's Ofsted Improvement Plan Phase 2 report?")
    assert not answer.abstained and "Richard Nash" in answer.sentences[0].text, answer.answer


def test_a_qualified_role_the_passages_never_name_declines():
    from assistant.answerer import _hard_reason

    catalog = Catalog()
    lead = _hits("Lead inspector: Amanda Maxwell, His Majesty's Inspector", "Inspection dates: 10 to 14 July 2023")
    asked = frame("Who was the deputy lead inspector for the July 2023 inspection?", catalog)
    assert _hard_reason(asked, lead, catalog, lambda _: True) == "no passage names the deputy lead inspector"
    unqualified = frame("Who was the lead inspector for the July 2023 inspection?", catalog)
    assert _hard_reason(unqualified, lead, catalog, lambda _: True) is None
    minutes = _hits("PRESENT: Mr A Kennedy (Chairman), Mrs S Prendergast (Vice-Chairman), Mr D Beaney")
    vice = frame("Who was the vice chairman at the budget meeting?", catalog)
    assert _hard_reason(vice, minutes, catalog, lambda _: True) is None
