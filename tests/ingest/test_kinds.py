"""Passage kinds from the paper's own cues, on the seeds and on hand-made passages for each branch."""

from __future__ import annotations

import pytest

from ingest.kinds import KINDS, NAVIGATION, kind_of, tag
from ingest.models import Document, Passage

PLAN_HEADER = "Ref\tAction\tAccountable Lead\tDeadline for completion\tProgress RAG"


def _doc(seed_docs: dict[str, Document], prefix: str) -> Document:
    return next(doc for name, doc in seed_docs.items() if name.startswith(prefix))


def _one(doc: Document, label: str) -> Passage:
    found = [p for p in doc.passages if p.label == label]
    assert len(found) == 1, f"{len(found)} passages labelled {label!r}"
    return found[0]


def _p(text: str, label: str = "¶1", section: str = "", **kw) -> Passage:
    return Passage(doc_id="d", ordinal=0, label=label, section=section, start=0, end=len(text), text=text, **kw)


# --- the seeds --------------------------------------------------------------------------------


def test_inspection_finding_in_a_cabinet_report(seed_docs):
    p = _one(_doc(seed_docs, "000"), "45(e)")
    assert p.kind == "finding"
    assert (p.owner, p.due) == (None, None)


def test_key_finding_that_asks_for_something_is_a_recommendation(seed_docs):
    assert _one(_doc(seed_docs, "003"), "Key finding 2").kind == "recommendation"


def test_letter_strengths_and_areas_for_development(seed_docs):
    doc = _doc(seed_docs, "001")
    ticks = [
        p
        for p in doc.passages
        if p.text.startswith("- ✓") and p.part_title == "Joint area SEND inspection in Buckinghamshire"
    ]
    # The section path starts with the letter's sub-heading ("The effectiveness of ... > Strengths").
    strengths = [p for p in ticks if p.section.endswith(" > Strengths")]
    areas = [p for p in ticks if p.section.endswith(" > Areas for development")]
    assert (len(strengths), len(areas)) == (23, 15)
    assert {p.kind for p in strengths} == {"strength"}
    assert {p.kind for p in areas} == {"area_for_development"}
    # The letter's main findings, before any Strengths heading, are findings.
    main = [p for p in ticks if p.section == "Main Findings"]
    assert len(main) == 17 and {p.kind for p in main} == {"finding"}


def test_letter_sub_headings_are_not_areas_for_development(seed_docs):
    heads = [p for p in _doc(seed_docs, "001").passages if p.text.startswith("The effectiveness of the local area")]
    # A heading is a section title (a heading passage, or at most an untagged one), never a finding or an area.
    assert {p.kind for p in heads} <= {None, "heading"}


def test_resolutions_in_the_minutes(seed_docs):
    doc = _doc(seed_docs, "001")
    resolved = [p for p in doc.passages if p.text.startswith(("RESOLVED", "Resolved:"))]
    assert len(resolved) == 2
    assert {p.kind for p in resolved} == {"resolution"}
    assert [p.ordinal for p in doc.passages if p.kind == "resolution"] == [p.ordinal for p in resolved]
    assert resolved[0].label == "Agenda item 3, resolution"


def test_resolved_in_sentence_case_is_labelled_like_upper_case(seed_docs):
    p = next(p for p in _doc(seed_docs, "001").passages if p.text.startswith("Resolved: that Councillor J Ward"))
    assert p.label == "Agenda item 2, resolution"


def test_action_plan_row_has_owner_and_due_date(seed_docs):
    p = _one(_doc(seed_docs, "001"), "Action 2.6")
    assert (p.kind, p.owner, p.due) == ("action", "Ollie Foxell", "2022-09-30")
    assert (_one(_doc(seed_docs, "001"), "Action 1.1").owner, _one(_doc(seed_docs, "001"), "Action 1.1").due) == (
        "Amanda Andrews",
        "2022-06-30",
    )


def test_grades_table_is_a_judgement(seed_docs):
    table = next(p for p in _doc(seed_docs, "000").passages if p.text.startswith("Judgement\tPrimary\tSecondary"))
    assert table.kind == "judgement"


def test_every_seed_kind_is_a_known_kind(seed_docs):
    kinds = {p.kind for doc in seed_docs.values() for p in doc.passages}
    assert kinds - {None} <= set(KINDS) | set(NAVIGATION)
    assert kinds - {None} - set(NAVIGATION) == set(KINDS)  # the seeds exercise every kind


