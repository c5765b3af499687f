"""Actions in the record: against a hand-read gold file for the seeds' plans and minutes, and none from the PDFs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ingest.models import Document, Fact, Passage
from ingest.record import actions
from tests.ingest.record_values import flat, holds

GOLD = json.loads((Path(__file__).parents[1] / "record_gold" / "actions.json").read_text())["papers"]
FIELDS = ("owner", "due", "status")


def _actions(doc: Document) -> dict[str, dict[str, Fact]]:
    out: dict[str, dict[str, Fact]] = {}
    for f in actions.extract(doc):
        out.setdefault(f.key, {}).setdefault(f.field, f)
    return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def test_seed_actions_against_gold(seed_docs: dict[str, Document]) -> None:
    """Each action's reference, owner, due date and status: precision and recall >= 0.9 over those tuples."""
    gold: set[tuple[str, ...]] = set()
    texts: dict[tuple[str, str], str] = {}
    for name, plans in GOLD.items():
        for plan in plans:
            for a in plan["actions"]:
                gold.add((name, a["ref"], "ref", ""))
                gold |= {(name, a["ref"], fld, flat(a[fld])) for fld in FIELDS if a[fld]}
                if a["text"]:
                    texts[(name, a["ref"])] = flat(a["text"])
    got: set[tuple[str, ...]] = set()
    for name in GOLD:
        for key, fields in _actions(seed_docs[name]).items():
            got.add((name, key, "ref", ""))
            got |= {(name, key, fld, flat(fields[fld].value)) for fld in FIELDS if fld in fields}
            if (name, key) in texts and "action" in fields:
                assert flat(fields["action"].value).startswith(texts[(name, key)]), (name, key)
    precision, recall = _ratio(len(gold & got), len(got)), _ratio(len(gold & got), len(gold))
    print(f"\naction tuples: gold {len(gold)}, extracted {len(got)}")
    print(f"action precision: {precision:.3f}\naction recall: {recall:.3f}")
    print("missed:", sorted(gold - got), "\nextra:", sorted(got - gold))
    assert precision >= 0.9 and recall >= 0.9


def test_action_2_6_as_the_plan_gives_it(seed_docs: dict[str, Document]) -> None:
    """The post-Ofsted plan's row 2.6: its text, accountable lead, deadline (ISO) and the plan's title."""
    a = _actions(seed_docs["001_91430a77e23df6d2.txt"])["2.6"]
    assert a["action"].value.startswith("Evidence better oversight of outcomes")
    assert (a["owner"].value, a["due"].value) == ("Ollie Foxell", "2022-09-30")
    assert a["plan"].value == "Buckinghamshire Children's Services Post Ofsted Inspection Action Plan"
    assert "status" not in a  # the plan's "Action status:" and RAG cells are blank: nothing is guessed


def test_every_value_is_in_its_cited_passage(corpus_docs: dict[str, Document]) -> None:
    """All 39 corpus files: each action fact's value is stated by the passage it cites."""
    bad = [
        (name, f)
        for name, doc in corpus_docs.items()
        for f in actions.extract(doc)
        if not holds(doc.passages[f.ordinal], f)
    ]
    assert len(corpus_docs) == 39 and bad == []


def test_papers_without_action_plans_give_none(corpus_docs: dict[str, Document]) -> None:
    """No PDF in the corpus holds an action plan or minuted ACTION lines; budget and commissioning tables are not."""
    pdfs = {name: actions.extract(doc) for name, doc in corpus_docs.items() if name.endswith(".pdf")}
    assert {name: facts for name, facts in pdfs.items() if facts} == {}


def _doc(*texts: str, leads: tuple[str | None, ...] = ()) -> Document:
    passages = tuple(
        Passage("d", i, f"¶{i + 1}", "", 0, len(t), t, lead=leads[i] if i < len(leads) else None)
        for i, t in enumerate(texts)
    )
    return Document("d", "d.txt", "d", None, None, "report", None, passages=passages)


def test_plan_rows_with_labelled_progress() -> None:
    """A row's RAG, "Action status:" and impact cells, a status word in the deadline column, a wrapped row."""
    header = "Ref\tAction\tLead officer\tTarget date\tProgress\tRAG"
    doc = _doc(
        "Safeguarding Improvement Action Plan 2024",
        header
        + "\n1.1\tAudit plans.\tJo Bloggs\t31 March 2024\tAction status: On track Impact: fewer re-referrals\tGreen",
        "1.2\tTrain staff in the new\tSam Smith\tComplete\t\t\n\tthreshold guidance.\t\t\t\t",
        leads=(None, None, header),
    )
    got = {(f.key, f.field, f.value) for f in actions.extract(doc)}
    assert got == {
        ("1.1", "action", "Audit plans."),
        ("1.1", "owner", "Jo Bloggs"),
        ("1.1", "due", "2024-03-31"),
        ("1.1", "status", "Green"),
        ("1.1", "measure", "fewer re-referrals"),
        ("1.1", "plan", "Safeguarding Improvement Action Plan 2024"),
        ("1.2", "action", "Train staff in the new threshold guidance."),
        ("1.2", "owner", "Sam Smith"),
        ("1.2", "status", "Complete"),
        ("1.2", "plan", "Safeguarding Improvement Action Plan 2024"),
    }


def test_minuted_action_lines() -> None:
    """ "ACTION: <owner>" under a minuted point: keyed by the minute item, the point is the action."""
    doc = _doc(
        "- Members asked for the school place figures by ward.\n\nACTION: Head of Admissions",
        "- The Chairman asked that the report be circulated.",
        "ACTION: Democratic Services",
    )
    doc = replace(doc, passages=tuple(replace(p, section="5 SCHOOL PLACES") for p in doc.passages))
    got = {(f.key, f.field, f.value, f.ordinal) for f in actions.extract(doc)}
    assert got == {
        ("Item 5 action 1", "owner", "Head of Admissions", 0),
        ("Item 5 action 1", "action", "Members asked for the school place figures by ward.", 0),
        ("Item 5 action 2", "owner", "Democratic Services", 2),
        ("Item 5 action 2", "action", "The Chairman asked that the report be circulated.", 1),
    }


def test_two_plans_in_one_pack_keep_their_own_rows() -> None:
    """A second plan that numbers its rows as the first does is keyed by its title, not merged into the first."""
    header = "Ref\tAction\tLead\tDeadline"
    doc = _doc("SEND Action Plan", header + "\n1.1\tMap needs.\tAna Lee\tMay 2025", "Youth Justice Plan")
    doc = replace(
        doc,
        passages=(*doc.passages, replace(doc.passages[1], ordinal=3, text=header + "\n1.1\tHire.\tBo Yu\tJune 2025")),
    )
    doc = replace(doc, passages=tuple(replace(p, part_title="A" if i < 2 else "B") for i, p in enumerate(doc.passages)))
    got = {(f.key, f.field, f.value) for f in actions.extract(doc) if f.field in ("owner", "plan")}
    assert got == {
        ("1.1", "owner", "Ana Lee"),
        ("1.1", "plan", "SEND Action Plan"),
        ("Youth Justice Plan: 1.1", "owner", "Bo Yu"),
        ("Youth Justice Plan: 1.1", "plan", "Youth Justice Plan"),
    }
