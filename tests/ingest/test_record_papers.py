"""Who a paper is from (authors, contact officers, contributors, sign-off, lead officers): against a hand-read gold
file for the seeds and the corpus PDFs, each value in the passage it cites, and nothing from prose."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.models import Document, Passage
from ingest.record import papers
from tests.ingest.record_values import flat, holds

GOLD = json.loads((Path(__file__).parents[1] / "record_gold" / "papers.json").read_text(encoding="utf-8"))["papers"]


def test_paper_roles_against_gold(corpus_docs: dict[str, Document]) -> None:
    """Over all 39 corpus files: precision and recall >= 0.9 (a value matches when it begins as the gold's)."""
    got = {(name, f.field, flat(f.value)) for name, doc in corpus_docs.items() for f in papers.extract(doc)}
    gold = [(name, g["field"], flat(g["starts"])) for name, rows in GOLD.items() for g in rows]

    def match(g, x) -> bool:
        return g[:2] == x[:2] and x[2].startswith(g[2])

    found = [g for g in gold if any(match(g, x) for x in got)]
    right = [x for x in got if any(match(g, x) for g in gold)]
    precision, recall = len(right) / len(got), len(found) / len(gold)
    print(f"\npaper roles: gold {len(gold)}, extracted {len(got)}; precision {precision:.3f}, recall {recall:.3f}")
    print("missed:", sorted(set(gold) - set(found)), "\nextra:", sorted(got - set(right)))
    assert precision >= 0.9 and recall >= 0.9


def test_every_value_is_in_its_cited_passage(corpus_docs: dict[str, Document]) -> None:
    bad = [(name, f) for name, doc in corpus_docs.items() for f in papers.extract(doc)
           if not holds(doc.passages[f.ordinal], f)]
    assert len(corpus_docs) == 39 and bad == []


def _doc(*texts: str) -> Document:
    passages = tuple(Passage("d", n, f"¶{n + 1}", "Report", 0, len(t), t, part_title="Report to Cabinet")
                     for n, t in enumerate(texts))
    return Document("d", "d.txt", "Pack", "2024-01-01", "Cabinet", "agenda", "Anytown Council", passages=passages)


def test_labels_inline_at_a_passages_end_and_in_table_rows():
    doc = _doc(
        "Contact officer: Jo Bloggs – 01234 567890",  # the telephone number is not the name
        "Report Authors:",  # the names follow, one passage each, until a passage names no one
        "Ann Other, Director of Strategy",
        "Bea Smith, General Counsel",
        "8. Appendices:",
        "To receive the report. Contributors: Councillor Mark Dormer (Chairman)\t15:00\t37 - 48",
        "Caseloads are a contributory factor in the slow pace of improvement; the local authority's author of the plan"
        " is not named.",
    )
    facts = [(f.field, f.value, f.ordinal, f.detail) for f in papers.extract(doc)]
    assert facts == [
        ("contact_officer", "Jo Bloggs", 0, "Contact officer"),
        ("author", "Ann Other, Director of Strategy", 2, "Report Authors"),
        ("author", "Bea Smith, General Counsel", 3, "Report Authors"),
        ("contributor", "Councillor Mark Dormer (Chairman)", 5, "Contributors"),
    ]
    assert all(f.key == "Report to Cabinet" for f in papers.extract(doc))