# --- each branch of kind_of -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passage", "part_kind", "expected"),
    [
        (_p("RESOLVED that the report be noted."), "", "resolution"),
        (_p("Resolved: that Cllr Ward be Chairman."), "", "resolution"),
        (_p("Members agreed the report.", label="Agenda item 4, resolution"), "", "resolution"),
        # RESOLVED wins over every later cue, even a recommendation's "should".
        (_p("RESOLVED that the service should report in May.", label="Action 1.1"), "", "resolution"),
        (_p("1.1\tReview the re-referral rate.\tA Lead\t30 June 2022", label="Action 1.1"), "", "action"),
        (_p("- Too few therapists.", section="Letter > Areas for development"), "", "area_for_development"),
        (_p("- Too few therapists.", section="Area for development"), "", "area_for_development"),
        (_p("- Leaders should be proud.", section="Strengths"), "", "strength"),
        (_p("- Good outcomes.", section="Letter > Strengths"), "", "strength"),
        (_p("The service was judged to be good."), "", "judgement"),
        (_p("Ofsted rated the home outstanding."), "", "judgement"),
        (_p("Judgement\tPrimary\tSecondary\nGood\t3\t4"), "", "judgement"),
        (_p("Members need the reports.", label="Key finding 3"), "", "recommendation"),
        (_p("Publish the data.", label="Recommendation 2"), "", "recommendation"),
        (_p("Publish the data.", section="Report > Recommendations"), "", "recommendation"),
        (_p("The committee recommends a review."), "", "recommendation"),
        (_p("The board should meet monthly."), "", "recommendation"),
        (_p("Caseloads are too high.", part_title="Joint area SEND inspection"), "letter", "finding"),
        (_p("Caseloads are too high.", section="Main Findings"), "", "finding"),
        (_p("Inspectors spoke with parents."), "", "finding"),
        (_p("The review found that plans were weak."), "", "finding"),
        (_p("Ofsted identified gaps in supervision."), "", "finding"),
        (_p("The team will recruit six workers.", section="Next steps"), "", "action"),
        (_p("A new panel is due to start in May.", section="Action plan"), "", "action"),
        (_p("A new panel is planned.", lead="Actions we are taking:"), "", "action"),
        # No cue at all, or a cue without what it needs, is no kind.
        (_p("The meeting closed at 2.55 pm."), "", None),
        (_p("The team recruited six workers.", section="Next steps"), "", None),
        (_p("Caseloads are too high.", part_title="Joint area SEND inspection"), "report", None),
        (_p("The service was good at listening."), "", None),
    ],
)
def test_kind_of_branches(passage, part_kind, expected):
    assert kind_of(passage, part_kind) == expected


def test_tag_reads_owner_from_the_lead_column_and_due_from_the_row():
    row = _p(
        "3.2\tIssue new guidance on plans.\tGareth Morgan\t30 November 2022\tGreen",
        label="Action 3.2",
        lead=PLAN_HEADER,
    )
    tagged = tag(row)
    assert (tagged.kind, tagged.owner, tagged.due) == ("action", "Gareth Morgan", "2022-11-30")
    assert tagged.text == row.text and tagged.label == row.label


def test_tag_without_a_lead_column_has_no_owner():
    row = _p("3.2\tIssue new guidance.\tGareth Morgan\t30 November 2022", label="Action 3.2", lead=None)
    assert (tag(row).owner, tag(row).due) == (None, "2022-11-30")


def test_tag_sets_no_owner_or_due_on_other_kinds():
    p = tag(_p("Inspectors found that plans due by 1 May 2022 were late.", lead=PLAN_HEADER))
    assert (p.kind, p.owner, p.due) == ("finding", None, None)


def test_a_row_of_a_table_with_action_and_lead_columns_is_an_action():
    header = "Number\tWhat we want to achieve\tAction\tLead\tTimeframe"
    row = _p("3.3\tTo reduce reliance on agency staff.\tTo consult agency staff.\tRichard Nash\tNov 2018", lead=header)
    assert kind_of(row) == "action"
    # An "Action" column alone (a glossary, a list of decisions) does not make its rows a plan's.
    assert kind_of(_p("3.3\tTo reduce reliance on agency staff.", lead="Number\tAction")) is None
