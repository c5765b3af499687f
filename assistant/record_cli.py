"""`council record meetings|recommendations|actions|inspections`: the record's views as tables, or JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence

VIEWS = ("meetings", "recommendations", "actions", "inspections")
EPILOG = """\
Every row names the passage its value was read from ("doc_id:ordinal"); `council passages DOC_ID` shows the paper
passage by passage. The local user reads every paper, restricted ones included.

Dates (--since/--until, ISO, inclusive) are the meeting's date, the recommendation's date (else its paper's),
the action plan's paper date and the inspection's first stated date; a month or year a paper gives matches a range
it overlaps, and an undated row is left out of any range. --body matches any part of a name, in any case: the
meeting's body; a recommendation's maker, recipient or paper's body; an action plan paper's body.

examples:
  council record meetings --since 2022-01-01
  council record recommendations --body "select committee" --json
  council record actions --council Buckinghamshire
  council record inspections --until 2019-12-31
"""
WIDTH = 60  # a long text column is cut here in a table; --json gives it whole


def add_parser(sub: argparse._SubParsersAction, func: Callable[[argparse.Namespace], int]) -> None:
    """The `record` subcommand, run by `func` (the CLI's own, which opens the index)."""
    sp = sub.add_parser(
        "record",
        help="the council's record: meetings, recommendations, actions, inspections, each value cited",
        description="The record read from the papers at ingest, as a table (or --json), each value citing its passage.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sp.add_argument("view", choices=VIEWS, help="which part of the record")
    sp.add_argument("--council", help="only this council's papers, e.g. 'Kent County Council' or Buckinghamshire")
    sp.add_argument("--body", help="only this body (meetings, recommendations, actions), e.g. Cabinet")
    sp.add_argument("--since", help="only dated on or after this ISO date")
    sp.add_argument("--until", help="only dated on or before this ISO date")
    sp.add_argument("--json", action="store_true", help="the full views, machine-readable")
    sp.set_defaults(func=func)


def _cut(text: str | None, width: int = WIDTH) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(headers: Sequence[str], rows: list[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column runs on."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    lines = [[*headers], *rows]
    return "\n".join("  ".join([*(c.ljust(w) for c, w in zip(line, widths, strict=False)), line[-1]]) for line in lines)


def _v(cited) -> str:
    return cited.value if cited else ""


def _where(*values) -> str:
    """The passage id of the first value given: the row's citation."""
    return next((v.cite.passage_id for v in values if v), "")


def _meetings(views) -> str:
    rows = [
        (
            _v(m.date) or "undated", _cut(_v(m.body) or m.paper.body, 40), str(len(m.present)),
            str(len(m.apologies)), str(len(m.items)), str(sum(len(i.resolutions) for i in m.items)),
            _where(m.date, m.title, m.body, *m.present) or m.paper.doc_id,
        )
        for m in views
    ]  # fmt: skip
    return table(("date", "body", "present", "apologies", "items", "resolutions", "cited"), rows)


def _recommendations(book) -> str:
    rows = []
    for r in book.recommendations:
        last = r.statuses[-1] if r.statuses else None
        status = f"{last.status} ({last.cite.date or 'undated'}, {last.cite.passage_id})" if last else ""
        cited = _where(r.text, r.date, r.made_by)
        rows.append(
            (_v(r.date) or r.paper.date or "undated", _cut(r.label, 30), _cut(_v(r.made_by), 30), status,
             cited, _cut(_v(r.text)))
        )  # fmt: skip
    out = table(("date", "label", "made by", "status", "cited", "recommendation"), rows)
    if book.unlinked_statuses:
        out += "\n\nStatuses not linked to one recommendation:\n"
        out += table(
            ("date", "label", "status", "refers to", "cited", "why"),
            [
                (s.cite.date or "undated", s.label, s.status, _cut(s.refers_to, 40), s.cite.passage_id,
                 s.unlinked_because or "")
                for s in book.unlinked_statuses
            ],
        )  # fmt: skip
    for n in book.none:
        out += f"\n\nNo recommendations: {n.paper.title} ({n.paper.date}) {n.statement.cite.passage_id}"
    return out


def _actions(views) -> str:
    blocks, plan, rows = [], None, []
    for a in views:
        name = f"{_v(a.plan) or a.paper.title} ({a.paper.date or 'undated'}, {a.paper.doc_id})"
        if name != plan and rows:
            blocks.append(f"{plan}\n{table(('ref', 'owner', 'due', 'status', 'cited', 'action'), rows)}")
            rows = []
        plan = name
        join = "; ".join
        rows.append(
            (a.ref, _cut(join(o.value for o in a.owner), 30), _cut(join(d.value for d in a.due), 20),
             _cut(join(s.value for s in a.status), 20), _where(a.action, *a.owner), _cut(_v(a.action)))
        )  # fmt: skip
    if rows:
        blocks.append(f"{plan}\n{table(('ref', 'owner', 'due', 'status', 'cited', 'action'), rows)}")
    return "\n\n".join(blocks)


def _inspections(views) -> str:
    rows = [
        (
            i.when or "undated", i.paper.council or "", _v(i.kind) or i.key, _v(i.inspectorate),
            _cut("; ".join(o.value for o in i.overall), 40), str(len(i.judgements)),
            "; ".join(p.value for p in i.lead_inspectors), _cut(i.paper.title, 40),
        )
        for i in views
    ]  # fmt: skip
    headers = ("when", "council", "kind", "inspectorate", "overall", "judgements", "lead inspector", "paper")
    return table(headers, rows)


TABLES: dict[str, Callable[..., str]] = {
    "meetings": _meetings,
    "recommendations": _recommendations,
    "actions": _actions,
    "inspections": _inspections,
}


def run(args: argparse.Namespace, store) -> int:
    """Print one view of the record from `store`, as the local user (every paper)."""
    from assistant import record_views
    from ingest.councils import normalise

    council = normalise(args.council) if args.council else None
    filters = record_views.RecordFilters(council=council, body=args.body, since=args.since, until=args.until)
    build = getattr(record_views, args.view)
    views = build(store, ("public", "restricted"), filters)
    if args.json:
        data = views.model_dump() if hasattr(views, "model_dump") else [v.model_dump() for v in views]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    empty = not (views.recommendations or views.unlinked_statuses) if args.view == "recommendations" else not views
    filtered = any((council, args.body, args.since, args.until))
    none = f"No {args.view} in the record{' for these filters' if filtered else ''}."
    print(none if empty else TABLES[args.view](views))
    return 0
