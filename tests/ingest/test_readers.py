"""Readers on small real files made at test time: PDF, DOCX, HTML, and the files they must refuse."""

from __future__ import annotations

import random
import re
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from pdf_files import write_pdf
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.errors import CorruptFile, EmptyDocument, EncryptedFile, UnsupportedFile
from ingest.readers import read

SEED = Path(__file__).resolve().parents[2] / "corpus" / "seeds" / "000_7fe6b5480f42e76b.txt"
HEADER = "Buckinghamshire County Council - Cabinet"
LINES_PER_PAGE = 30


def _norm(text: str) -> str:
    return " ".join(text.split())


def _seed_paragraphs() -> list[str]:
    # What a PDF of the seed shows: its paragraphs without the markdown marks the converter added.
    lines = SEED.read_text(encoding="utf-8").split("\n")[:60]
    return [re.sub(r"^#+\s*", "", ln.replace("**", "")).strip() for ln in lines if ln.strip()]


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[int]]:
    path = tmp_path_factory.mktemp("pdf") / "cabinet.pdf"
    paragraphs = _seed_paragraphs()
    spans = write_pdf(path, paragraphs, HEADER, LINES_PER_PAGE, width=95)
    return path, paragraphs, [first if first == last else -1 for first, last in spans]  # -1: spans a break


def test_pdf_text_pages_and_furniture(seed_pdf: tuple[Path, list[str], list[int]]) -> None:
    path, paragraphs, pages_of = seed_pdf
    n_pages = len(PdfReader(path).pages)
    assert n_pages >= 3
    extracted = read(path)
    flat = _norm(extracted.text)
    missing = [p for p in paragraphs if _norm(p) not in flat]
    assert missing == []
    assert len(extracted.page_starts) == n_pages
    assert extracted.page_starts[0] == 0 and list(extracted.page_starts) == sorted(extracted.page_starts)
    # A paragraph drawn wholly on page 2 starts inside page 2's range of the text.
    on_page_2 = next(p for p, pg in zip(paragraphs, pages_of, strict=True) if pg == 2)
    offset = extracted.text.find(on_page_2[:60])
    assert extracted.page_starts[1] <= offset < extracted.page_starts[2]
    assert HEADER not in extracted.text
    assert not re.search(r"(?m)^\s*Page \d+\s*$", extracted.text)


def test_pdf_reflow_rebuilds_paragraphs(seed_pdf: tuple[Path, list[str], list[int]]) -> None:
    path, _, _ = seed_pdf
    blocks = read(path).text.split("\n\n")
    # Wrapped lines of one paragraph come back as one block; headings and numbered paragraphs stay apart.
    assert "Working Together to Safeguard Children" in blocks
    assert any(b.startswith("1. The following section gives an overview") and b.endswith("Services.") for b in blocks)
    assert any(b.startswith("6. The Local Government Association") and "early intervention." in b for b in blocks)


