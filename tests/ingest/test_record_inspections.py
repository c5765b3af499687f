"""The record's inspections on real papers: Ofsted's ILACS reports against the public gold table, the area SEND
reports against a hand-read table, the seeds against a hand-checked gold file, and every fact against its passage."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from ingest.dates import MONTHS
from ingest.models import Document, Fact, Passage
from ingest.record.inspection_terms import spans
from ingest.record.inspections import extract

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "record_gold"
ILACS = ROOT / "corpus" / "ofsted-ilacs"
# gold.csv column -> (field, pattern the judgement's area must match)
COLUMNS = {
    "inspection_framework": ("framework", None),
    "inspector_name": ("lead_inspector", None),
    "inspection_start_date": ("start", None),
    "inspection_end_date": ("end", None),
    "overall_effectiveness_grade": ("overall", None),
    "impact_of_leaders_grade": ("judgement", r"impact of leaders"),
    "help_and_protection_grade": ("judgement", r"help and protection"),
    "in_care_grade": ("judgement", r"children in care|looked after"),
    "care_leavers_grade": ("judgement", r"^(?:the )?experiences and progress of care leavers"),
}
NOT_FILLED = ("", "inspection_pre_dates_judgement", "data_unreadable")
SCORED = ("inspectorate", "kind", "start", "end", "published", "letter_date", "overall", "judgement", "lead_inspector")
# The words a kind is written with, for checking that its cited passage names it.
KIND_WORDS = {
    "ILACS": r"local authority children[’']s services|children[’']s social care services|\bILACS\b",
    "single inspection framework": r"children in need of help and protection|single inspection framework|\bSIF\b",
    "re-inspection": r"re-?inspection",
    "monitoring visit": r"monitoring visit",
    "focused visit": r"focused visit",
    "joint area SEND": r"joint (?:local )?area SEND",
    "area SEND": r"\bSEND\b",
}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def columns(text: str) -> list[str]:
    """A table passage read down each column: a wrapped cell ("Requires improvement" / "to be good") reads whole."""
    rows = [line.split("\t") for line in text.split("\n")]
    return [norm(" ".join(r[c] for r in rows if len(r) > c)) for c in range(max(len(r) for r in rows))]


def holds(p: Passage, fact: Fact) -> bool:
    """Whether the cited passage's text holds the fact's value (a date by its day, month and year; an inspectorate
    and a kind by the words that name them)."""
    text, value = norm(p.text), norm(fact.value)
    if value in text or any(value in c for c in columns(p.text)):
        return True
    if re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", fact.value):
        year, *rest = fact.value.split("-")
        month = rest and [m for m, i in MONTHS.items() if i == int(rest[0])]
        return (year in text and (not month or any(re.search(rf"\b{m}\b", text) for m in month))
                and (len(rest) < 2 or bool(re.search(rf"\b0?{int(rest[1])}\s?(?:st|nd|rd|th)?\b", text))))
    if fact.field == "inspectorate":
        names = {"ofsted": r"\bofsted\b|office for standards in education", "cqc": r"\bcqc\b|care quality commission"}
        return all(re.search(names.get(n, re.escape(n)), text) for n in re.split(r",\s*|\s+and\s+", value))
    if fact.field == "kind":
        return bool(re.search(KIND_WORDS.get(fact.value, re.escape(value)), text, re.IGNORECASE))
    if fact.field == "framework" and (fact.detail or "").startswith("derived from fieldwork of"):
        return len(spans(p.text)) > 0  # derived from the dates: the cited passage holds them
    return False


def by_key(facts: list[Fact]) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        out[f.key].append(f)
    return out


@pytest.fixture(scope="session")
def inspection_facts(corpus_docs: dict[str, Document]) -> dict[str, list[Fact]]:
    """Each corpus file -> the inspection facts its paper states."""
    return {name: extract(doc) for name, doc in corpus_docs.items()}


def test_every_fact_is_in_the_passage_it_cites(corpus_docs, inspection_facts):
    wrong = []
    for name, facts in inspection_facts.items():
        passages = {p.ordinal: p for p in corpus_docs[name].passages}
        for f in facts:
            assert f.entity == "inspection" and f.value.strip()
            if not holds(passages[f.ordinal], f):
                wrong.append(f"{name}: {f.field}={f.value[:60]!r} not in passage {f.ordinal}")
    assert not wrong, "\n".join(wrong)


def test_papers_without_an_inspection_give_none(inspection_facts):
    kent = [name for name in inspection_facts if name.startswith("kent_")]
    assert len(kent) == 8
    for name in kent:  # minutes, agenda, packs, the budget amendments: none is or reports an inspection
        assert inspection_facts[name] == [], name


def test_ilacs_reports_match_the_gold_table(corpus_docs, inspection_facts):
    rows = list(csv.DictReader((ILACS / "gold.csv").open(encoding="utf-8")))
    assert len(rows) == 20
    filled = hit = stated = stated_hit = 0
    misses = []
    for row in rows:
        facts, text = inspection_facts[row["file"]], norm(corpus_docs[row["file"]].text)
        assert len(by_key(facts)) == 1 and facts[0].key == "inspection", row["file"]
        for column, (field, area) in COLUMNS.items():
            want = row[column].strip()
            if want in NOT_FILLED:
                continue
            if field in ("start", "end"):
                day, month, year = want.split("/")
                want = f"{year}-{month}-{day}"
            got = [f.value for f in facts
                   if f.field == field and (area is None or re.search(area, f.detail or "", re.IGNORECASE))]
            ok = any(norm(g) == norm(want) or norm(g).startswith(norm(want) + " to be") for g in got)
            filled += 1
            hit += ok
            # A framework the report never names ("short inspection", "standard inspection") is derived from the
            # fieldwork's length, and says so: never given as if the report stated it.
            says = field != "framework" or bool(re.search(rf"\b{want} inspection\b", text))
            stated += says
            stated_hit += ok and says
            if not ok:
                misses.append(f"{row['file']} {column}: gold {want!r}, read {got}" + ("" if says else " (not stated)"))
            if field == "framework" and not says:
                details = [f.detail or "" for f in facts if f.field == "framework"]
                assert all(d.startswith("derived from fieldwork of") for d in details), row["file"]
    print(f"\nILACS gold: {hit}/{filled} = {hit / filled:.3f} of the fields the gold table fills; "
          f"{stated_hit}/{stated} = {stated_hit / stated:.3f} of those the reports state")
    print("\n".join(misses))
    assert stated_hit / stated >= 0.95 and hit / filled >= 0.95


def test_area_send_reports_match_the_hand_read_table(inspection_facts):
    expected = json.loads((GOLD / "inspections_send.json").read_text(encoding="utf-8"))
    for name, want in expected.items():
        if name.startswith("_"):
            continue
        facts = inspection_facts[name]
        values = defaultdict(list)
        for f in facts:
            values[f.field].append(f.value)
        assert values["inspectorate"] == ["Ofsted and CQC"], name
        assert values["kind"] == ["area SEND"], name
        assert (values["start"], values["end"]) == ([want["start"]], [want["end"]]), name
        assert len(values["overall"]) == 1 and values["overall"][0].startswith(want["overall"]), name
        assert sorted(values["lead_inspector"]) == sorted(want["lead_inspector"]), name
        assert values["previous"] == want["previous"], name
        for field in ("improvement", "priority_action"):
            assert len(values[field]) >= len(want[field]), (name, field, values[field])
            for phrase in want[field]:
                assert any(phrase.lower() in v.lower() for v in values[field]), (name, field, phrase)
        assert bool(want["priority_action"]) == bool(values["requirement"] and "priority action plan" in
                                                       " ".join(values["requirement"])), name


def _facts_of(entry: dict) -> set[tuple[str, str, str]]:
    out = set()
    for field in SCORED:
        value = entry.get(field)
        if field == "judgement" and value:
            out |= {(field, norm(grade), norm(area)) for area, grade in value.items()}
        elif value:
            out |= {(field, norm(v), "") for v in (value if isinstance(value, list) else [value])}
    return out


def _read(facts: list[Fact]) -> set[tuple[str, str, str]]:
    return {(f.field, norm(f.value), norm(f.detail or "") if f.field == "judgement" else "") for f in facts
            if f.field in SCORED}


def test_seed_inspections_precision_and_recall(inspection_facts):
    gold = json.loads((GOLD / "inspections.json").read_text(encoding="utf-8"))
    found = expected = matched = 0
    for name, entries in gold.items():
        if name.startswith("_"):
            continue
        read = [_read(fs) for fs in by_key(inspection_facts[name]).values()]
        found += sum(len(r) for r in read)
        for entry in entries:
            want = _facts_of(entry)
            expected += len(want)
            best = max(read, key=lambda r: len(want & r), default=set())
            matched += len(want & best)
            if want - best:
                print(f"{name}: missed {sorted(want - best)}")
            if best in read:
                read.remove(best)
        for rest in read:
            if rest:
                print(f"{name}: read beyond the gold {sorted(rest)}")
    precision, recall = matched / found, matched / expected
    print(f"\nseed inspections: precision {precision:.3f} ({matched}/{found}), "
          f"recall {recall:.3f} ({matched}/{expected})")
    assert precision >= 0.9 and recall >= 0.9


def test_a_pack_keys_each_inspection_by_kind_and_date(inspection_facts):
    keys = set(by_key(inspection_facts["001_91430a77e23df6d2.txt"]))
    assert keys == {"joint area SEND 2022-03-07", "ILACS 2021-12"}
    letter = [f for f in inspection_facts["001_91430a77e23df6d2.txt"] if f.key == "joint area SEND 2022-03-07"]
    # The council's cover report says fieldwork began on 28 February; the letter's own dates stand.
    assert [f.value for f in letter if f.field == "start"] == ["2022-03-07"]
    assert any(f.field == "requirement" and "Written Statement of Action" in f.value for f in letter)
    assert len([f for f in letter if f.field == "priority_action"]) == 3  # the areas of significant weakness
