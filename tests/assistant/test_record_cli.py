"""`council record meetings|recommendations|actions|inspections`: tables and --json over a copy of the seed index with
the record's two test papers ingested through the CLI (the local user reads every paper, restricted ones too)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from record_papers import COUNCIL, MINUTES, MINUTES_TITLE, VOICE, VOICE_TITLE

from assistant.cli import main
from assistant.record_models import Meeting, RecommendationBook
from assistant.record_views import RecordFilters, recommendations
from ingest.store import Store


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, seed_index, copy_database) -> Path:
    home = tmp_path_factory.mktemp("record-cli-home")
    copy_database(seed_index.store.db, home / "council.db")  # the embedding cache spares embedding the seeds again
    folder = tmp_path_factory.mktemp("record-cli-papers")
    (folder / "voice.txt").write_text(VOICE, encoding="utf-8")
    (folder / "minutes.txt").write_text(MINUTES, encoding="utf-8")
    common = ["--home", str(home), "ingest", "--council", COUNCIL, "--quiet"]
    assert main([*common, str(folder / "voice.txt"), "--title", VOICE_TITLE]) == 0
    assert main([*common, str(folder / "minutes.txt"), "--title", MINUTES_TITLE, "--access", "restricted"]) == 0
    return home


def record(home: Path, capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(["--home", str(home), "record", *args]) == 0
    return capsys.readouterr().out


def test_meetings_as_a_table_include_the_restricted_minutes(home, capsys):
    lines = record(home, capsys, "meetings").splitlines()
    assert lines[0].split() == ["date", "body", "present", "apologies", "items", "resolutions", "cited"]
    assert [line.split()[0] for line in lines[1:]] == ["2018-10-02", "2020-03-03", "2022-03-22", "2022-05-18"]
    quill = lines[2].split()
    assert quill[1:3] == ["Quillfeather", "Panel"] and quill[3:7] == ["3", "2", "4", "1"]
    assert quill[-1].endswith(":0")  # the passage the meeting's date was read from: its opening line


def test_json_is_the_views_the_api_serves(home, capsys):
    book = RecommendationBook.model_validate_json(record(home, capsys, "recommendations", "--json"))
    store = Store(home / "council.db")
    try:
        assert book == recommendations(store, ("public", "restricted"), RecordFilters())
    finally:
        store.close()
    voice = {r.label: r for r in book.recommendations if r.paper.title == VOICE_TITLE}
    assert [(s.status, s.paper.title) for s in voice["Recommendation 2"].statuses] == [("rejected", MINUTES_TITLE)]
    assert [s.status for s in voice["Recommendation 4"].statuses] == ["implemented"]


def test_filters(home, capsys):
    dates = lambda *a: [m.date.value for m in map(Meeting.model_validate, json.loads(record(home, capsys, *a)))]  # noqa: E731
    assert dates("meetings", "--since", "2022-01-01", "--json") == ["2022-03-22", "2022-05-18"]
    assert dates("meetings", "--body", "quillfeather", "--json") == ["2020-03-03"]
    assert dates("meetings", "--council", "Buckinghamshire", "--until", "2019-01-01", "--json") == ["2018-10-02"]
    assert record(home, capsys, "actions", "--council", "Kent").strip() == "No actions in the record for these filters."


def test_a_bad_date_is_one_line(home, capsys):
    assert main(["--home", str(home), "record", "meetings", "--since", "2022-02-30"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "council: since must be an ISO date like 2021-06-30, not '2022-02-30'"


def test_actions_and_inspections_read_as_tables(home, capsys):
    actions = record(home, capsys, "actions")
    assert "Buckinghamshire Children's Services Post Ofsted Inspection Action Plan" in actions
    row = next(line for line in actions.splitlines() if line.startswith("2.6 ") and "Ollie Foxell" in line)
    assert "2022-09-30" in row and re.search(r" [0-9a-f]{16}:\d+ ", row)  # the passage the action was read from
    rows = record(home, capsys, "inspections").splitlines()[1:]
    whens = [r.split()[0] for r in rows]
    assert whens[: whens.index("undated")] == sorted(whens[: whens.index("undated")])
    assert any("joint area SEND" in r and "Clive Dunn" in r for r in rows)
    assert any("Quillfeather" in r for r in rows)  # the local user reads the restricted minutes' inspection too


def test_help_explains_the_views_and_filters(capsys):
    with pytest.raises(SystemExit) as done:
        main(["record", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert "{meetings,recommendations,actions,inspections}" in out and "examples:" in out
    for flag in ("--council", "--body", "--since", "--until", "--json"):
        assert flag in out
    with pytest.raises(SystemExit):
        main(["record", "minutes"])


def test_a_meetings_items_carry_who_voted_how_with_each_name_cited():
    from assistant.record_views import _meeting

    base = {"doc_id": "d", "key": "meeting", "label": "¶1", "part_no": None, "page": 3, "part_title": None,
            "title": "Minutes", "part_date": None, "date": "2025-03-13", "council": "Kent County Council",
            "body": "County Council", "doc_type": "minutes", "source": "m.pdf"}
    rows = [
        {**base, "field": "item", "value": "Pay Policy Statement", "detail": "307, Item 16", "ordinal": 1},
        {**base, "field": "vote", "value": "For 32, Against 1, Abstain 2", "detail": "307", "ordinal": 2},
        {**base, "field": "voted", "value": "Mr Booth", "detail": "Against (307)", "ordinal": 3},
        {**base, "field": "voted", "value": "Mr Sole", "detail": "Abstain (307)", "ordinal": 4},
    ]
    item = _meeting(rows).items[0]
    assert [(v.value, v.detail, v.cite.passage_id) for v in item.voted] == [
        ("Mr Booth", "Against", "d:3"), ("Mr Sole", "Abstain", "d:4")]
    assert [v.value for v in item.votes] == ["For 32, Against 1, Abstain 2"]
