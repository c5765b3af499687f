"""Document metadata: what the paper's text says, a sidecar NAME.meta.json, then explicit overrides.

Everything is read from the paper's words, never from its file name. The fields:

- council: the authority whose paper it is, canonical (ingest.councils): the first council the paper's opening
  names (heading, letterhead, gov.uk address), else "the County Council" with the one county its opening names,
  else the place of its "Town Hall, X", else the council the whole paper names most. A former council's name
  gives its successor ("Buckinghamshire County Council" -> "Buckinghamshire Council").
- body: the meeting's body ("Cabinet", "County Council", "Children's Select Committee"); for an inspectorate's
  paper the inspectorate(s) that wrote it ("Ofsted", "Ofsted and CQC").
- date: a meeting's date for minutes, agendas and the papers sent for a meeting; a report's own date; for an
  inspection report its publication date when it states one, else the last day of its fieldwork (never the
  previous inspection's).
- doc_type, one of DOC_TYPES, by what the paper presents itself as (a pack by the paper its covering letter
  encloses, or by its first page):
    minutes            the record of a meeting
    agenda             a meeting's agenda or summons, alone or with the papers for its items
    report             a report to a body, or papers sent for a meeting that are none of the others
    decision           a record of decision, proposed or taken, or a decision notice
    questions          questions put to the council or its members, with their answers
    inspection report  an inspectorate's report of an inspection (ILACS, area SEND, JTAI)
    inspection letter  an inspectorate's letter after a visit (focused, monitoring, revisit)
    inquiry report     a scrutiny inquiry's or review's report
    letter             any other letter
    plan               an action or improvement plan presented as itself
- title: the paper's own title as printed (a Title or Subject field, an inspection report's heading, a decision's
  title); minutes and agendas, which print none, are named for their body ("Cabinet agenda").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

from ingest import councils, cover, inspection_paper
from ingest.dates import find_dates, first_date
from ingest.errors import BadRequest, CorruptFile
from ingest.parts import Part

FIELDS = ("title", "date", "body", "doc_type", "council", "access")
ACCESS_LEVELS = ("public", "restricted")
DOC_TYPES = (
    "minutes",
    "agenda",
    "report",
    "decision",
    "questions",
    "inspection report",
    "inspection letter",
    "inquiry report",
    "letter",
    "plan",
)
HEAD = 4000  # characters: a paper says what it is on its first page or two
_GENERIC_SELF = re.compile(r"\b(?:the\s+)?(County|Borough|City|District)\s+Council\b")
_HALL = re.compile(r"\b(?:Town\s+Hall|Civic\s+(?:Centre|Offices|Hall)|Guildhall|Council\s+(?:House|Offices))\s*,\s*")


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


def infer(text: str, parts: list[Part]) -> dict[str, str | None]:
    """Council, body, date, doc_type and title as the paper's own words state them."""
    head = cover.plain(text[:HEAD])
    inspected = inspection_paper.kind(head, text)  # before a letter is taken for a covering one
    paper, covering = (head, None) if inspected else cover.after_covering_letter(head)
    inspected = inspected or inspection_paper.kind(paper, text)
    if inspected:
        doc_type = inspected
        body = inspection_paper.inspectorates(text)
        when = inspection_paper.published(paper)
        title = inspection_paper.title(paper)
    else:
        doc_type = cover.doc_type(paper)
        body = (covering and covering.body) or cover.body(paper)
        when = (covering and covering.date) or cover.meeting_date(paper)
        if not when and doc_type == "inquiry report":
            when = _last_date(text)
        title = cover.title(paper, doc_type, body) or (cover.enclosure(covering.letter) if covering else None)
    title = title or cover.heading(paper) or cover.cue_line(paper) or _part_title(parts) or doc_type.capitalize()
    return {
        "title": title,
        "date": when or first_date(head) or _last_date(text),
        "body": body,
        "doc_type": doc_type,
        "council": council(text),
        "access": "public",
    }


def _part_title(parts: list[Part]) -> str | None:
    # The pack's first part's title, unless that is only the council's name ("KENT COUNTY COUNCIL").
    first = parts[0].title if parts else ""
    named = sum(e - s for _, s, e in councils.find_councils(first))
    return first if first and named < 0.6 * len(first) else None


def council(text: str) -> str | None:
    """The authority whose paper this is (see the module docstring for the order of evidence)."""
    head = text[:HEAD]
    named = councils.find_councils(head)
    if named:
        return named[0][0]
    kinds = {m.group(1) for m in _GENERIC_SELF.finditer(head)}
    if kinds:
        # "A meeting of the County Council ... County Hall, Maidstone, Kent": the one county the opening names.
        places = {c for c, _, _ in councils.find_councils(head, anywhere=True)}
        fitting = {c for c in places if any(f"{kind} Council" in c for kind in kinds)}
        if len(fitting) == 1:
            return fitting.pop()
    for hall in _HALL.finditer(head):
        # "Town Hall, Wigan": a meeting held at the council's own hall (not County Hall, often in a district's town).
        at = councils.find_councils(head[hall.end() : hall.end() + 40], anywhere=True)
        if at and at[0][1] == 0:
            return at[0][0]
    counts = Counter(c for c, _, _ in councils.find_councils(text))
    return counts.most_common(1)[0][0] if counts else None


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
