"""Document metadata: what the paper's text says, a sidecar NAME.meta.json, then explicit overrides."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from ingest.dates import find_dates, first_date
from ingest.errors import BadRequest, CorruptFile
from ingest.parts import Part

FIELDS = ("title", "date", "body", "doc_type", "council", "access")
ACCESS_LEVELS = ("public", "restricted")
_COUNCIL = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?(?: County| District| Borough| City)? Council)\b")
_COMMITTEE = re.compile(r"((?:[A-Z][\w'’&,]*[ \t]+|&[ \t]+)+Select Committee)")


def iso_date(value: str) -> str:
    """A date given by a user (sidecar, flag) as ISO yyyy-mm-dd; BadRequest when it is not a date."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    found = first_date(value)
    if not found:
        raise BadRequest(f"date {value!r} is not a date (use 2018-12-10 or 10 December 2018)")
    return found


def _field(text: str, name: str) -> str | None:
    m = re.search(rf"^\W*{name}:?\**\s*:?\s*(.+)$", text, re.M | re.I)
    return re.sub(r"\*\*|__", "", m.group(1)).strip() if m else None


def infer(text: str, parts: list[Part]) -> dict[str, str | None]:
    """Title, date, body, doc_type and council as the paper's own words state them."""
    head = text[:4000]
    lower = head.lower()
    body = None
    if re.search(r"report to cabinet|^#*\s*\**cabinet\b", head, re.I | re.M):
        body = "Cabinet"
    else:
        committees = [c.strip() for c in _COMMITTEE.findall(head)]
        named = [c for c in committees if not c.lower().startswith(("buckinghamshire", "the "))]
        body = (named or committees or [None])[0]
        body = re.sub(r"^(Buckinghamshire (County )?Council )", "", body) if body else None
    if len(parts) > 2 and "agenda" in lower:
        doc_type = "agenda"
    elif "inquiry" in lower:
        doc_type = "inquiry report"
    elif re.search(r"\bminutes of the meeting\b", lower[:600]):
        doc_type = "minutes"
    elif re.search(r"^dear\s", head, re.I | re.M) and "inspection" in lower:
        doc_type = "inspection letter"
    elif re.search(r"^dear\s", head, re.I | re.M):
        doc_type = "letter"
    else:
        doc_type = "report"
    title = _field(head, "Title")
    if not title:
        inquiry = re.search(r"^.*\bInquiry\b.*$", head, re.M)
        title = inquiry.group(0).strip() if inquiry and doc_type == "inquiry report" else None
    if not title and body and doc_type == "agenda":
        title = f"{body} agenda"
    if not title:
        title = parts[0].title if parts else None
    date = first_date(_field(head, "Date") or "")
    if doc_type == "inquiry report":
        date = date or _last_date(text)
    date = date or first_date(head) or _last_date(text)
    council = _COUNCIL.search(head)
    return {
        "title": title,
        "date": date,
        "body": body,
        "doc_type": doc_type,
        "council": council.group(1) if council else None,
        "access": "public",
    }


def _last_date(text: str) -> str | None:
    # An inquiry report names its period late ("between Sept 2014 - March 2015"); the latest full date stands.
    dates = find_dates(text)
    return max(d for _, d in dates) if dates else None


def sidecar(path: Path) -> dict[str, str]:
    """Fields from NAME.meta.json beside the file, if there is one."""
    meta = path.with_name(path.name + ".meta.json")
    alt = path.with_suffix(".meta.json")
    for candidate in (meta, alt):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise CorruptFile(f"sidecar {candidate.name} is not valid JSON: {e}") from None
            if not isinstance(data, dict):
                raise CorruptFile(f"sidecar {candidate.name} must hold a JSON object")
            unknown = set(data) - set(FIELDS)
            if unknown:
                raise CorruptFile(f"sidecar {candidate.name} has unknown fields: {', '.join(sorted(unknown))}")
            return {k: str(v) for k, v in data.items() if v is not None}
    return {}
