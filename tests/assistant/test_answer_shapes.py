"""Answer shapes on made-up passages: the sentence that holds the fact first, a list's items, a trend's dates in
order, two asks joined; citations always point at the passage each sentence was copied from."""

from __future__ import annotations

import numpy as np

from assistant.choose import FEATURES, Chooser, choose
from assistant.extractive import terms
from assistant.frame import Catalog, frame
from assistant.models import Answer, AnswerSentence, Citation
from assistant.shapes import action_lines, compose, join_answers, list_lines, stated_lines, trend_lines
from index.search import Hit
from ingest.models import Passage

DOC = {"doc_id": "d1", "source": "paper.pdf", "title": "Inspection of Anytown", "date": "2024-03-01",
       "body": "Ofsted", "doc_type": "inspection report", "council": "Anytown Council", "access": "public"}


def _hit(n: int, text: str, label: str | None = None, section: str = "Findings", doc: dict | None = None,
         lead: str | None = None, kind: str | None = None) -> Hit:
    d = {**DOC, **(doc or {})}
    p = Passage(d["doc_id"], n, label or f"¶{n + 1}", section, 0, len(text), text, lead=lead, kind=kind)
    return Hit(100 + n, p, d, 1.0 / (n + 1))


def _only(feature: str) -> Chooser:
    w = np.zeros(len(FEATURES))
    w[FEATURES.index(feature)] = 1.0
    return Chooser(w, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), margin=0.0)


def test_the_sentence_that_holds_the_figure_comes_first():
    f = frame("How long do children wait for an autism assessment?", Catalog())
    hits = [
        _hit(0, "Children wait too long for an autism assessment in the area. Leaders know this well."),
        _hit(1, "The average wait for an autism assessment is 559 days, and the longest is 811 days."),
    ]
    chosen = choose(f, hits, limit=2, chooser=_only("slot_fill"))
    assert chosen[0].text.startswith("The average wait") and chosen[0].hit_rank == 1


def test_compose_numbers_citations_by_first_use_and_cites_each_sentence():
    from assistant.extractive import Line

    hits = [_hit(0, "A first passage says one thing."), _hit(1, "A second passage says another thing.")]
    answer = compose("q", "q", hits, [Line("Another thing", 1), Line("One thing", 0), Line("Again another", 1)])
    assert answer.answer == "Another thing. [1] One thing. [2] Again another. [1]"
    assert [c.passage_id for c in answer.citations] == ["d1:1", "d1:0"]
    assert [s.citations for s in answer.sentences] == [[1], [2], [1]]


def test_a_list_question_gives_the_items_with_their_labels():
    f = frame("What recommendations did the inquiry make?", Catalog())
    lead = "The inquiry makes the following recommendations:"
    hits = [
        _hit(3, "Recommendation 2: Cabinet should publish caseloads every month.", "Recommendation 2", lead=lead),
        _hit(0, "Early help is improving across the borough for most families."),
    ]
    siblings = [
        _hit(2, "Recommendation 1: The council should recruit more foster carers.", "Recommendation 1", lead=lead),
        _hit(4, "Recommendation 3: Members should visit the front door twice a year.", "Recommendation 3", lead=lead),
    ]
    lines = list_lines(f, hits, lambda h: siblings, set())
    assert [ln.text.split(":")[0] for ln in lines] == ["Recommendation 1", "Recommendation 2", "Recommendation 3"]
    assert all(hits[ln.hit_rank].passage.label == ln.text.split(":")[0] for ln in lines)  # each cites its own item


