"""Recommendations in the record: against a hand-read gold file for the seeds, and on the real PDFs by hand counts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.models import Document, Fact, Passage
from ingest.record import recommendations
from tests.ingest.record_values import flat, holds

GOLD = json.loads((Path(__file__).parents[1] / "record_gold" / "recommendations.json").read_text())["papers"]


def _recs(doc: Document) -> dict[str, dict[str, Fact]]:
    """key -> field -> fact, for the recommendation facts the paper gives (first fact per field)."""
    out: dict[str, dict[str, Fact]] = {}
    for f in recommendations.extract(doc):
        out.setdefault(f.key, {}).setdefault(f.field, f)
    return out


def _label_matches(key: str, label: str) -> bool:
    return key == label or key.endswith(": " + label)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def test_seed_recommendations_against_gold(seed_docs: dict[str, Document]) -> None:
    """Recommendations (label, text start) and their made_by / made_to: precision and recall >= 0.9 each."""
    unit_tp = unit_fp = unit_fn = field_tp = field_fp = field_fn = 0
    misses: list[str] = []
    for name, paper in GOLD.items():
        found = {k: v for k, v in _recs(seed_docs[name]).items() if "text" in v}
        used: set[str] = set()
        for report in paper["reports"]:
            for g in report["recommendations"]:
                key = next(
                    (
                        k
                        for k, v in found.items()
                        if k not in used
                        and _label_matches(k, g["label"])
                        and flat(v["text"].value).startswith(flat(g["text"]))
                    ),
                    None,
                )
                if key is None:
                    unit_fn += 1
                    field_fn += sum(g[f] is not None for f in ("made_by", "made_to"))
                    misses.append(f"{name} missing {g['label']}: {g['text'][:40]}")
                    continue
                used.add(key)
                unit_tp += 1
                for fld in ("made_by", "made_to"):
                    got = found[key].get(fld)
                    if got and g[fld] and flat(got.value) == flat(g[fld]):
                        field_tp += 1
                        continue
                    field_fp += got is not None
                    field_fn += g[fld] is not None
                    if got or g[fld]:
                        misses.append(f"{name} {key} {fld}: got {got.value if got else None!r}, gold {g[fld]!r}")
        for key in found.keys() - used:
            unit_fp += 1
            field_fp += sum(fld in found[key] for fld in ("made_by", "made_to"))
            misses.append(f"{name} extra {key}: {found[key]['text'].value[:40]}")
    figures = {
        "recommendation precision": _ratio(unit_tp, unit_tp + unit_fp),
        "recommendation recall": _ratio(unit_tp, unit_tp + unit_fn),
        "made_by/made_to precision": _ratio(field_tp, field_tp + field_fp),
        "made_by/made_to recall": _ratio(field_tp, field_tp + field_fn),
    }
    print("\n" + "\n".join(f"{k}: {v:.3f}" for k, v in figures.items()))
    print("\n".join(misses))
    assert all(v >= 0.9 for v in figures.values()), (figures, misses)


def test_seed_status_and_none_against_gold(seed_docs: dict[str, Document]) -> None:
    """What later papers say became of recommendations, and papers that make none: precision and recall >= 0.9."""
    gold, got = set(), set()
    for name, paper in GOLD.items():
        gold |= {(name, s["label"], s["status"], flat(s["detail"])) for s in paper["status"]}
        gold |= {(name, "none")} if paper["none"] else set()
        for f in recommendations.extract(seed_docs[name]):
            if f.field == "status":
                got.add((name, f.key, f.value, flat(f.detail)))
            elif f.field == "none":
                got.add((name, "none"))
    precision, recall = _ratio(len(gold & got), len(got)), _ratio(len(gold & got), len(gold))
    print(f"\nstatus/none precision: {precision:.3f}\nstatus/none recall: {recall:.3f}")
    assert precision >= 0.9 and recall >= 0.9, (sorted(got - gold), sorted(gold - got))


# "What needs to improve" items counted by hand in each report's text.
WHAT_NEEDS_TO_IMPROVE = {
    "ilacs_bromley_2024-01-12.pdf": 1,
    "ilacs_camden_2025-04-15.pdf": 1,
    "ilacs_cheshire-west-and-chester_2024-08-28.pdf": 7,
    "ilacs_devon_2020-03-17.pdf": 8,
    "ilacs_enfield_2019-04-15.pdf": 4,
    "ilacs_hillingdon_2023-11-20.pdf": 2,
    "ilacs_lewisham_2019-08-19.pdf": 7,
    "ilacs_medway_2023-09-11.pdf": 4,
    "ilacs_north-lincolnshire_2026-04-30.pdf": 1,
    "ilacs_plymouth_2024-03-15.pdf": 8,
    "ilacs_waltham-forest_2019-03-11.pdf": 5,
    "ilacs_wigan_2022-07-05.pdf": 7,
    "ilacs_windsor-maidenhead_2020-02-24.pdf": 4,
}


@pytest.mark.parametrize("name", sorted(WHAT_NEEDS_TO_IMPROVE))
def test_ilacs_what_needs_to_improve(corpus_docs: dict[str, Document], name: str) -> None:
    """Each "What needs to improve" item is a recommendation made by Ofsted, numbered in order."""
    recs = _recs(corpus_docs[name])
    n = WHAT_NEEDS_TO_IMPROVE[name]
    keys = [k for k in recs if k.startswith("What needs to improve")]
    assert keys == [f"What needs to improve {i}" for i in range(1, n + 1)]
    assert all(recs[k]["made_by"].value == "Ofsted" for k in keys)


def test_ilacs_items_as_written(corpus_docs: dict[str, Document]) -> None:
    """Spot checks: the text is the bullet's, without its marker; Devon's sub-list stays out of the count."""
    devon = _recs(corpus_docs["ilacs_devon_2020-03-17.pdf"])
    assert devon["What needs to improve 1"]["text"].value == "Services to care leavers, including:"
    assert devon["What needs to improve 5"]["text"].value == "Permanence planning for children."
    hillingdon = _recs(corpus_docs["ilacs_hillingdon_2023-11-20.pdf"])
    assert hillingdon["What needs to improve 1"]["text"].value.startswith("Services for 16- and 17-year-olds")


def test_older_framework_recommendations(corpus_docs: dict[str, Document]) -> None:
    """Single-framework reports: the local authority's and the LSCB's numbered recommendations, each to its body."""
    brent = _recs(corpus_docs["ilacs_brent_2015-11-30.pdf"])
    la = [f"Recommendation {i}" for i in range(1, 12)]
    lscb = [f"Recommendation {i}" for i in range(108, 114)]
    assert [k for k in brent if k.startswith("Recommendation")] == la + lscb
    assert {brent[k]["made_to"].value for k in la} == {"The local authority"}
    assert {brent[k]["made_to"].value for k in lscb} == {"The Local Safeguarding Children Board (LSCB)"}
    plymouth = _recs(corpus_docs["ilacs_plymouth_2015-01-06.pdf"])
    assert [k for k in plymouth if k.startswith("Priority")] == [
        f"Priority and immediate action {i}" for i in (1, 2, 3, 4)
    ]
    assert plymouth["Area for improvement 147"]["made_to"].value == "the LSCB"


def test_kent_recommendations_to_council_and_cabinet(corpus_docs: dict[str, Document]) -> None:
    """The Kent papers' numbered recommendations come out with their labels and the body asked to act."""
    supplement = _recs(corpus_docs["kent_council_supplement_2025-01-09.pdf"])
    assert [k for k in supplement] == ["(1)", "(2)", "(3)", "(4)"]  # "(1) ... (2) ..." in one passage is split
    assert supplement["(2)"]["text"].value.startswith("Endorse the proposed decision by the Leader of the Council")
    assert {supplement[k]["made_to"].value for k in supplement} == {"County Council"}
    report = _recs(corpus_docs["kent_cabinet_report_24-00109.pdf"])
    assert list(report) == ["Recommendation A", "Recommendation B"]  # given twice in the paper, kept once
    assert report["Recommendation A"]["made_to"].value == "Cabinet"
    assert report["Recommendation A"]["date"].value == "2025-01-30"
    minutes = _recs(corpus_docs["kent_cabinet_minutes_2025-01-30.pdf"])  # "The Council ... made several ..."
    assert list(minutes) == [f"Recommendation {i}" for i in range(1, 6)]
    assert minutes["Recommendation 1"]["made_by"].value == "The Council"
    for name in ("kent_council_minutes_2025-03-13.pdf", "kent_council_budget_amendments_pack_2025-02-13.pdf"):
        assert _recs(corpus_docs[name]) == {}  # quoted motions and amendments are not recommendations


