"""Segmentation: passages are exact slices of the text that follow the paper's own numbering."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest.models import Document, Passage
from ingest.segment import MAX_TOKENS, SENTENCE_END, segment
from ingest.tokens import count_tokens

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "seeds"
SEED_LINES = sorted({ln for path in SEEDS.glob("*.txt") for ln in path.read_text(encoding="utf-8").split("\n")})
SEED_SENTENCES = sorted({s for ln in SEED_LINES for s in re.split(r"(?<=[.!?])\s+", ln) if len(s.split()) >= 3})


def _doc(seed_docs: dict[str, Document], prefix: str) -> Document:
    return next(doc for name, doc in seed_docs.items() if name.startswith(prefix))


def _labelled(doc: Document, label: str) -> list[Passage]:
    return [p for p in doc.passages if p.label == label]


def _one(doc: Document, label: str) -> Passage:
    found = _labelled(doc, label)
    assert len(found) == 1, f"{len(found)} passages labelled {label!r}: {[p.text[:60] for p in found]}"
    return found[0]


def _check_slices(text: str, passages: list[Passage]) -> None:
    """The citation contract: each passage is text[start:end], non-empty, in order, never overlapping."""
    for n, p in enumerate(passages):
        assert p.ordinal == n
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.start : p.end] == p.text
        assert p.text.strip(), f"empty passage at {p.start}"
    for a, b in zip(passages, passages[1:], strict=False):
        assert a.end <= b.start, f"{a.label!r} [{a.start}, {a.end}) overlaps {b.label!r} [{b.start}, {b.end})"


def _cannot_be_cut(p: Passage) -> bool:
    """An over-budget passage is allowed only when it is one sentence: no sentence end (as segment.py
    defines one) inside it. Table rows are cut at sentence ends like paragraphs."""
    body = p.text.strip()
    return not any(m.end() < len(body) for m in SENTENCE_END.finditer(body))


# --- the seeds --------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_passages_are_exact_ordered_slices(seed_docs, prefix):
    doc = _doc(seed_docs, prefix)
    assert len(doc.passages) >= 30
    _check_slices(doc.text, list(doc.passages))
    assert {p.doc_id for p in doc.passages} == {doc.doc_id}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_passages_keep_the_token_budget(seed_docs, prefix):
    over = [p for p in _doc(seed_docs, prefix).passages if count_tokens(p.text) > MAX_TOKENS]
    assert [p.label for p in over if not _cannot_be_cut(p)] == []


def test_sub_point_carries_its_paragraph_number(seed_docs):
    p = _one(_doc(seed_docs, "000"), "45(e)")
    assert p.text.startswith("- e) Caseloads are too high")
    assert "Caseloads are too high" in p.text
    assert p.lead is not None and p.lead.startswith("- 45. Inspectors considered a range of evidence")
    assert p.section == "Report to Cabinet > Ofsted Monitoring Activity"


def test_table_is_exactly_one_passage(seed_docs):
    doc = _doc(seed_docs, "000")
    start = doc.text.index("Judgement\tPrimary\tSecondary")
    end = doc.text.index("Total\t47\t13") + len("Total\t47\t13")
    inside = [p for p in doc.passages if p.start < end and p.end > start]
    assert len(inside) == 1
    table = inside[0]
    assert (table.start, table.end) == (start, end)
    assert table.label == "Table 1"
    assert table.text.count("\n") == 6


def test_paragraph_broken_by_a_page_break_is_joined(seed_docs):
    doc = _doc(seed_docs, "000")
    p3 = _one(doc, "3")
    assert "welfare of" in p3.text and "children in the area" in p3.text
    assert p3.text.endswith("plan the transition to the new arrangements.")
    p24 = _one(doc, "24")
    assert "The statutory duties" in p24.text and "within School Improvement" in p24.text
    # Nothing else holds the continuation: it is cited once, as part of its paragraph.
    assert [p.label for p in doc.passages if "within School Improvement" in p.text] == ["24"]


def test_page_break_after_a_lone_dash_line_is_joined(seed_docs):
    doc = _doc(seed_docs, "004")
    parts = [p for p in doc.passages if p.label == "10"]  # joined, it is long enough to be cut in two parts
    assert [p.part_no for p in parts] == [1, 2]
    joined = doc.text[parts[0].start : parts[-1].end]
    assert "provided strong evidence of the grip" in joined
    assert "and control exercised by Team Managers" in joined
    assert not parts[-1].text.endswith("-")


def test_key_findings_are_labelled(seed_docs):
    doc = _doc(seed_docs, "003")
    assert _one(doc, "Key finding 1").text.startswith("Key finding 1: The improvement work should remain")
    assert _one(doc, "Key finding 2").text.startswith("Key finding 2: Members of the Children's Social Care")


def test_letter_bullets_carry_the_letter_as_their_part(seed_docs):
    doc = _doc(seed_docs, "001")
    bullets = [p for p in doc.passages if p.section.endswith(" > Areas for development") and p.text.startswith("- ✓")]
    assert len(bullets) == 15
    assert {p.part_title for p in bullets} == {"Joint area SEND inspection in Buckinghamshire"}
    assert {p.part_date for p in bullets} == {"2022-04-26"}
    autism = [p for p in bullets if "possible diagnosis of autism" in p.text]
    assert len(autism) == 1


def test_minutes_passages_carry_the_meeting_date(seed_docs):
    doc = _doc(seed_docs, "001")
    first = doc.text.index("MINUTES OF THE MEETING OF THE CHILDREN'S & EDUCATION SELECT COMMITTEE HELD ON TUESDAY")
    second = doc.text.index("MINUTES OF THE MEETING OF THE CHILDREN'S & EDUCATION SELECT COMMITTEE HELD ON WEDNESDAY")
    # The "Minutes" heading just above the second title opens the May part: it is May's.
    march = [p for p in doc.passages if first <= p.start < second and p.kind != "heading"]
    assert len(march) >= 50
    assert {p.part_date for p in march} == {"2022-03-22"}
    assert {p.part_title for p in march} == {"Minutes of the meeting of 2022-03-22"}
    # The minutes mention other dates (20th January 2022); the part's date is the meeting's.
    resolved = next(p for p in march if p.text.startswith("RESOLVED that the minutes"))
    assert resolved.label == "Agenda item 3, resolution"
    may = next(p for p in doc.passages if "Councillor J Ward be elected Chairman" in p.text)
    assert may.part_date == "2022-05-18"


def test_action_plan_rows_are_labelled_by_reference(seed_docs):
    doc = _doc(seed_docs, "001")
    rows = [p.label for p in doc.passages if re.fullmatch(r"Action \d\.\d", p.label)]
    expected = [
        f"Action {r}.{n}" for r, count in enumerate([2, 7, 3, 3, 4, 4, 4], start=1) for n in range(1, count + 1)
    ]
    assert rows == expected
    row = _one(doc, "Action 2.6")
    assert row.text.startswith("2.6\tEvidence better oversight of outcomes")
    assert row.text.endswith("What more needs to be done:\t")
    assert row.lead == (
        "Ref\tAction\tAccountable Lead\tDeadline for completion\tProgress, impact and what more needs to be done"
        "\tProgress RAG"
    )


def test_long_paragraph_is_split_at_a_sentence_end_keeping_its_label(seed_docs):
    doc = _doc(seed_docs, "000")
    pieces = _labelled(doc, "60")
    assert [p.part_no for p in pieces] == [1, 2]
    first, second = pieces
    assert first.text.startswith("- 60. The 'Beyond Auditing' pilot programme")
    assert first.text.endswith("identified strengths and areas for improvement.")
    assert second.text.startswith("The Principal Social Worker and 'Beyond Auditing' Team")
    assert doc.text[first.start : second.end].split() == (first.text + " " + second.text).split()
    assert all(count_tokens(p.text) <= MAX_TOKENS for p in pieces)
    assert count_tokens(doc.text[first.start : second.end]) > MAX_TOKENS
    # An unsplit paragraph has no part number.
    assert _one(doc, "59").part_no is None


def test_blank_page_furniture_never_reaches_a_passage(seed_docs):
    raw = (SEEDS / "001_91430a77e23df6d2.txt").read_text(encoding="utf-8")
    assert raw.count("This page is intentionally left blank") == 3
    for doc in seed_docs.values():
        assert "intentionally left blank" not in doc.text.lower()
        assert not [p.label for p in doc.passages if "intentionally left blank" in p.text.lower()]


def test_page_numbers_come_from_page_starts():
    text = "1. First paragraph on page one.\n\n2. Second paragraph on page two.\n\n3. Third, also on two."
    page_two = text.index("2. Second")
    passages = segment(text, "d", (0, page_two))
    assert [(p.label, p.page) for p in passages] == [("1", 1), ("2", 2), ("3", 2)]
    assert [p.page for p in segment(text, "d")] == [None, None, None]


def test_unnumbered_paragraphs_get_stable_ordinal_labels():
    text = "## Background\n\nThe council met in March.\n\nIt agreed the budget.\n\n7. A numbered one."
    passages = segment(text, "d")
    # The heading is a passage of its own (kind heading, its own ordinal), so it can be found and cited.
    assert [(p.label, p.section, p.text, p.kind) for p in passages] == [
        ("§1", "", "## Background", "heading"),
        ("¶1", "Background", "The council met in March.", None),
        ("¶2", "Background", "It agreed the budget.", None),
        ("7", "Background", "7. A numbered one.", None),
    ]
    assert segment(text, "d") == passages


def test_split_unnumbered_paragraph_keeps_one_label():
    passages = segment("The council agreed the improvement plan and asked for a report. " * 30, "doc")
    assert [p.part_no for p in passages] == [1, 2]
    assert [p.label for p in passages] == ["¶1", "¶1"]


# --- property: any text built from seed-like lines ----------------------------------------------

_PREFIXES = ["", "", "- 12. ", "  - a) ", "## ", "\t", "- ", "1. ", "3.4 ", "- ✓ ", "Key finding 2: ", "RESOLVED "]
_free = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(_PREFIXES),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\n"), max_size=120),
)
_words = st.builds(
    lambda prefix, words, end: prefix + " ".join(words) + end,
    st.sampled_from(_PREFIXES),
    st.lists(st.sampled_from(["the", "council", "Ofsted", "found", "plans", "(a)", "12.", "£5", "e.g."]), max_size=300),
    st.sampled_from(["", ".", ". ", ":", "\t"]),
)
# Long paragraphs of real sentences: the ones the token budget has to cut.
_paragraph = st.builds(
    lambda prefix, sentences: prefix + " ".join(sentences),
    st.sampled_from(_PREFIXES),
    st.lists(st.sampled_from(SEED_SENTENCES), min_size=1, max_size=30),
)
_line = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(SEED_LINES),
    _paragraph,
    _free,
    _words,
    st.sampled_from(["", "", "\t", "  "]),
)
_texts = st.lists(_line, max_size=40).map("\n".join)

_INDENTED = "\t" + "The council agreed the improvement plan and asked for a report. " * 30


def _over_budget(passages: list[Passage]) -> list[str]:
    return [p.text[:80] for p in passages if count_tokens(p.text) > MAX_TOKENS and not _cannot_be_cut(p)]


_PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(text=_texts)
@example(text=_INDENTED)
@example(text="\n\n\n")
def test_segment_keeps_exact_ordered_slices(text):
    passages = segment(text, "doc")
    _check_slices(text, passages)
    assert all(p.label and (p.part_no is None or p.part_no >= 1) for p in passages)


@_PROPERTY
@given(text=_texts)
@example(text="- 1. " + "Word " * 400)  # one sentence far over budget: nothing to cut at
@example(text="Judgement\tA\tB\n" + "\n".join(f"Row {n}\tThe row says {n}.\t{n}" for n in range(200)))  # long table
@example(text="- 7. " + "The council agreed the plan. " * 40)
@example(text=_INDENTED)
@example(text="1.1\t" + "The action is long. " * 60 + "\tA Lead\t30 June 2022")  # one row over budget
def test_segment_keeps_the_token_budget(text):
    passages = segment(text, "doc")
    _check_slices(text, passages)
    assert _over_budget(passages) == []


def test_indented_paragraph_is_not_a_table():
    passages = segment(_INDENTED, "doc")
    assert not [p.label for p in passages if p.label.startswith("Table")]
    assert [p.part_no for p in passages] == [1, 2]
    assert all(count_tokens(p.text) <= MAX_TOKENS for p in passages)


def test_tab_after_paragraph_number_keeps_the_number():
    text = "44. Ofsted visited in July.\n\n45.\tInspectors found that caseloads are too high.\n\n46. Next steps."
    assert [p.label for p in segment(text, "doc")] == ["44", "45", "46"]