def _numbered_docx(path: Path) -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    # A two-level list as Word writes it: "%1." decimal, then "%2)" lower letters under it.
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>'
        "</w:abstractNum>"
    )
    numbering.find(qn("w:num")).addprevious(abstract)  # the schema wants every abstractNum before any num
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def item(text: str, ilvl: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>')
        )

    document.add_heading("Children's Services Update", level=1)
    document.add_paragraph("Cabinet is asked to note the report.")
    item("The following section gives an overview.", 0)
    item("The new framework includes:", 0)
    item("Local authorities sharing an annual self-evaluation.", 1)
    item("An annual engagement meeting.", 1)
    item("This approach aims to support improvement.", 0)
    item("Children are listened to.", 1)
    document.add_paragraph("Foster carers are supported.", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("Judgement", "Primary", "Secondary"), ("Good", "35 (74%)", "5 (39%)")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    split = document.add_paragraph("Transition must take place by 29 September 2019.")
    split.add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("Fostering", level=2)
    document.save(str(path))


def test_docx_numbering_headings_tables(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    _numbered_docx(path)
    extracted = read(path)
    blocks = extracted.text.split("\n\n")
    assert blocks == [
        "# Children's Services Update",
        "Cabinet is asked to note the report.",
        "1. The following section gives an overview.",
        "2. The new framework includes:",
        "  - a) Local authorities sharing an annual self-evaluation.",
        "  - b) An annual engagement meeting.",
        "3. This approach aims to support improvement.",
        "  - a) Children are listened to.",  # the letters restart under a new number
        "- Foster carers are supported.",
        "Judgement\tPrimary\tSecondary\nGood\t35 (74%)\t5 (39%)",
        "Transition must take place by 29 September 2019.",
        "## Fostering",
    ]
    # The explicit page break splits the text into two pages; the heading after it is on page 2.
    assert len(extracted.page_starts) == 2
    assert extracted.text.index("## Fostering") >= extracted.page_starts[1]
    kinds = {extracted.text[a:b]: kind for a, b, kind in extracted.hints}
    assert kinds == {
        "# Children's Services Update": "heading",
        "Judgement\tPrimary\tSecondary\nGood\t35 (74%)\t5 (39%)": "table",
        "## Fostering": "heading",
    }


def test_docx_without_page_breaks_has_no_pages(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    document = docx.Document()
    document.add_paragraph("One paragraph.")
    document.add_paragraph("Another paragraph.")
    document.save(str(path))
    extracted = read(path)
    assert extracted.text == "One paragraph.\n\nAnother paragraph."
    assert extracted.page_starts == ()


COUNCIL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="windows-1252"><title>Cabinet</title><script>var tracking = "script text";</script></head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<div id="cookieBanner">We use cookies on this site.</div>
<header><div class="logo">Council site banner</div></header>
<nav id="mainNav"><ul><li><a href="/">Home page link</a></li><li>Councillors menu</li></ul></nav>
<div class="breadcrumbs"><a href="/">Home</a> &gt; Meetings trail</div>
<div class="promo">Pay your council tax online</div>
<main id="main">
<h2>Children&#39;s Services Update</h2>
<p>Cabinet is   asked to <b>note</b> the <a href="x">national</a> developments.<br>Costs rose by \xa32 billion.</p>
<ul><li>Foster parents receive support.</li>
<li>Placements are stable.<ol type="a"><li>in the right place</li></ol></li></ul>
<ol start="45"><li>The response outlines the vision.</li><li>Underpinning the vision.</li></ol>
<table><tr><th>Judgement</th><th>Primary</th><th>Secondary</th></tr>
<tr><td>Good</td><td>35 (74%)</td><td>5 (39%)</td></tr></table>
</main>
<footer><p>Contact us on 01296 395000</p></footer>
</body></html>
"""


def test_html_main_content_only(tmp_path: Path) -> None:
    path = tmp_path / "meeting.html"
    path.write_bytes(COUNCIL_PAGE.encode("cp1252"))
    extracted = read(path)
    assert extracted.text.split("\n\n") == [
        "## Children's Services Update",
        "Cabinet is asked to note the national developments. Costs rose by £2 billion.",
        "- Foster parents receive support.",
        "- Placements are stable.",
        "  - a) in the right place",
        "45. The response outlines the vision.",
        "46. Underpinning the vision.",
        "Judgement\tPrimary\tSecondary\nGood\t35 (74%)\t5 (39%)",
    ]
    for chrome in (
        "Skip to",
        "cookies",
        "banner",
        "Home page",
        "Councillors menu",
        "trail",
        "council tax",
        "01296",
        "script",
    ):
        assert chrome not in extracted.text


def test_html_chrome_without_main(tmp_path: Path) -> None:
    # No <main>: the body is read, and chrome marked only by id/class/role still goes; a page-wide
    # ASP.NET form stays, a search form goes.
    page = (
        '<html><body><form id="aspnetForm"><div role="navigation">Site links</div><div id="mgFooter">Footer</div>'
        '<div class="item-unavailable"><p>Agenda item 6: apologies.</p></div>'
        '<div class="layout-with-subnav"><h1>Minutes</h1></div>'
        '<form action="/search"><input name="q"> Search this site</form></form></body></html>'
    )
    path = tmp_path / "page.htm"
    path.write_text(page, encoding="utf-8")
    assert read(path).text == "Agenda item 6: apologies.\n\n# Minutes"


def _text_pdf(path: Path, text: str) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 700, text)
    pdf.showPage()
    pdf.save()


def test_empty_text_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("")
    with pytest.raises(EmptyDocument):
        read(path)


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(random.Random(7).randbytes(4096))
    with pytest.raises(CorruptFile) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith("not a readable PDF") and "\n" not in message and "Traceback" not in message


def test_encrypted_pdf(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    _text_pdf(plain, "Part II: exempt information.")
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    writer.write(str(locked))
    with pytest.raises(EncryptedFile, match="password"):
        read(locked)


def test_owner_password_only_pdf_is_read(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    _text_pdf(plain, "Restricted printing, open reading.")
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="", owner_password="owner")
    restricted = tmp_path / "restricted.pdf"
    writer.write(str(restricted))
    assert read(restricted).text == "Restricted printing, open reading."


def test_image_only_pdf(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        pdf.rect(72, 500, 300, 200, fill=1)
        pdf.circle(300, 300, 50)
        pdf.showPage()
    pdf.save()
    with pytest.raises(EmptyDocument, match="no text layer"):
        read(path)


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "minutes.docx"
    path.write_text("This was saved as plain text with a .docx name.")
    with pytest.raises(CorruptFile, match="not a zip"):
        read(path)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "agenda.xyz"
    path.write_text("Agenda")
    with pytest.raises(UnsupportedFile, match=r"\.xyz"):
        read(path)
