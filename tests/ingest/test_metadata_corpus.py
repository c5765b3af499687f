"""Metadata read from each real paper (council, body, date, type, title) against the hand-checked table beside it.

The table was filled by reading each paper (its rendered first pages where the text was unclear), never from its
file name; the file names here only say which file a row is about.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.load import load_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TABLE = Path(__file__).with_name("corpus_metadata.csv")
FIELDS = ("council", "body", "date", "doc_type", "title")
ROWS = list(csv.DictReader(TABLE.open(encoding="utf-8")))


def test_the_table_covers_every_corpus_paper():
    papers = {
        f"{p.parent.name}/{p.name}"
        for folder in ("seeds", "kent", "ofsted-ilacs", "ofsted-send")
        for p in (CORPUS / folder).iterdir()
        if p.suffix in (".txt", ".pdf")
    }
    assert {r["file"] for r in ROWS} == papers


@pytest.mark.parametrize("row", ROWS, ids=[r["file"].split("/")[-1] for r in ROWS])
def test_metadata_read_from_the_paper(row, tmp_path):
    # Under a name that says nothing, so that nothing can come from the file name.
    source = CORPUS / row["file"]
    path = tmp_path / f"paper{source.suffix}"
    path.write_bytes(source.read_bytes())
    doc = load_document(path)
    assert {f: getattr(doc, f) for f in FIELDS} == {f: row[f] for f in FIELDS}
