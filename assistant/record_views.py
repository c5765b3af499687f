"""The council's record assembled into views: meetings, recommendations with what became of them, actions,
inspections and a council's inspection timeline.

The one place the CLI, the API and the page read the record from. Each view is built only from the facts of papers
the caller may read (Store.facts with the caller's access), so a restricted paper leaves nothing behind: no row,
no status, no count and no link. Every value cites its passage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from assistant import record_links
from assistant.record_models import (
    Action,
    Cite,
    Cited,
    Inspection,
    Item,
    Meeting,
    NoRecommendations,
    Paper,
    Recommendation,
    RecommendationBook,
    Status,
    Timeline,
)
from ingest.errors import BadRequest
from ingest.store import Store

_ISO = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-\d{2})?)?")
_PLURAL = {"apology": "apologies", "substitute": "substitutes", "officer": "officers", "other": "others"}
_PLURAL |= {"declaration": "declarations", "update": "updates", "judgement": "judgements", "inspector": "inspectors"}
_PLURAL |= {"lead_inspector": "lead_inspectors", "improvement": "improvements", "strength": "strengths"}
_PLURAL |= {"priority_action": "priority_actions", "requirement": "requirements"}
_INSPECTION_DATES = ("start", "end", "published", "letter_date")


def _valid(value: str) -> bool:
    if not _ISO.fullmatch(value):
        return False
    try:
        return len(value) < 10 or bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


@dataclass(frozen=True)
class RecordFilters:
    """Which rows to keep: a council (its canonical name), a body (any part of its name, in any case) and dates
    (ISO, inclusive; a month or a year the paper gives matches a range it overlaps)."""

    council: str | None = None
    body: str | None = None
    since: str | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        for name, value in (("since", self.since), ("until", self.until)):
            if value and not _valid(value):
                raise BadRequest(f"{name} must be an ISO date like 2021-06-30, not {value!r}")
        if self.since and self.until and self.since > self.until:
            raise BadRequest(f"since ({self.since}) is after until ({self.until})")

    def dated(self, when: str | None) -> bool:
        """Whether a date is inside the range (an undated row is outside any range)."""
        if not (self.since or self.until):
            return True
        if not when:
            return False
        too_early = bool(self.since) and when < self.since[: len(when)]
        return not too_early and not (self.until and when[: len(self.until)] > self.until)

    def of_body(self, *names: str | None) -> bool:
        """Whether any of the names is of the body asked for (always, when none was asked for)."""
        wanted = (self.body or "").strip().casefold()
        return not wanted or any(wanted in n.casefold() for n in names if n)


# --- facts to cited values ----------------------------------------------------------------------------------------


def _cite(r: dict) -> Cite:
    label = r["label"] if r["part_no"] is None else f"{r['label']} (part {r['part_no']})"
    title = r.get("part_title") or r["title"]
    return Cite(
        doc_id=r["doc_id"], passage_id=f"{r['doc_id']}:{r['ordinal']}", label=label, page=r["page"], title=title,
        date=r["part_date"] or r["date"],
    )  # fmt: skip


def _cited(r: dict) -> Cited:
    return Cited(value=r["value"], detail=r["detail"], cite=_cite(r))


def _paper(r: dict) -> Paper:
    return Paper(**{f: r[f] for f in Paper.model_fields})


def _groups(store: Store, access: tuple[str, ...], entity: str, council: str | None) -> list[list[dict]]:
    """The facts of one entity, one list per (paper, key) in the paper's order; the lists oldest paper first."""
    rows = store.facts(access, entity=entity, council=council)
    parts = store.passages_by_id(sorted({r["passage_id"] for r in rows}))
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        p = parts.get(r["passage_id"])
        groups[(r["doc_id"], r["key"])].append({**r, "part_title": p.part_title if p else None})
    return [sorted(g, key=lambda r: (r["ordinal"], r["id"])) for g in groups.values()]


