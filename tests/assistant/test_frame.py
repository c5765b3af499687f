"""The question frame: the slot asked for, the focus, and the council, meeting, years and body a question names."""

from __future__ import annotations

import pytest

from assistant.frame import Catalog, frame, slot_of

CATALOG = Catalog(
    councils=frozenset({"London Borough of Camden", "Kent County Council", "London Borough of Lewisham"}),
    bodies=frozenset({"Cabinet", "County Council", "Children's & Education Select Committee", "Ofsted"}),
    dates=frozenset({"2025-03-13"}),
)


@pytest.mark.parametrize(
    ("question", "slot"),
    [
        ("How many children were waiting for an assessment?", "figure"),
        ("How much did the council spend on agency staff?", "figure"),
        ("When did the inspection start?", "date"),
        ("What was the timetable for the four new children's homes?", "date"),
        ("Who sent apologies to the meeting?", "person"),
        ("Which officer leads the work on repeat pregnancies?", "person"),
        ("What overall effectiveness grade did Ofsted give Camden?", "judgement"),
        ("What minimum hourly rate did the budget propose for grade KSA staff?", "figure"),  # a pay grade
        ("What areas for improvement did Ofsted set Medway?", "list"),
        ("What are the priorities in the updated action plan?", "list"),
        ("What was Ofsted's overall verdict on the council's children's services?", "judgement"),
        ("Which recommendations did the select committee make?", "list"),
        ("How have the judgements changed between 2016 and 2019?", "trend"),
        ("Is the improvement plan on track?", "status"),
        ("Why did the council withdraw the proposal?", "reason"),
        ("Did the council agree the budget?", "yesno"),
        ("What did the inquiry say about foster carers?", "general"),
        ("What areas did Ofsted review at its monitoring visit?", "list"),  # a plural asked for
        ("What routes are there for young people moving into adulthood?", "list"),
        ("In which earlier years had inspectors raised concerns?", "general"),  # years are dates, not items
        ("What progress has the council made?", "status"),  # "progress" is not a plural
    ],
)
def test_slot_of_a_question(question, slot):
    assert slot_of(question) == slot


def test_a_named_council_is_resolved_and_kept_out_of_the_focus():
    f = frame("What overall effectiveness grade did Ofsted give Camden's children's services in 2025?", CATALOG)
    assert f.councils == ("London Borough of Camden",) and f.unknown_councils == ()
    assert f.years == (2025,) and "camden" not in f.focus and "2025" not in f.focus
    assert {"effectiveness", "grade"} <= set(f.focus)


def test_a_council_the_index_does_not_hold_is_named_as_unknown():
    f = frame("What did Surrey's children's services inspection find about caseloads?", CATALOG)
    assert f.councils == () and f.unknown_councils == ("Surrey County Council",)


def test_a_meeting_date_and_body_are_references_not_focus():
    f = frame("Who sent apologies to the County Council meeting on 13 March 2025?", CATALOG)
    assert f.dates == ("2025-03-13",) and f.bodies == ("County Council",)
    assert f.focus == ("sent", "apologies")
    assert f.slot == "person" and f.references


def test_since_and_until_are_bounds_not_specifics():
    f = frame("Has the timeliness of EHC assessments improved since the 2018 inspection?", CATALOG)
    assert f.since == 2018 and f.years == (2018,)
    assert frame("What happened before 2016?", CATALOG).until == 2016


def test_temporal_words_and_the_papers_own_words():
    latest = frame("Who led the latest inspection of Lewisham?", CATALOG)
    assert latest.temporal == "latest" and "lead" in latest.expand  # minutes and reports say "Lead inspector"
    assert "chairman" in frame("Who chaired the Cabinet?", CATALOG).expand


def test_last_asks_for_the_latest_only_as_an_adjective():
    assert frame("What did the last inspection of Lewisham find?", CATALOG).temporal == "latest"
    assert frame("When was Lewisham last inspected?", CATALOG).temporal == "latest"
    assert frame("What did Lewisham decide last year?", CATALOG).temporal == "latest"
    assert frame("How long did the 2021 inspection of Lewisham last?", CATALOG).temporal is None
    assert frame("How has the grant fallen since the system was last reviewed?", CATALOG).temporal != "latest"


def test_a_question_in_lower_case_still_names_its_council():
    assert frame("what did ofsted say about camden", CATALOG).councils == ("London Borough of Camden",)


@pytest.mark.parametrize(
    "question",
    [
        "What steps are planned to improve social workers' supervision?",
        "What does the phase 2 improvement plan say will be done to strengthen the front door?",
        "What did the council commit to doing about reliance on agency social workers?",
    ],
)
def test_a_question_about_what_will_be_done_asks_for_actions(question):
    assert frame(question, Catalog()).kinds == {"action"}


def test_a_question_about_findings_and_actions_keeps_both():
    assert frame("What did Ofsted find and what actions are planned?", Catalog()).kinds >= {"action", "finding"}


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("Who chaired it, and who was vice-chairman?", ["Who chaired it?", "who was vice-chairman?"]),
        # A first ask without a verb shares the second's: its council and year go with it
        ("How much extra investment and how many new posts did Wigan fund before the 2022 inspection?",
         ["How much extra investment did Wigan fund before the 2022 inspection?",
          "how many new posts did Wigan fund before the 2022 inspection?"]),
        ("Which councils reported overspends and what were the amounts?",
         ["Which councils reported overspends?", "what were the amounts?"]),
        ("What did Ofsted find?", ["What did Ofsted find?"]),
    ],
)
def test_a_question_that_asks_two_things_is_split_into_its_asks(question, parts):
    from assistant.frame import asks

    assert asks(question) == parts


def test_a_financial_year_holds_both_its_years():
    f = frame("What did Lewisham spend in 2024-25 and in 2019?", CATALOG)
    assert f.years == (2019, 2024) and f.years_held == {2019, 2024, 2025}
    assert frame("What happened in 2024-2025?", CATALOG).years_held >= {2024}


def test_the_inspections_acronym_is_a_reference_not_a_focus_word():
    f = frame("Who were the inspectors on Lewisham's ILACS inspection?", CATALOG)
    assert f.inspection == "ILACS" and "ilacs" not in f.focus