def test_a_trend_gives_dated_values_in_date_order():
    f = frame("How have Anytown's judgements changed over the years?", Catalog(councils=frozenset({"Anytown Council"})))
    def paper(doc_id: str, date: str) -> dict:
        return {"doc_id": doc_id, "date": date}

    hits = [
        _hit(0, "Overall effectiveness was judged to be good at this inspection.", doc=paper("d3", "2024-03-01")),
        _hit(1, "The overall judgement is that services are inadequate.", doc=paper("d1", "2016-05-01")),
        _hit(2, "Services were judged to require improvement to be good.", doc=paper("d2", "2019-07-01")),
    ]
    lines = trend_lines(f, hits, {"judg", "overall"})
    assert [ln.text[:10] for ln in lines] == ["2016-05-01", "2019-07-01", "2024-03-01"]


def test_a_trend_of_ofsteds_view_gives_each_inspections_grade_not_any_dated_sentence():
    catalog = Catalog(councils=frozenset({"Anytown Council"}), bodies=frozenset({"Ofsted"}))
    f = frame("How did Ofsted's view of Anytown's services for children in care change between 2015 and 2019?", catalog)
    hits = [
        _hit(0, "The director of services for children in care has been in post since 1 September 2015.",
             doc={"doc_id": "d1", "date": "2016-01-20"}),
        _hit(1, "Services for children in care require improvement to be good.", doc={"doc_id": "d1",
                                                                                   "date": "2016-01-20"}),
        _hit(2, "Services for children in care were judged to be inadequate.", doc={"doc_id": "d2",
                                                                                 "date": "2019-07-19"}),
    ]
    lines = trend_lines(f, hits, terms(" ".join(f.focus)))
    assert [ln.text for ln in lines] == [
        "2016-01-20: Services for children in care require improvement to be good.",
        "2019-07-19: Services for children in care were judged to be inadequate.",
    ]


def test_two_answers_join_with_shared_and_renumbered_citations():
    def answer(text: str, cites: list[tuple[int, str]]) -> Answer:
        citations = [Citation(n=n, doc_id="d1", passage_id=pid, source="p.pdf", title="T", date=None, body=None,
                              doc_type="minutes", label=pid, section="", page=None, start=0, end=1, text="x",
                              kind=None, score=1.0) for n, pid in cites]
        return Answer(question="q", query="q", answer=text, abstained=False, citations=citations,
                      sentences=[AnswerSentence(text=text, citations=[n for n, _ in cites])])

    joined = join_answers("Who chaired it, and who was vice-chairman?", [
        answer("Mr A chaired.", [(1, "d1:5")]),
        answer("Mr B was vice-chairman.", [(1, "d1:5"), (2, "d1:6")]),
    ])
    assert joined.answer == "Mr A chaired. [1] Mr B was vice-chairman. [1][2]"
    assert [c.passage_id for c in joined.citations] == ["d1:5", "d1:6"]
    declined = Answer.declined("q", "q", [])
    assert join_answers("q?", [declined, declined]).abstained


def _plan() -> tuple[list[Hit], dict[int, list]]:
    text = "Recommendation 6: Improve the quality of case supervision."
    rec = _hit(0, text, "Recommendation 6", kind="recommendation")
    acts = [_hit(n, f"6.{n}\tAction text {n}\tA Lead", f"Action 6.{n}", kind="action") for n in (1, 2)]
    rows = [(h, {"key": h.passage.label.split()[1], "action": f"Do thing {h.passage.label[-1]} well."}) for h in acts]
    return [rec, acts[1]], {rec.id: rows, acts[1].id: rows}


def test_an_action_question_gives_the_item_then_its_actions_each_cited_to_its_row():
    hits, plan = _plan()
    f = frame("What steps are planned to improve supervision?", Catalog())
    lines = action_lines(f, hits, lambda h: plan.get(h.id, []))
    said = [(line.text, hits[line.hit_rank].passage.label) for line in lines]
    assert said == [
        ("Recommendation 6: Improve the quality of case supervision.", "Recommendation 6"),
        ("Action 6.1: Do thing 1 well.", "Action 6.1"),
        ("Action 6.2: Do thing 2 well.", "Action 6.2"),
    ]