def _fields(rows: list[dict]) -> dict[str, list[Cited]]:
    """Field name (as the views spell it) -> its values, in the paper's order."""
    out: dict[str, list[Cited]] = defaultdict(list)
    for r in rows:
        out[_PLURAL.get(r["field"], r["field"])].append(_cited(r))
    return out


def _one(values: dict[str, list[Cited]], name: str) -> Cited | None:
    """A field the paper states once: its first statement."""
    return values[name][0] if values.get(name) else None


def _paper_date(rows: list[dict]) -> str | None:
    return rows[0]["part_date"] or rows[0]["date"]


def _id(rows: list[dict]) -> str:
    return f"{rows[0]['doc_id']}/{rows[0]['key']}"


# --- meetings -----------------------------------------------------------------------------------------------------


def _item_label(number: str | None) -> str:
    """The label a resolution names its item by: "292, Item 1" -> "292", "Item 3" -> "3"."""
    number = number or ""
    return number[5:] if number.startswith("Item ") else number.split(",")[0].strip()


def _meeting(rows: list[dict]) -> Meeting:
    values = _fields(rows)
    items: list[Item] = []
    by_label: dict[str, Item] = {}
    for r in rows:  # in the paper's order: a resolution follows its item
        if r["field"] == "item":
            items.append(Item(number=r["detail"], title=_cited(r)))
            by_label.setdefault(_item_label(r["detail"]), items[-1])
        elif r["field"] in ("resolution", "vote"):
            item = by_label.get(r["detail"] or "")
            if item is None:
                item = Item(number=r["detail"], title=None)  # minutes whose item heading was not read
                items.append(item)
                by_label[r["detail"] or ""] = item
            (item.resolutions if r["field"] == "resolution" else item.votes).append(_cited(r))
        elif r["field"] == "voted":  # detail "Against (307)": the side, and the item's label
            side, _, label = (r["detail"] or "").partition(" (")
            item = by_label.get(label.rstrip(")"))
            if item is not None:
                item.voted.append(_cited({**r, "detail": side}))
    singles = {k: _one(values, k) for k in ("date", "body", "title", "venue")}
    lists = ("start_time", "end_time", "present", "chair", "vice_chair", "apologies", "substitutes", "officers")
    lists += ("others", "declarations")
    return Meeting(
        id=_id(rows), key=rows[0]["key"], **singles, **{k: values.get(k, []) for k in lists}, items=items,
        paper=_paper(rows[0]),
    )  # fmt: skip


def meetings(store: Store, access: tuple[str, ...], filters: RecordFilters) -> list[Meeting]:
    """The meetings in the minutes the caller may read, oldest first."""
    out = []
    for rows in _groups(store, access, "meeting", filters.council):
        m = _meeting(rows)
        when = m.date.value if m.date else _paper_date(rows)
        if filters.dated(when) and filters.of_body(m.body.value if m.body else None, m.paper.body):
            out.append((when or "", m))
    return [m for _, m in sorted(out, key=lambda pair: pair[0])]


# --- recommendations ----------------------------------------------------------------------------------------------


def _status(r: dict) -> Status:
    return Status(label=r["key"], status=r["value"], refers_to=r["detail"], cite=_cite(r), paper=_paper(r))


