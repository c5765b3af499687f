"""Dates as council papers write them ("Monday 10 December 2018", "15 th October 2014", "26 April 2022")."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}

DATE = re.compile(
    r"\b(\d{1,2})\s*(?:st|nd|rd|th)?\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b",
    re.IGNORECASE,
)


def find_dates(text: str) -> list[tuple[int, str]]:
    """Every full date in the text as (offset, ISO yyyy-mm-dd), in order."""
    found = []
    for m in DATE.finditer(text):
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
        try:
            found.append((m.start(), date(year, month, day).isoformat()))
        except ValueError:
            continue
    return found


def first_date(text: str) -> str | None:
    """The first full date in the text, ISO formatted, or None."""
    dates = find_dates(text)
    return dates[0][1] if dates else None
