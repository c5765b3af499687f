"""The item a numbered sub-item hangs under, on the seed action plan and on hand-made passages for each rule."""

from __future__ import annotations

from ingest.models import Document, Passage
from ingest.parents import item_number, parents, sub_number


def _p(n: int, text: str, label: str | None = None, section: str = "Plan") -> Passage:
    return Passage("d", n, label or f"¶{n + 1}", section, 0, len(text), text)


def _plan(seed_docs: dict[str, Document]) -> Document:
    return next(d for name, d in seed_docs.items() if name.startswith("001_"))


def test_an_action_is_read_with_the_recommendation_it_answers(seed_docs):
    doc = _plan(seed_docs)
    up = dict(zip((p.label for p in doc.passages), parents(doc.passages), strict=True))
    assert up["Action 6.1"].startswith("Recommendation 6: Improve the quality of case supervision for social workers")
    assert up["Action 6.3"] == up["Action 6.1"]
    # The outcomes list "1. ... 6." between a recommendation and its actions is not their item.
    assert up["Action 3.1"].startswith("Recommendation 3: The quality of social workers' direct work")


def test_a_numbered_paragraph_is_read_with_its_heading():
    ps = [_p(0, "5. Equalities implications"), _p(1, "5.1 The equality impact assessment finds no adverse effect.")]
    assert parents(ps) == [None, "5. Equalities implications"]


def test_a_named_item_wins_over_a_bare_number_and_a_row_keeps_its_table_label():
    ps = [
        _p(0, "Priority 2: Stable placements for children in care", "Priority 2"),
        _p(1, "2. Outcome: fewer moves"),
        _p(2, "2.1\tRecruit foster carers\tHead of Fostering", "Table 1, row 2.1"),
    ]
    assert parents(ps)[2] == "Priority 2: Stable placements for children in care"


def test_no_item_no_parent_and_items_are_never_their_own_subitems():
    ps = [_p(0, "3.0 PEOPLE Workforce"), _p(1, "- 4.2 A bulleted paragraph with no item four above it.")]
    assert item_number(ps[0]) == 3 and sub_number(ps[0]) is None
    assert sub_number(ps[1]) == 4 and item_number(ps[1]) is None
    assert parents(ps) == [None, None]
    assert parents([_p(0, "An ordinary paragraph with 2.5 per cent in it.")]) == [None]
