"""The same paper as text, as a PDF and as a Word file gives the same labelled passages, with pages."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from pdf_files import write_pdf

from ingest.load import load_document

SEED = Path(__file__).resolve().parents[2] / "corpus" / "seeds" / "000_7fe6b5480f42e76b.txt"
FIRST, LAST = 170, 200  # 000's "Ofsted Monitoring Activity": paragraphs 44 to 47 with their sub-points
LINES_PER_PAGE = 28


def _excerpt() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").split("\n")[FIRST:LAST]
    return [ln.rstrip() for ln in lines if ln.strip()]


def _labels(doc) -> list[str]:
    return [p.label for p in doc.passages if re.fullmatch(r"\d+(\([a-z]\))?", p.label)]


@pytest.fixture(scope="module")
def text_doc(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("txt") / "excerpt.txt"
    path.write_text("\n\n".join(_excerpt()) + "\n", encoding="utf-8")
    return load_document(path)


def test_pdf_gives_the_same_labelled_passages_with_their_pages(tmp_path, text_doc):
    paragraphs = _excerpt()
    spans = write_pdf(tmp_path / "excerpt.pdf", paragraphs, "Buckinghamshire County Council - Cabinet", LINES_PER_PAGE)
    pages = {para.strip()[:40]: first for para, (first, _) in zip(paragraphs, spans, strict=True)}
    pdf_doc = load_document(tmp_path / "excerpt.pdf")
    assert _labels(pdf_doc) == _labels(text_doc)
    assert "45(e)" in _labels(pdf_doc) and max(pages.values()) >= 3
    caseloads = next(p for p in pdf_doc.passages if p.label == "45(e)")
    assert "Caseloads are too high" in caseloads.text
    assert caseloads.page == pages[next(k for k in pages if "Caseloads are too high" in k)]
    assert [p.page for p in pdf_doc.passages] == sorted(p.page for p in pdf_doc.passages)
    assert not any("Page " in p.text or "Buckinghamshire County Council - Cabinet" in p.text for p in pdf_doc.passages)
    for p in pdf_doc.passages:
        assert pdf_doc.text[p.start : p.end] == p.text


def test_docx_gives_the_same_labelled_passages_with_their_pages(tmp_path, text_doc):
    document = docx.Document()
    breaks_after = {8, 17}  # explicit page breaks: pages 1, 2 and 3
    for n, para in enumerate(_excerpt()):
        document.add_paragraph(para.strip() if not para.startswith(" ") else "  " + para.strip())
        if n in breaks_after:
            document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    document.save(tmp_path / "excerpt.docx")
    word_doc = load_document(tmp_path / "excerpt.docx")
    assert _labels(word_doc) == _labels(text_doc)
    by_label = {p.label: p.page for p in word_doc.passages}
    where = next(n for n, para in enumerate(_excerpt()) if "Caseloads are too high" in para)
    assert by_label["44"] == 1 and by_label["45(e)"] == 1 + sum(b < where for b in breaks_after) == 2
    assert sorted(set(by_label.values())) == [1, 2, 3]
