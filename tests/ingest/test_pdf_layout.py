"""The PDF reader's layout on small real PDFs drawn with reportlab: lines, headings, lists, tables, furniture."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.models import Extracted
from ingest.readers import read
from ingest.segment import segment

WIDTH, HEIGHT = A4
LEFT = 72


def _blocks(extracted: Extracted) -> list[tuple[str, str]]:
    """(hint kind or "", text) of each block the reader wrote, in order."""
    kinds = {a: k for a, _, k in extracted.hints}
    out, pos = [], 0
    for block in extracted.text.split("\n\n"):
        out.append((kinds.get(pos, ""), block))
        pos += len(block) + 2
    return out


def _texts(extracted: Extracted) -> list[str]:
    return [text for _, text in _blocks(extracted)]


def _page(pdf: canvas.Canvas, lines: list[tuple[str, str, float, float, float]]) -> None:
    """Draw (text, font, size, x, y-from-top) lines, then end the page."""
    for text, font, size, x, y in lines:
        pdf.setFont(font, size)
        pdf.drawString(x, HEIGHT - y, text)
    pdf.showPage()


def _pdf(path: Path, pages: list[list[tuple[str, str, float, float, float]]]) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        _page(pdf, lines)
    pdf.save()
    return path


Drawn = list[tuple[str, str, float, float, float]]


def _body(texts: list[str], top: float, x: float = LEFT, lead: float = 13.0) -> Drawn:
    return [(t, "Helvetica", 10, x, top + n * lead) for n, t in enumerate(texts)]


def test_wrapped_lines_join_by_spacing_not_by_their_shape(tmp_path: Path) -> None:
    lines = _body(
        [
            "The Constitution sets out the procedure that the Council follows in paragraph",
            "17.67 for calling-in a decision. Members may ask for a review of any decision by",
            "writing to the Monitoring Officer within five working days, and elections would follow in",
            "April 2028",
        ],
        100,
    ) + _body(["(1) Endorse the ongoing joint work between the councils.", "(2) Note the timetable."], 170)
    extracted = read(_pdf(tmp_path / "wrap.pdf", [lines]))
    assert _texts(extracted) == [
        "The Constitution sets out the procedure that the Council follows in paragraph 17.67 for calling-in a "
        "decision. Members may ask for a review of any decision by writing to the Monitoring Officer within five "
        "working days, and elections would follow in April 2028",
        "(1) Endorse the ongoing joint work between the councils.",
        "(2) Note the timetable.",
    ]
    assert extracted.hints == ()  # a short wrapped line in body type is not a heading


def test_headings_by_size_and_weight_with_levels(tmp_path: Path) -> None:
    lines = [
        ("Inspection of Anytown children's services", "Helvetica", 20, LEFT, 80),
        ("What needs to improve?", "Helvetica-Bold", 12, LEFT, 130),
        *_body(["Leaders should improve the timeliness of plans for children in care."], 150),
        ("Inspection dates:", "Helvetica-Bold", 10, LEFT, 180),
        ("3 to 7 March 2025", "Helvetica", 10, LEFT + 90, 180),
    ]
    extracted = read(_pdf(tmp_path / "headings.pdf", [lines]))
    assert _blocks(extracted) == [
        ("heading:1", "Inspection of Anytown children's services"),
        ("heading:2", "What needs to improve?"),
        ("", "Leaders should improve the timeliness of plans for children in care."),
        ("", "Inspection dates: 3 to 7 March 2025"),  # a bold label before plain text is not a heading
    ]


def test_running_header_footer_and_page_numbers_are_removed_and_reported(tmp_path: Path) -> None:
    pages = [
        [
            ("Anytown Council - Cabinet report", "Helvetica", 8, LEFT, 40),
            *_body([f"Paragraph on page {n} says something worth citing about children's services."], 120),
            (f"Page {n}", "Helvetica", 8, WIDTH / 2, HEIGHT - 30),
        ]
        for n in range(1, 5)
    ]
    extracted = read(_pdf(tmp_path / "furniture.pdf", pages))
    assert "Anytown Council - Cabinet report" not in extracted.text
    assert "Page 2" not in extracted.text
    assert len(extracted.page_starts) == 4
    assert (1, "Anytown Council - Cabinet report") in extracted.removed
    assert (3, "Page 3") in extracted.removed
    assert len(extracted.removed) == 8


def test_two_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    left = [f"Left column line {n} tells how it" for n in range(12)]
    right = [f"Right column line {n} tells more" for n in range(12)]
    lines = _body(left, 100, x=LEFT) + _body(right, 100, x=WIDTH / 2 + 10)
    text = read(_pdf(tmp_path / "columns.pdf", [lines])).text
    assert text.index("Left column line 11") < text.index("Right column line 0")
    assert "Left column line 0 tells how it Left column line 1 tells how it" in text


def test_ruled_table_comes_out_as_rows_of_cells(tmp_path: Path) -> None:
    path = tmp_path / "table.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    rows = [
        ("Judgement", "Grade"),
        ("The experiences and progress of", "Good"),
        ("Overall effectiveness", "Outstanding"),
    ]
    xs, top, height = (LEFT, 300, 500), 100, 30
    for r, (a, b) in enumerate(rows):
        y = HEIGHT - top - r * height
        pdf.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 10)
        pdf.drawString(xs[0] + 4, y - 12, a)
        pdf.drawString(xs[1] + 4, y - 12, b)
        if r == 1:
            pdf.drawString(xs[0] + 4, y - 24, "children in care")  # a cell's text wrapped onto a second line
    for r in range(len(rows) + 1):
        pdf.line(xs[0], HEIGHT - top - r * height, xs[2], HEIGHT - top - r * height)
    for x in xs:
        pdf.line(x, HEIGHT - top, x, HEIGHT - top - len(rows) * height)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(LEFT, HEIGHT - 230, "Children in care make good progress, and leaders know their services well.")
    pdf.showPage()
    pdf.save()
    extracted = read(path)
    assert _blocks(extracted) == [
        (
            "table:1",
            "Judgement\tGrade\nThe experiences and progress of children in care\tGood\n"
            "Overall effectiveness\tOutstanding",
        ),
        ("", "Children in care make good progress, and leaders know their services well."),
    ]


def test_a_box_round_prose_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "box.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(LEFT - 4, HEIGHT - 200, 460, 110)
    pdf.line(LEFT - 4, HEIGHT - 115, LEFT + 456, HEIGHT - 115)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(LEFT, HEIGHT - 108, "Inspection outcome")
    pdf.setFont("Helvetica", 10)
    prose = [
        "The local area partnership's arrangements typically lead to positive",
        "experiences and outcomes for children and young people with SEND.",
    ]
    for n, t in enumerate(prose):
        pdf.drawString(LEFT, HEIGHT - 135 - 13 * n, t)
    pdf.showPage()
    pdf.save()
    assert _blocks(read(path)) == [
        ("heading:1", "Inspection outcome"),
        (
            "",
            "The local area partnership's arrangements typically lead to positive experiences and outcomes for "
            "children and young people with SEND.",
        ),
    ]


def test_columns_of_figures_without_rules_are_a_table(tmp_path: Path) -> None:
    rows = [("", "2024-25", "2025-26"), ("Revenue Support Grant", "11,806.0", "15,680.3"),
            ("Social Care Grant", "117,046.1", "137,143.6"), ("Services Grant", "1,311.9", "0.0")]
    lines = []
    for r, (label, a, b) in enumerate(rows):
        y = 100 + 12 * r
        if label:
            lines.append((label, "Helvetica", 9, LEFT, y))
        lines.append((a, "Helvetica", 9, 300, y))
        lines.append((b, "Helvetica", 9, 400, y))
    extracted = read(_pdf(tmp_path / "figures.pdf", [lines]))
    assert _blocks(extracted) == [
        (
            "table:1",
            "\t2024-25\t2025-26\nRevenue Support Grant\t11,806.0\t15,680.3\nSocial Care Grant\t117,046.1\t137,143.6\n"
            "Services Grant\t1,311.9\t0.0",
        )
    ]


def test_hyphen_at_a_line_end_keeps_the_word_whole(tmp_path: Path) -> None:
    lines = _body(["Leaders have developed multi-agency co-", "ordinated support for families in the borough."], 100)
    assert _texts(read(_pdf(tmp_path / "hyphen.pdf", [lines]))) == [
        "Leaders have developed multi-agency co-ordinated support for families in the borough."
    ]


def test_rotated_page_stamp_is_furniture(tmp_path: Path) -> None:
    path = tmp_path / "rotated.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(LEFT, HEIGHT - 100, "Council Tax Income rises by four per cent in the coming year.")
    pdf.saveState()
    pdf.translate(40, HEIGHT / 2)
    pdf.rotate(90)
    pdf.drawString(0, 0, "Page 9")
    pdf.restoreState()
    pdf.showPage()
    pdf.save()
    extracted = read(path)
    assert _texts(extracted) == ["Council Tax Income rises by four per cent in the coming year."]
    assert extracted.removed == ((1, "Page 9"),)


def test_paragraph_cut_by_a_page_break_is_joined_past_its_footnote(tmp_path: Path) -> None:
    page_one = _body(["Leaders have strengthened the early help offer, which now reaches more families and"], 700)
    page_one.append(("1 The framework is statutory guidance for local authorities.", "Helvetica", 7, LEFT, 780))
    page_two = _body(["helps children to stay safely at home.", ""], 80) + _body(["A new paragraph starts here."], 110)
    extracted = read(_pdf(tmp_path / "break.pdf", [page_one, page_two]))
    assert _texts(extracted) == [
        "Leaders have strengthened the early help offer, which now reaches more families and helps children to "
        "stay safely at home.",
        "1 The framework is statutory guidance for local authorities.",
        "A new paragraph starts here.",
    ]


@pytest.mark.parametrize("numbered", [True, False])
def test_minute_numbers_make_label_paths(tmp_path: Path, numbered: bool) -> None:
    bold = "Helvetica-Bold"
    lines = [
        ("88.", bold, 11, 54, 100),
        ("Kent Minerals and Waste Local Plan", bold, 11, 90, 100),
        *_body(["(Item 8)"], 114, x=90),
        *_body(["1) Mr Murphy proposed the motion that Council is asked to:"], 140, x=90),
        *_body(["(i) note the Inspector's report;", "(ii) adopt the Plan."], 160, x=110),
        *_body(["2) The voting was as follows:"], 200, x=90),
        *_body(["For (52)"], 220, x=90),
        *_body(["Mr Baker, Mr Baldock, Mr Brady"], 234, x=90),
        *_body(["Against (0)"], 254, x=90),
        *_body(["3) RESOLVED that the Plan be adopted."], 280, x=90),
    ]
    if not numbered:
        lines = lines[1:]
    extracted = read(_pdf(tmp_path / "minutes.pdf", [lines]))
    passages = segment(extracted.text, "d", extracted.page_starts, extracted.hints, extracted.structured)
    labels = [p.label for p in passages]
    prefix = "88" if numbered else ""
    assert labels[1:] == [
        f"{prefix}(1)",
        f"{prefix}(1)(i)",
        f"{prefix}(1)(ii)",
        f"{prefix}(2)",
        f"{prefix}(2), For",
        f"{prefix}(2), Against",
        f"{prefix}(3)",
    ]
    assert passages[0].kind == "heading" and passages[0].text.endswith("(Item 8)")  # the item reference joins it
    assert passages[5].text == "For (52) Mr Baker, Mr Baldock, Mr Brady"  # the names read with their tally
    assert "".join(p.text for p in passages).replace("\n", "") == extracted.text.replace("\n", "")