def test_an_action_ranked_first_is_given_alone_unless_a_list_is_asked_for():
    hits, plan = _plan()
    hits = hits[1:]  # action 6.2 first
    one = action_lines(frame("What will be done about supervision?", Catalog()), hits, lambda h: plan.get(h.id, []))
    assert [line.text for line in one] == ["Action 6.2: Do thing 2 well."]
    listed = action_lines(frame("List the actions on supervision", Catalog()), hits, lambda h: plan.get(h.id, []))
    assert [line.text[:10] for line in listed] == ["Action 6.1", "Action 6.2"]


def test_a_plan_item_without_actions_in_the_record_gives_no_action_lines():
    hits, _ = _plan()
    assert action_lines(frame("What steps are planned?", Catalog()), hits, lambda h: []) == []


def test_a_trend_of_a_number_gives_each_papers_figure_within_the_years_asked():
    f = frame("How has the number of children on child protection plans moved between 2018 and 2021?", Catalog())

    def paper(doc_id: str, date: str) -> dict:
        return {"doc_id": doc_id, "date": date}

    said = [
        ("d1", "2018-12-10", "Child protection plans were discussed on 11 and 12 December 2018 by the board."),
        ("d2", "2018-10-02", "There were 634 children with child protection plans at the end of the year."),
        ("d3", "2021-11-09", "The number of children with child protection plans has risen from 533 to 716."),
        ("d4", "2016-05-16", "The number of children on child protection plans was 373 in this year."),
    ]
    hits = [_hit(n, text, doc=paper(d, date)) for n, (d, date, text) in enumerate(said)]
    lines = trend_lines(f, hits, terms("number children child protection plans"))
    # 2016 is outside the years asked; the December 2018 paper gives dates, not a figure.
    assert [ln.text for ln in lines] == [
        "2018-10-02: There were 634 children with child protection plans at the end of the year.",
        "2021-11-09: The number of children with child protection plans has risen from 533 to 716.",
    ]


def test_the_records_value_is_stated_by_the_row_that_holds_it_with_its_detail():
    table = (
        "Judgement\tGrade\nThe impact of leaders on social work practice\tGood\n"
        "The experiences and progress of children in care\tOutstanding\nOverall effectiveness\tOutstanding"
    )
    hits = [_hit(0, "Inspectors found strong practice in most teams."), _hit(1, table, "Table 1")]
    overall = {"field": "overall", "value": "Outstanding", "detail": None}
    area = "The experiences and progress of children in care"
    in_care = {"field": "judgement", "value": "Outstanding", "detail": area}
    lines = stated_lines(hits, [(1, overall), (1, in_care), (1, overall)])
    assert [(line.text, line.hit_rank) for line in lines] == [
        ("Overall effectiveness | Outstanding", 1),
        ("The experiences and progress of children in care | Outstanding", 1),
    ]
    assert stated_lines(hits, [(0, {"field": "overall", "value": "Inadequate", "detail": None})]) == []


def test_a_sentence_that_leans_on_the_chosen_one_follows_it_from_the_same_passage():
    from assistant.extractive import ExtractiveAnswerer

    f = frame("How many children in Anytown were in need of a specialist service?", Catalog())
    text = ("At 31 March 2015, 1,934 children were formally in need of a specialist children's service. "
            "This is an increase from 1,413 at 31 March 2014. Staff turnover is low across the service.")
    answer = ExtractiveAnswerer().answer(f, f.question, f.question, [_hit(0, text)])
    said = [s.text for s in answer.sentences]
    assert said[:2] == ["At 31 March 2015, 1,934 children were formally in need of a specialist children's service.",
                        "This is an increase from 1,413 at 31 March 2014."]
    assert all(s.citations == [1] for s in answer.sentences)
    assert not any(s.startswith("Staff turnover") for s in said)  # a sentence that does not lean on it stays out


