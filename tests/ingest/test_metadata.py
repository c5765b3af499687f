"""Document metadata: inferred from the text, then a NAME.meta.json sidecar, then explicit overrides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.errors import BadRequest, CorruptFile
from ingest.lines import split_lines
from ingest.load import load_document
from ingest.metadata import DOC_TYPES, infer
from ingest.parts import find_parts
from ingest.readers import read


def _infer(seeds_dir: Path, prefix: str) -> dict[str, str | None]:
    path = next(seeds_dir.glob(f"{prefix}_*.txt"))
    text = read(path).text
    return infer(text, find_parts(split_lines(text)))


@pytest.fixture
def paper(tmp_path: Path, seeds_dir: Path) -> Path:
    """A copy of seed 004 (a Cabinet report of 9 November 2021) under a plain name."""
    path = tmp_path / "paper.txt"
    shutil.copy(next(seeds_dir.glob("004_*.txt")), path)
    return path


def test_infer_cabinet_report(seeds_dir):
    meta = _infer(seeds_dir, "000")
    assert meta == {
        "title": "Children's Services Update",
        "date": "2018-12-10",
        "body": "Cabinet",
        "doc_type": "report",
        # The paper names Buckinghamshire County Council, replaced in 2020: its papers belong to its successor.
        "council": "Buckinghamshire Council",
        "access": "public",
    }


def test_infer_select_committee_agenda_pack(seeds_dir):
    meta = _infer(seeds_dir, "001")
    assert (meta["date"], meta["body"], meta["doc_type"]) == (
        "2022-06-30",
        "Children's & Education Select Committee",
        "agenda",
    )


def test_infer_inquiry_report(seeds_dir):
    meta = _infer(seeds_dir, "003")
    assert meta["doc_type"] == "inquiry report"
    assert meta["title"] == "Improving Children's Social Care Inquiry"


def test_infer_improvement_plan_update(seeds_dir):
    meta = _infer(seeds_dir, "004")
    assert (meta["date"], meta["body"], meta["title"]) == (
        "2021-11-09",
        "Cabinet",
        "Children's Social Care Improvement Plan Update",
    )


def test_loaded_seeds_carry_inferred_metadata(seed_docs):
    got = {name[:3]: (d.date, d.body, d.doc_type, d.access, d.source) for name, d in seed_docs.items()}
    assert got["000"] == ("2018-12-10", "Cabinet", "report", "public", "000_7fe6b5480f42e76b.txt")
    assert got["001"][:3] == ("2022-06-30", "Children's & Education Select Committee", "agenda")
    assert got["003"][2] == "inquiry report"
    assert got["004"][0] == "2021-11-09"
    assert len({d.doc_id for d in seed_docs.values()}) == 5


def test_sidecar_overrides_inferred_fields(paper):
    paper.with_name("paper.txt.meta.json").write_text(json.dumps({"access": "restricted", "body": "X"}))
    doc = load_document(paper)
    assert (doc.access, doc.body) == ("restricted", "X")
    # Fields the sidecar does not name stay as inferred.
    assert (doc.date, doc.title, doc.source) == (
        "2021-11-09",
        "Children's Social Care Improvement Plan Update",
        "paper.txt",
    )


def test_sidecar_may_replace_the_suffix(paper):
    paper.with_name("paper.meta.json").write_text(json.dumps({"title": "Plan update", "date": None}))
    doc = load_document(paper)
    assert (doc.title, doc.date) == ("Plan update", "2021-11-09")  # a null field is no override


def test_sidecar_changes_the_document_id(paper):
    # The id covers the metadata a user set, so marking a paper restricted re-ingests it (see test_build).
    before = load_document(paper).doc_id
    paper.with_name("paper.txt.meta.json").write_text(json.dumps({"access": "restricted"}))
    after = load_document(paper).doc_id
    assert after != before
    assert load_document(paper).doc_id == after  # and stays stable while nothing changes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"access": "restricted",', "is not valid JSON"),
        ('["restricted"]', "must hold a JSON object"),
        ('{"access": "restricted", "colour": "red", "owner": "me"}', "unknown fields: colour, owner"),
        (b"\xff\xfe{}", "is not valid JSON"),
    ],
)
def test_bad_sidecar_is_a_corrupt_file(paper, content, message):
    sidecar = paper.with_name("paper.txt.meta.json")
    if isinstance(content, bytes):
        sidecar.write_bytes(content)
    else:
        sidecar.write_text(content)
    with pytest.raises(CorruptFile, match=message) as err:
        load_document(paper)
    assert "paper.txt.meta.json" in str(err.value)
    assert "\n" not in str(err.value)


def test_overrides_beat_the_sidecar(paper):
    paper.with_name("paper.txt.meta.json").write_text(json.dumps({"access": "restricted", "body": "X"}))
    doc = load_document(paper, overrides={"body": "Y", "title": None})
    assert (doc.body, doc.access, doc.title) == ("Y", "restricted", "Children's Social Care Improvement Plan Update")
    assert load_document(paper, overrides={"access": "public"}).access == "public"


def test_unknown_access_level_is_a_bad_request(paper):
    with pytest.raises(BadRequest, match="access must be one of public, restricted, not 'secret'"):
        load_document(paper, overrides={"access": "secret"})
    paper.with_name("paper.txt.meta.json").write_text(json.dumps({"access": "secret"}))
    with pytest.raises(BadRequest, match="'secret'"):
        load_document(paper)


def test_sidecar_date_is_normalised_or_refused(paper):
    paper.with_name("paper.txt.meta.json").write_text(json.dumps({"date": "10 December 2018"}))
    try:
        doc = load_document(paper)
    except (CorruptFile, BadRequest):
        return
    assert doc.date == "2018-12-10"


def test_an_inspection_letter_cut_from_a_pack(seeds_dir):
    # The joint area SEND letter inside seed 001, as a paper of its own: typed, dated and signed as a letter.
    lines = next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "26 April 2022")
    end = next(i for i, ln in enumerate(lines) if ln.startswith("Cc: Department for Education"))
    text = "\n".join(lines[start:end])
    meta = infer(text, find_parts(split_lines(text)))
    assert {k: meta[k] for k in ("council", "body", "date", "doc_type", "title")} == {
        "council": "Buckinghamshire Council",
        "body": "Ofsted and CQC",
        "date": "2022-04-26",
        "doc_type": "inspection letter",
        "title": "Joint area SEND inspection in Buckinghamshire",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            # A summons whose council is named only by "the County Council" and the county in its address.
            "Summons to and Agenda for a Meeting on\n\nWednesday, 5 March 2025\n\nTo: All Members of the County "
            "Council\n\nA meeting of the County Council will be held at County Hall, Chelmsford, Essex, CM1 1QH on "
            "Thursday, 13 March 2025 at 10.00 am.\n\nA G E N D A\n\n1. Apologies",
            {"council": "Essex County Council", "body": "County Council", "date": "2025-03-13", "doc_type": "agenda"},
        ),
        (
            "OVERVIEW AND SCRUTINY COMMITTEE\n\nMINUTES of the meeting held on Tuesday, 4 February 2025 at 7.00 pm"
            "\n\nPRESENT: Councillor A Smith (Chair)\n\nContact: democracy@lambeth.gov.uk\n\n1. Apologies",
            {
                "council": "London Borough of Lambeth",
                "body": "Overview and Scrutiny Committee",
                "date": "2025-02-04",
                "doc_type": "minutes",
                "title": "Minutes of the meeting of the Overview and Scrutiny Committee",
            },
        ),
        (
            "Report to: Cabinet\n\nDate of meeting: 21 January 2025\n\nReport title: Home to school transport "
            "policy\n\nReport of: Director of Children's Services, Surrey County Council\n\n1. Summary",
            {
                "council": "Surrey County Council",
                "body": "Cabinet",
                "date": "2025-01-21",
                "doc_type": "report",
                "title": "Home to school transport policy",
            },
        ),
        (
            "CABINET\n\nMinutes of the meeting held on Tuesday, 14 January 2025 at 10.00 am in the Council Chamber, "
            "Town Hall, Wigan\n\nPresent: Councillor D Molyneux (Chair)\n\n1. Declarations of interest",
            {"council": "Wigan Metropolitan Borough Council", "body": "Cabinet", "date": "2025-01-14"},
        ),
        (
            "WRITTEN QUESTIONS AND ANSWERS\n\nFull Council – 20 February 2025\n\nQuestion 1 from Councillor Smith to "
            "the Leader of Medway Council",
            {"council": "Medway Council", "body": "Full Council", "date": "2025-02-20", "doc_type": "questions"},
        ),
        (
            "14 June 2023\n\nJane Doe\nDirector of Children's Services\nHaringey Council\n\nDear Ms Doe\n\n"
            "Focused visit to Haringey children's services\n\nThis letter summarises the findings of the focused "
            "visit on 9 and 10 May 2023. His Majesty's Inspectors for this visit were Jo Smith and Ann Brown, Ofsted."
            "\n\nYours sincerely\n\nJo Smith\nHis Majesty's Inspector",
            {
                "council": "London Borough of Haringey",
                "body": "Ofsted",
                "date": "2023-06-14",
                "doc_type": "inspection letter",
                "title": "Focused visit to Haringey children's services",
            },
        ),
        (
            "Joint targeted area inspection of the multi-agency response to children's mental health in Sheffield\n\n"
            "Inspection dates: 4 to 8 March 2024\n\nThis report was published on 2 May 2024.\n\nThe inspection was "
            "carried out by inspectors from Ofsted, the Care Quality Commission (CQC), His Majesty's Inspectorate of "
            "Constabulary and Fire & Rescue Services (HMICFRS) and His Majesty's Inspectorate of Probation (HMIP).",
            {
                "council": "Sheffield City Council",
                "body": "Ofsted, CQC, HMICFRS and HMI Probation",
                "date": "2024-05-02",
                "doc_type": "inspection report",
            },
        ),
    ],
)
def test_other_councils_covers(text, expected):
    meta = infer(text, find_parts(split_lines(text)))
    assert {k: meta[k] for k in expected} == expected


def test_doc_types_are_the_documented_vocabulary(seed_docs):
    assert {d.doc_type for d in seed_docs.values()} <= set(DOC_TYPES)