SEND_AREAS_FOR_IMPROVEMENT = {
    "area-send-full-inspection_bedford_2025-02-04.pdf": 2,
    "area-send-full-inspection_bolton_2024-08-30.pdf": 2,
    "area-send-full-inspection_dudley_2025-03-11.pdf": 3,
    "area-send-full-inspection_north-northamptonshire_2024-03-25.pdf": 6,
    "area-send-full-inspection_oldham_2023-08-29.pdf": 3,
    "area-send-full-inspection_suffolk_2024-01-30.pdf": 3,
}


@pytest.mark.parametrize("name", sorted(SEND_AREAS_FOR_IMPROVEMENT))
def test_send_areas_for_improvement(corpus_docs: dict[str, Document], name: str) -> None:
    """Area SEND reports: each area for improvement, by the inspectorates, to the area partnership."""
    recs = _recs(corpus_docs[name])
    keys = [k for k in recs if k.startswith("Area for improvement")]
    assert keys == [f"Area for improvement {i}" for i in range(1, SEND_AREAS_FOR_IMPROVEMENT[name] + 1)]
    assert all(recs[k]["made_by"].value.startswith("Ofsted") for k in keys)
    assert all(recs[k]["made_to"].value == "the area partnership" for k in keys)


def test_every_value_is_in_its_cited_passage(corpus_docs: dict[str, Document]) -> None:
    """All 39 corpus files: each recommendation fact's value is stated by the passage it cites."""
    bad = [
        (name, f)
        for name, doc in corpus_docs.items()
        for f in recommendations.extract(doc)
        if not holds(doc.passages[f.ordinal], f)
    ]
    assert len(corpus_docs) == 39 and bad == []


