"""An inspectorate's paper (Ofsted, CQC, ...): whether a paper is one, who wrote it, its date and its heading."""

from __future__ import annotations

import re

from ingest.dates import find_dates, first_date

TOP = 2500  # characters of the opening in which the heading stands
_M = re.MULTILINE
_MI = re.MULTILINE | re.IGNORECASE

_INSPECTION_FIELD = re.compile(
    r"^\s*(?:Inspection\s+dates?|Report\s+published|Dates?\s+of\s+(?:the\s+)?previous\s+inspection)\s*:", _MI
)
_INSPECTION_HEAD = re.compile(
    r"^\s*(?:(?:Joint\s+)?(?:local\s+)?area\s+SEND\s+(?:inspection|revisit)\s+(?:of|in)|Inspection\s+of"
    r"|Joint\s+targeted\s+area\s+inspection|(?:Focused|Monitoring|Assurance)\s+visit\s+to)\b",
    _MI,
)
_INSPECTORATES = (
    ("Ofsted", r"Ofsted|Office\s+for\s+Standards\s+in\s+Education"),
    ("CQC", r"CQC|Care\s+Quality\s+Commission"),
    ("HMICFRS", r"HMICFRS|Inspectorate\s+of\s+Constabulary"),
    ("HMI Probation", r"HMI\s+Probation|HMIP\b|Inspectorate\s+of\s+Probation"),
    ("Estyn", r"Estyn"),
    ("Care Inspectorate Wales", r"Care\s+Inspectorate\s+Wales"),
    ("Care Inspectorate", r"Care\s+Inspectorate(?!\s+Wales)"),
)


def kind(paper: str, text: str) -> str | None:
    """An inspectorate's paper's type ("inspection report" or "inspection letter"), or None for any other paper."""
    top = paper[:1500]
    if not (_headline(top) is not None or _INSPECTION_FIELD.search(top)):
        return None
    if not inspectorates(text) and not re.search(r"His\s+Majesty|Her\s+Majesty|\bHMC?I\b", text):
        return None  # a council's own paper about an inspection
    return "inspection letter" if re.search(r"^\s*Dear\s", top, _M) else "inspection report"


def _headline(top: str) -> int | None:
    """Where an inspection paper's heading starts: among its first lines, or as a letter's subject line."""
    lines = [ln for ln in top.splitlines() if ln.strip()]
    dear = next((i for i, ln in enumerate(lines[:25]) if re.match(r"\s*Dear\s", ln)), None)
    candidates = [*range(min(4, len(lines))), *(range(dear + 1, min(dear + 3, len(lines))) if dear is not None else ())]
    i = next((i for i in candidates if _INSPECTION_HEAD.match(lines[i])), None)
    return None if i is None else top.index(lines[i])


def _wrote(pattern: str, text: str) -> bool:
    """Whether the text names this inspectorate as (one of) its authors, not just as a source it quotes."""
    n = rf"(?:{pattern})"
    teams = " ".join(re.findall(r"[Ii]nspectors?\W+(?:\w+\W+){0,3}?from\s+([^.\n]{0,300})", text))
    return bool(
        re.search(n, teams)  # "inspectors from Ofsted, the CQC and HMICFRS"
        or re.search(rf"{n}\W+(?:HMI\W+)?[Ll]ead\s+[Ii]nspector", text)
        or re.search(rf"{n}\s+(?:\(\w+\),?\s+)?(?:produces|produced|carried\s+out|conducted|asks?|inspected)\b", text)
        or re.search(
            rf"{n}\s+and\s+(?:the\s+)?[A-Z][\w ]{{2,40}}?\s+(?:\(\w+\),?\s+)?(?:ask|carried|conducted)\b", text
        )
    )


def inspectorates(text: str) -> str | None:
    """The inspectorate(s) that wrote an inspection paper: "Ofsted", "Ofsted and CQC"; else the one most named."""
    authors = [label for label, pattern in _INSPECTORATES if _wrote(pattern, text)]
    if not authors:
        counts = {label: len(re.findall(pattern, text)) for label, pattern in _INSPECTORATES}
        best = max(counts, key=lambda k: counts[k])
        authors = [best] if counts[best] else []
    if not authors:
        return None
    return authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]


def published(paper: str) -> str | None:
    """The publication date a report states, else the last day of its fieldwork (never the previous inspection's)."""
    published = re.search(
        r"(?:Report\s+published|Publication\s+date|Date\s+published|published\s+on)\s*:?\s*(.{0,60})", paper, re.I
    )
    if published and first_date(published.group(1)):
        return first_date(published.group(1))
    field = re.search(r"Inspection\s+dates?\s*:?\s*(.{0,160})", paper, re.IGNORECASE)
    if not field:
        return None
    value = re.split(
        r"Dates?\s+of\s+(?:the\s+)?previous|Lead\s+inspector|Report\s+published", field.group(1), flags=re.I
    )
    dates = find_dates(value[0])
    return dates[-1][1] if dates else None


def title(paper: str) -> str | None:
    """An inspection report's heading, over as many lines as it takes, without its footnote mark."""
    at = _headline(paper[:1500])
    if at is None:
        return None
    lines = [ln.strip() for ln in paper[at:TOP].splitlines() if ln.strip()]
    taken: list[str] = []
    for ln in lines[:6]:
        field = _INSPECTION_FIELD.match(ln) or re.match(r"(?:Lead\s+inspector|Inspection\s+dates?)\b", ln, re.I)
        if taken and (field or len(ln) > 200 or ln.endswith(".")):  # the heading ends where fields or prose begin
            break
        taken = [ln] if taken and _INSPECTION_HEAD.match(ln) else [*taken, ln]  # a running header came first
    title = " ".join(" ".join(taken).split())
    return re.sub(r"(?<=[a-z])\s?[\d¹²³]{1,2}$", "", title)