def recommendations(store: Store, access: tuple[str, ...], filters: RecordFilters) -> RecommendationBook:
    """Recommendations with what later papers say became of them, the statuses none could take, and the papers
    that make none. Statuses are linked over everything the caller may read, then the filters apply."""
    targets: list[record_links.Target] = []
    statuses: list[Status] = []
    none: list[NoRecommendations] = []
    for rows in _groups(store, access, "recommendation", filters.council):
        statuses += [_status(r) for r in rows if r["field"] == "status"]
        none += [NoRecommendations(statement=_cited(r), paper=_paper(r)) for r in rows if r["field"] == "none"]
        stated = [r for r in rows if r["field"] not in ("status", "none")]
        if not stated:
            continue
        v = _fields(stated)
        rec = Recommendation(
            id=_id(stated), label=stated[0]["key"], **{k: _one(v, k) for k in ("text", "made_by", "made_to", "date")},
            paper=_paper(stated[0]),
        )  # fmt: skip
        text_part = next((r["part_title"] for r in stated if r["field"] == "text"), None)
        named = " ".join(filter(None, (rec.paper.title, text_part, rec.label, rec.made_by and rec.made_by.value)))
        when = rec.date.value if rec.date else _paper_date(stated)
        targets.append(record_links.Target(rec, rec.paper.council, when, record_links.words(named)))
    unlinked = record_links.link(statuses, targets)
    kept = [
        (t.when or "", t.rec)
        for t in targets
        if filters.dated(t.when)
        and filters.of_body(*(c.value for c in (t.rec.made_by, t.rec.made_to) if c), t.rec.paper.body)
    ]
    return RecommendationBook(
        recommendations=[rec for _, rec in sorted(kept, key=lambda pair: pair[0])],
        unlinked_statuses=[s for s in unlinked if filters.dated(s.cite.date) and filters.of_body(s.paper.body)],
        none=[n for n in none if filters.dated(n.statement.cite.date) and filters.of_body(n.paper.body)],
    )


# --- actions ------------------------------------------------------------------------------------------------------


def actions(store: Store, access: tuple[str, ...], filters: RecordFilters) -> list[Action]:
    """The actions of the plans (and minuted ACTIONs) the caller may read, by paper (oldest first) and plan order."""
    out = []
    for rows in _groups(store, access, "action", filters.council):
        v = _fields(rows)
        a = Action(
            id=_id(rows), ref=rows[0]["key"], action=_one(v, "action"), plan=_one(v, "plan"), paper=_paper(rows[0]),
            **{k: v.get(k, []) for k in ("owner", "due", "status", "measure", "updates")},
        )  # fmt: skip
        when = _paper_date(rows)
        if filters.dated(when) and filters.of_body(a.paper.body):
            out.append(((when or "", a.paper.doc_id), a))
    return [a for _, a in sorted(out, key=lambda pair: pair[0])]  # a stable sort keeps each plan's own order


# --- inspections and the timeline ---------------------------------------------------------------------------------


def _inspection(rows: list[dict]) -> Inspection:
    v = _fields(rows)
    dates = {k: _one(v, k) for k in _INSPECTION_DATES}
    when = next((d.value for d in dates.values() if d), None)
    lists = ("judgements", "lead_inspectors", "inspectors", "improvements", "strengths", "priority_actions")
    lists += ("requirements", "previous", "overall")
    return Inspection(
        id=_id(rows), key=rows[0]["key"], when=when, **dates, paper=_paper(rows[0]),
        **{k: _one(v, k) for k in ("inspectorate", "kind", "framework")}, **{k: v.get(k, []) for k in lists},
    )  # fmt: skip


def inspections(store: Store, access: tuple[str, ...], filters: RecordFilters) -> list[Inspection]:
    """Each paper's account of each inspection, in the inspections' date order (undated accounts last)."""
    found = [_inspection(rows) for rows in _groups(store, access, "inspection", filters.council)]
    kept = [i for i in found if filters.dated(i.when)]
    return sorted(kept, key=lambda i: (i.when is None, i.when or "", i.paper.date or ""))


def timeline(store: Store, access: tuple[str, ...], filters: RecordFilters) -> list[Timeline]:
    """Per council (by name, papers without one last), its inspections in date order."""
    by_council: dict[str | None, list[Inspection]] = defaultdict(list)
    for i in inspections(store, access, filters):
        by_council[i.paper.council].append(i)
    order = sorted(by_council, key=lambda c: (c is None, c or ""))
    return [Timeline(council=c, inspections=by_council[c]) for c in order]