def test_a_paper_without_recommendations_gives_none(corpus_docs: dict[str, Document]) -> None:
    for name in ("kent_council_agenda_2025-03-13.pdf", "kent_cabinet_pack_2025-03-13.pdf"):
        assert recommendations.extract(corpus_docs[name]) == []


def _doc(*texts: str) -> Document:
    passages = tuple(
        Passage("d", i, f"¶{i + 1}", "", 0, len(t), t) for i, t in enumerate(texts)
    )  # fmt: skip
    return Document("d", "d.txt", "d", None, None, "minutes", None, passages=passages)


def test_status_sentences() -> None:
    """Later papers' words on recommendations: each numbered one it covers, with what it answers."""
    doc = _doc(
        "The Chairman presented the Transport Review report to Cabinet and all recommendations were agreed, "
        "except recommendations 2 and 5.",
        "The Committee noted that recommendation 3 of the Youth Inquiry had been partly implemented.",
        "The panel decided that no recommendations were made at this stage.",
    )
    facts = {(f.key, f.field, f.value, f.detail) for f in recommendations.extract(doc)}
    assert facts == {
        ("All recommendations", "status", "agreed", "Transport Review report"),
        ("Recommendation 2", "status", "not agreed", "Transport Review report"),
        ("Recommendation 5", "status", "not agreed", "Transport Review report"),
        ("Recommendation 3", "status", "partly implemented", "Youth Inquiry"),
        ("Recommendations", "none", "The panel decided that no recommendations were made at this stage.", None),
    }
    assert all(holds(doc.passages[f.ordinal], f) for f in recommendations.extract(doc))


def test_lost_numbers_are_recovered_only_when_they_fit() -> None:
    """Bullets between "2." and "5." become 3 and 4; a bullet under "5." with no gap to fill stays a sub-point."""
    doc = _doc(
        "The Committee recommends that the Cabinet consider the following:",
        "1. One.",
        "2. Two.",
        "- Three.",
        "- Four.",
        "5. Five.",
        "- A sub-point.",
        "6. Six.",
    )
    recs = _recs(doc)
    assert [(k, v["text"].value) for k, v in recs.items()] == [
        ("Recommendation 1", "One."),
        ("Recommendation 2", "Two."),
        ("Recommendation 3", "Three."),
        ("Recommendation 4", "Four."),
        ("Recommendation 5", "Five."),
        ("Recommendation 6", "Six."),
    ]
    assert recs["Recommendation 1"]["made_to"].value == "Cabinet"


def test_a_decision_papers_lettered_recommendations() -> None:
    """ "It is recommended that Cabinet:" then "(a)", "(b)": keyed as the paper letters them, made to Cabinet."""
    doc = _doc(
        "Recommendations",
        "It is recommended that Cabinet:",
        "(a) approves the revised Local Offer; and",
        "(b) notes the consultation responses at Appendix 2.",
        "Background",
    )
    doc = replace(
        doc, passages=tuple(replace(p, kind="heading") if i in (0, 4) else p for i, p in enumerate(doc.passages))
    )
    recs = _recs(doc)
    assert list(recs) == ["(a)", "(b)"]
    assert recs["(b)"]["text"].value == "notes the consultation responses at Appendix 2."
    assert {recs[k]["made_to"].value for k in recs} == {"Cabinet"}
