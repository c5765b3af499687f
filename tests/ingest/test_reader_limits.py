"""Readers under hostile input: bounded size, depth, pages and time; other encodings of text read, not refused."""

from __future__ import annotations

import resource
import struct
import time
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest import limits
from ingest.errors import CorruptFile, EmptyDocument, FileTooLarge
from ingest.load import load_document
from ingest.readers import read

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "seeds"
SEED = SEEDS / "004_a930b2b3540043e5.txt"
PARAGRAPH = "1. The council agreed the highways maintenance plan for the coming year."


def test_deeply_nested_html_is_read_without_recursion_error(tmp_path: Path) -> None:
    for depth in (500, 5000):
        path = tmp_path / f"deep{depth}.html"
        path.write_text(f"<html><body>{'<div>' * depth}<p>{PARAGRAPH}</p>{'</div>' * depth}<p>After.</p></body></html>")
        t0 = time.perf_counter()
        text = read(path).text
        assert PARAGRAPH in text and "After." in text
        assert time.perf_counter() - t0 < 10


def test_nesting_within_the_bound_keeps_its_blocks(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    inner = "".join(f"<p>{n}. Paragraph {n} of the report.</p>" for n in range(1, 4))
    path.write_text(f"<html><body>{'<div>' * 40}{inner}{'</div>' * 40}</body></html>")
    assert read(path).text.split("\n\n") == [f"{n}. Paragraph {n} of the report." for n in range(1, 4)]


def _docx(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(PARAGRAPH)
    document.save(str(path))


def _inflate_document(src: Path, dst: Path, padding_bytes: int) -> None:
    """A copy of `src` whose word/document.xml holds `padding_bytes` more of real paragraphs (it deflates small)."""
    para = b"<w:p><w:r><w:t>The committee noted the report.</w:t></w:r></w:p>"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename != "word/document.xml":
                zout.writestr(item, data)
                continue
            head, tail = data.split(b"</w:body>")
            with zout.open("word/document.xml", "w") as out:  # streamed: the test never holds 100 MB
                out.write(head)
                chunk = para * (1 << 14)
                for _ in range(padding_bytes // len(chunk)):
                    out.write(chunk)
                out.write(b"</w:body>" + tail)


def test_a_docx_whose_document_inflates_to_100_mb_is_refused(tmp_path: Path) -> None:
    small, big = tmp_path / "small.docx", tmp_path / "bomb.docx"
    _docx(small)
    _inflate_document(small, big, 100 * 1024 * 1024)
    assert big.stat().st_size < 2 * 1024 * 1024  # under every file size limit: only the inflated size tells
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(FileTooLarge, match="uncompressed"):
        read(big)
    assert time.perf_counter() - t0 < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB: nothing was inflated


def _understate_size(path: Path, member: str, size: int) -> None:
    """Rewrite the zip's headers so that `member` claims to inflate to `size` bytes (a lying archive)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for sig, name_len_at, size_at, header in ((b"PK\x03\x04", 26, 22, 30), (b"PK\x01\x02", 28, 24, 46)):
        at = data.find(sig)
        while at >= 0:
            (n,) = struct.unpack_from("<H", data, at + name_len_at)
            if data[at + header : at + header + n] == name:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))


def test_a_docx_that_lies_about_its_inflated_size_is_corrupt_not_read_whole(tmp_path: Path) -> None:
    small, big = tmp_path / "small.docx", tmp_path / "liar.docx"
    _docx(small)
    _inflate_document(small, big, 100 * 1024 * 1024)
    _understate_size(big, "word/document.xml", 4096)
    t0 = time.perf_counter()
    with pytest.raises(CorruptFile):
        read(big)
    assert time.perf_counter() - t0 < 5


def test_a_deeply_nested_docx_is_corrupt_or_read_never_recursion_error(tmp_path: Path) -> None:
    small, deep = tmp_path / "small.docx", tmp_path / "deep.docx"
    _docx(small)
    nest = 3000
    with zipfile.ZipFile(small) as zin, zipfile.ZipFile(deep, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                run = b"<w:r><w:t>Deep text.</w:t></w:r>"
                inner = b"<w:p>" + b"<w:smartTag>" * nest + run + b"</w:smartTag>" * nest + b"</w:p>"
                data = data.replace(b"</w:body>", inner + b"</w:body>")
            zout.writestr(item, data)
    try:
        text = read(deep).text
    except CorruptFile:
        return
    assert PARAGRAPH in text


def test_a_49_mb_text_file_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    seeds = b"\n\n".join(p.read_bytes() for p in sorted(SEEDS.glob("*.txt")))
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        for _ in range(49_000_000 // len(seeds)):
            out.write(seeds)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(FileTooLarge, match="characters"):
        load_document(path)
    assert time.perf_counter() - t0 < 10  # was over 200 s
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 400 * 1024  # KB; was 1.4 GB


def _pdf(path: Path, pages: int) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, pages + 1):
        pdf.drawString(72, 700, f"{n}. The council noted the report on page {n}.")
        pdf.showPage()
    pdf.save()


def test_a_pdf_over_the_page_limit_is_refused_before_its_pages_are_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "long.pdf"
    _pdf(path, 6)
    assert "page 6" in read(path).text
    monkeypatch.setattr(limits, "MAX_PAGES", 5)
    with pytest.raises(FileTooLarge, match="6 pages"):
        read(path)


def test_a_pdf_over_the_text_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "wordy.pdf"
    _pdf(path, 6)
    monkeypatch.setattr(limits, "MAX_CHARS", 100)
    with pytest.raises(FileTooLarge, match="character limit"):
        read(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_text_is_read_with_or_without_bom(tmp_path: Path, encoding: str) -> None:
    text = SEED.read_text(encoding="utf-8") + "\nCafé budget: £1,234 – agreed.\n"
    plain, other = tmp_path / "plain.txt", tmp_path / "other.txt"
    plain.write_text(text, encoding="utf-8")
    other.write_bytes(text.encode(encoding))
    assert read(other).text == read(plain).text


def test_binary_data_in_a_text_file_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(CorruptFile, match="binary"):
        read(path)


def test_a_file_with_text_but_no_passages_is_refused_as_no_text_found(tmp_path: Path) -> None:
    path = tmp_path / "dash.txt"
    path.write_text("- \n")
    with pytest.raises(EmptyDocument, match="no text found"):
        load_document(path)


def test_limits_are_generous_for_real_papers() -> None:
    assert limits.MAX_CHARS >= 2_000_000 and limits.MAX_PAGES >= 1000 and limits.MAX_DEPTH >= 64
