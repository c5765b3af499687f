"""Every paper the project ships, seeds and real PDFs: nothing lost, one label per passage, furniture listed."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from corpus_papers import corpus_files

from ingest.models import Document

NAMES = [p.name for p in corpus_files()]


def _doc(corpus_docs: dict[str, Document], name: str) -> Document:
    return corpus_docs[name]


@pytest.mark.parametrize("name", NAMES)
def test_every_character_of_the_body_text_is_in_exactly_one_passage(corpus_docs, name):
    doc = _doc(corpus_docs, name)
    owner = [-1] * len(doc.text)
    for p in doc.passages:
        assert doc.text[p.start : p.end] == p.text
        for i in range(p.start, p.end):
            assert owner[i] == -1, f"{p.label!r} overlaps {doc.passages[owner[i]].label!r}"
            owner[i] = p.ordinal
    lost = [i for i, ch in enumerate(doc.text) if owner[i] == -1 and not ch.isspace()]
    assert lost == [], f"{len(lost)} characters in no passage, first at {doc.text[lost[0] : lost[0] + 60]!r}"


@pytest.mark.parametrize("name", NAMES)
def test_no_label_repeats_within_a_document(corpus_docs, name):
    doc = _doc(corpus_docs, name)
    repeated = [key for key, n in Counter((p.label, p.part_no) for p in doc.passages).items() if n > 1]
    assert repeated == []


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(".pdf")])
def test_removed_furniture_is_listed_and_is_only_furniture(corpus_docs, name):
    doc = _doc(corpus_docs, name)
    pages = len(doc.page_starts)
    assert pages >= 1
    # Running headers, footers and page numbers: a few short lines a page, each named with its page.
    assert len(doc.removed) <= 3 * pages
    for page, line in doc.removed:
        assert 1 <= page <= pages and 0 < len(line) <= 160, (page, line)
    # What stays in the text is the body: no lone page numbers, no "Page N of M" lines.
    assert not re.search(r"(?m)^\s*Page \d+( of \d+)?\s*$", doc.text)


def test_the_corpus_holds_every_kind_of_block(corpus_docs):
    kinds = Counter(p.kind for doc in corpus_docs.values() for p in doc.passages)
    assert kinds["heading"] > 500 and kinds["contents"] >= 5
    tables = [p for doc in corpus_docs.values() for p in doc.passages if p.label.startswith("Table")]
    assert len(tables) > 100