def test_a_table_row_is_not_cut_at_a_cells_full_stop():
    from assistant.extractive import sentences, tidy

    row = ("2.7\tIdentify initiatives that support mothers who have repeat pregnancies.\tErrol Albert\t"
           "31 March 2023\tAction status:\t\n\t\t\t\tImpact against outcomes set:\t")
    first = tidy(sentences(row)[0][1])
    assert "Errol Albert | 31 March 2023" in first and first.startswith("2.7 | Identify initiatives")


def test_a_trend_of_a_number_keeps_a_sentence_that_holds_the_change_itself():
    f = frame("How has take-up of places by two-year-olds changed?", Catalog())
    hits = [
        _hit(0, "The introduction of 30 hours is affecting the take up of places by two year olds. Take up by two "
                "year olds has reduced from 82% in 2016 to 75% in 2018.", doc={"doc_id": "d1", "date": "2018-12-10"}),
        _hit(1, "Take up of places by two year olds was 70% this autumn.", doc={"doc_id": "d2", "date": "2021-11-09"}),
    ]
    said = " ".join(ln.text for ln in trend_lines(f, hits, terms(" ".join(f.focus))))
    assert "from 82% in 2016 to 75% in 2018" in said and "70% this autumn" in said


def test_a_how_many_question_is_declined_when_no_sentence_of_the_answer_holds_a_count():
    from assistant.extractive import ExtractiveAnswerer

    f = frame("How many children were subject to child protection plans in Anytown?", Catalog())
    vague = _hit(0, "Children subject to child protection plans make tangible progress through well-thought-out plans.")
    declined = ExtractiveAnswerer().answer(f, f.question, f.question, [vague])
    assert declined.abstained and "number asked for" in declined.declined_because
    counted = _hit(1, "At the inspection 412 children were subject to child protection plans in Anytown.")
    answered = ExtractiveAnswerer().answer(f, f.question, f.question, [counted, vague])
    assert not answered.abstained and "412 children" in answered.answer


def test_an_amount_question_is_declined_when_the_answers_amounts_are_of_another_year():
    from assistant.extractive import ExtractiveAnswerer

    f = frame("How much Basic Need funding was Anytown allocated for the 2022-23 financial year?", Catalog())
    budget = {"title": "Basic Need allocations", "date": "2024-03-01"}
    other = _hit(0, "The allocations for the 2024-25 financial year are based on need; Anytown has been allocated "
                    "£5,046,624.", doc=budget)  # fmt: skip
    declined = ExtractiveAnswerer().answer(f, f.question, f.question, [other])
    assert declined.abstained and "year asked for" in declined.declined_because
    asked = _hit(1, "For 2022-23 Anytown was allocated £12,300,000 of Basic Need funding.", doc=budget)
    answered = ExtractiveAnswerer().answer(f, f.question, f.question, [asked, other])
    assert not answered.abstained and "£12,300,000" in answered.answer
    # A year that bounds a period is no year the amount must be of.
    since = frame("How much Basic Need funding has Anytown been allocated since 2022?", Catalog())
    assert not ExtractiveAnswerer().answer(since, since.question, since.question, [other]).abstained


def test_a_how_many_question_is_answered_only_by_a_count_of_what_it_counts():
    from assistant.extractive import ExtractiveAnswerer

    f = frame("How many responses did Anytown's libraries consultation receive?", Catalog())
    weeks = _hit(0, "The public consultation on Anytown's libraries launched on 16 January and ran for eight weeks.")
    declined = ExtractiveAnswerer().answer(f, f.question, f.question, [weeks])
    assert declined.abstained and "number asked for" in declined.declined_because
    counted = _hit(1, "The libraries consultation received 1,204 responses, most of them online.")
    answered = ExtractiveAnswerer().answer(f, f.question, f.question, [weeks, counted])
    assert not answered.abstained and "1,204 responses" in answered.answer


