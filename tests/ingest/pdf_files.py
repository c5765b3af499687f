"""Real PDF files drawn with reportlab for the reader and round-trip tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def write_pdf(
    path: Path, paragraphs: list[str], header: str, lines_per_page: int = 30, width: int = 90
) -> list[tuple[int, int]]:
    """Draw paragraphs wrapped over pages with a running header and a 'Page N' footer.

    Returns each paragraph's (first page, last page); an indented "  - a)" paragraph is drawn indented.
    """
    pdf = canvas.Canvas(str(path), pagesize=A4)
    page_width, height = A4
    page, drawn, spans = 0, 0, []

    def new_page() -> float:
        nonlocal page
        if page:
            pdf.showPage()
        page += 1
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, header)
        pdf.drawString(page_width / 2, 30, f"Page {page}")
        pdf.setFont("Helvetica", 10)
        return height - 80

    y = new_page()
    for para in paragraphs:
        indent = 90 if para.startswith(" ") else 72
        first = None
        for line in textwrap.wrap(para.strip(), width, break_on_hyphens=False):
            if drawn and drawn % lines_per_page == 0:
                y = new_page()
            pdf.drawString(indent, y, line)
            first = first or page
            y -= 13
            drawn += 1
        spans.append((first or page, page))
        y -= 8
    pdf.showPage()
    pdf.save()
    return spans