def test_a_lead_in_chosen_last_keeps_its_items_past_the_sentence_limit(monkeypatch):
    # The chooser's three sentences end with a lead-in: its items follow it, though the answer then runs past three.
    import assistant.choose
    from assistant.choose import Candidate
    from assistant.extractive import ExtractiveAnswerer

    text = ("Members noted the limits of funding. Other councils were raising council tax sharply. "
            "Particular reference was made to:\n\no Windsor and Maidenhead, 25%\n\no Slough, 8%")  # fmt: skip
    hit = _hit(0, text)
    said = ["Members noted the limits of funding.", "Other councils were raising council tax sharply.",
            "Particular reference was made to:"]  # fmt: skip
    monkeypatch.setattr(assistant.choose, "choose", lambda f, hits, limit: [Candidate(0, 0, s) for s in said][:limit])
    f = frame("What did members say about other councils' council tax in Anytown?", Catalog())
    answer = ExtractiveAnswerer().answer(f, f.question, f.question, [hit])
    assert [s.text for s in answer.sentences][:3] == said
    assert "Windsor and Maidenhead, 25%" in answer.answer and "Slough, 8%" in answer.answer, answer.answer


def test_a_tables_column_names_are_never_an_answer_line():
    from assistant.extractive import header_row

    text = ("Responsible body\tAreas for priority action\n"
            "Anytown Council and NHS Anytown ICB\tLeaders should urgently improve the shared strategic governance "
            "of the partnership.")
    f = frame("What were the areas for priority action in Anytown's inspection?", Catalog())
    chosen = choose(f, [_hit(0, text, "Table 1")], limit=1, chooser=_only("focus_sentence"))
    assert chosen and chosen[0].text.startswith("Anytown Council and NHS Anytown ICB | Leaders should")
    sibling = _hit(1, text.replace("governance", "planning"), "Table 2")
    lines = list_lines(f, [_hit(0, text, "Table 1", kind="recommendation")], lambda h: [sibling], set())
    assert lines and all("Responsible body" not in ln.text for ln in lines)
    # A table of short facts opens with a row of facts, not of column names
    assert not header_row("Overall effectiveness\tGood\nLeadership\tRequires improvement to be good")
    assert header_row(text)


def test_a_judgement_question_answered_from_a_judgement_table_gets_the_whole_table_overall_first():
    from assistant.extractive import ExtractiveAnswerer

    table = ("Judgement\tGrade\n"
             "The impact of leaders on social work practice with children and families\tGood\n"
             "The experiences and progress of children who need help and protection\tGood\n"
             "The experiences and progress of children in care\tRequires improvement to be good\n"
             "Overall effectiveness\tGood")
    hits = [_hit(0, table, "Table 1", kind="judgement"),
            _hit(1, "Inspectors judged the service good overall, as it was in 2018.")]
    f = frame("How did Ofsted judge Anytown's children's services?", Catalog())
    assert f.slot == "judgement"
    answer = ExtractiveAnswerer().answer(f, f.question, f.question, hits)
    rows = [s.text.rstrip(".") for s in answer.sentences if s.citations == [1]]
    assert rows[0] == "Overall effectiveness | Good"
    assert "The experiences and progress of children in care | Requires improvement to be good" in rows
    assert len(rows) == 4 and not any(r.startswith("Judgement | Grade") for r in rows)


def test_a_column_name_row_too_short_to_be_a_sentence_leaves_the_first_row_of_facts_a_candidate():
    # "Judgement | Grade" has two words: sentences() drops it, so the first sentence is a row of facts
    table = ("Judgement\tGrade\n"
             "The impact of leaders on social work practice with children and families\tOutstanding\n"
             "Overall effectiveness\tGood")
    f = frame("How did Ofsted judge the impact of leaders on social work practice?", Catalog())
    chosen = choose(f, [_hit(0, table, "Table 1")], limit=1, chooser=_only("focus_sentence"))
    assert chosen[0].text.startswith("The impact of leaders on social work practice")


def test_a_list_whose_own_lead_in_names_what_was_asked_answers_before_a_better_ranked_finding():
    f = frame("What were the areas of significant weakness found by the inspection?", Catalog())
    hits = [
        _hit(0, "Inspectors visited the area in March and spoke with families and leaders.", kind="finding"),
        _hit(1, "Leaders know the area well and have plans for its weaknesses.", kind="finding"),
        _hit(2, "The area must tackle the following areas of significant weakness:\n\n"
                "- the lack of a cohesive area strategy for speech and language therapy\n"
                "- waiting times to see a community paediatrician."),
    ]
    lines = list_lines(f, hits, None, terms(" ".join(f.focus)))
    assert [line.hit_rank for line in lines] == [2, 2, 2]
    # items that read on from their lead-in in lower case are kept as they stand
    assert lines[1].text.startswith("the lack of a cohesive area strategy")
    assert lines[2].text.startswith("waiting times to see a community paediatrician")


def test_a_latest_question_is_answered_from_the_newest_paper_that_holds_the_fact_asked_for():
    f = frame("What was Ofsted's overall judgement of Anytown after the latest inspection?", Catalog())
    hits = [
        _hit(0, "The 2018 inspection judged the overall service to be inadequate.", doc={"doc_id": "d1",
                                                                                       "date": "2018-01-29"}),
        _hit(1, "Services are no longer inadequate overall but require improvement to be good.",
             doc={"doc_id": "d2", "date": "2022-02-10"}),
        _hit(2, "A note on the agenda for the meeting.", doc={"doc_id": "d3", "date": "2024-05-01"}),
    ]
    chosen = choose(f, hits, limit=2, chooser=_only("passage_rank"))
    assert f.temporal == "latest" and [c.hit_rank for c in chosen] == [1]


def test_a_trend_of_a_number_does_not_take_a_financial_years_end_for_a_figure():
    f = frame("How has the number of children on child protection plans moved between 2018 and 2021?", Catalog())
    hits = [
        _hit(0, "The number of children on child protection plans was discussed with the plan for 2019/20.",
             doc={"doc_id": "d1", "date": "2018-10-02"}),
        _hit(1, "There were 634 children on protection plans.", doc={"doc_id": "d1", "date": "2018-10-02"}),
        _hit(2, "The number of children on child protection plans is 716.", doc={"doc_id": "d2", "date": "2021-11-01"}),
    ]
    lines = trend_lines(f, hits, terms(" ".join(f.focus)))
    assert [ln.text for ln in lines] == [
        "2018-10-02: There were 634 children on protection plans.",
        "2021-11-01: The number of children on child protection plans is 716.",
    ]


def test_a_question_naming_a_meetings_day_is_answered_from_that_days_papers():
    f = frame("Who declared an interest at the Cabinet on 30 January 2025?", Catalog(dates=frozenset({"2025-01-30"})))
    hits = [
        _hit(0, "Mr Sole declared an interest that a family member worked for the Council.",
             doc={"doc_id": "d1", "date": "2025-03-13"}),
        _hit(1, "Mr Hood declared an interest as a governor of a school.", doc={"doc_id": "d2", "date": "2025-01-30"}),
    ]
    chosen = choose(f, hits, limit=2, chooser=_only("passage_rank"))
    assert f.dates == ("2025-01-30",) and [c.hit_rank for c in chosen] == [1]


def test_a_line_of_dates_answers_only_a_question_about_when():
    hits = [
        _hit(0, "Inspection dates: 13 to 17 November 2023"),
        _hit(1, "The local area partnership's arrangements typically lead to positive experiences and outcomes."),
    ]
    outcome = frame("What was the outcome of Anytown's November 2023 area SEND inspection?", Catalog())
    assert [c.hit_rank for c in choose(outcome, hits, limit=1, chooser=_only("passage_rank"))] == [1]
    when = frame("When did Anytown's 2023 area SEND inspection take place?", Catalog())
    assert [c.hit_rank for c in choose(when, hits, limit=1, chooser=_only("passage_rank"))] == [0]
