"""The council's record, read from a paper's passages at ingest: meetings, recommendations, actions, inspections.

Each extractor reads the passages' labels, kinds, sections and text and returns `Fact`s, every one citing the
passage it was read from; a field the paper does not give is simply absent, never guessed. A paper with none
of these sections gives no facts. The store keeps the facts beside the passages they cite (ingest/store.py),
so they come and go with their paper and follow its access level.

The vocabulary (entity: fields; `detail` in brackets), shared by the extractors, the store and every view:
- meeting (key: the minutes' title, or "meeting"): body, date, venue, start_time, end_time, title, present [role,
  e.g. "Chairman"], chair, vice_chair, apology, substitute [for whom], officer [role], other [role],
  declaration [the interest and item], item [its number], resolution [the item's label], vote [the item's label]
- recommendation (key: its label, "Recommendation 3", "(2)", "Area for improvement 1"): text, made_by, made_to,
  date, status [what it answers: the paper or inquiry named], none ("no recommendations were made")
- action (key: its reference, "2.6"): action, owner, due, status, measure, plan, update
- inspection (key: "inspection"): inspectorate, kind, framework, start, end, published, letter_date, overall,
  judgement [area], lead_inspector, inspector [role], strength, improvement, priority_action, requirement,
  previous [what the previous inspection found or when it was]
- paper (key: the pack part's title, or "paper"): author, contact_officer, contributor, sign_off, lead_officer
  [the label as the paper gives it: "Report Authors", "Cabinet Member sign-off"]
Dates are ISO (yyyy-mm-dd) where the paper gives a full date; grades are as written ("Requires improvement to be
good" stays whole).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ingest.models import Document, Fact
from ingest.record import actions, inspections, meetings, papers, recommendations

if TYPE_CHECKING:
    from ingest.store import Store

# Bumped when an extractor changes: a store whose record an older version read is read again from its passages.
VERSION = "4"

EXTRACTORS: tuple[Callable[[Document], list[Fact]], ...] = (
    meetings.extract,
    recommendations.extract,
    actions.extract,
    inspections.extract,
    papers.extract,
)


def extract(doc: Document) -> tuple[Fact, ...]:
    """Every fact of the record that the paper states, in extractor order, without repeats."""
    out: list[Fact] = []
    seen: set[Fact] = set()
    for extractor in EXTRACTORS:
        for fact in extractor(doc):
            if fact not in seen:
                seen.add(fact)
                out.append(fact)
    return tuple(out)


def refresh(store: Store) -> int:
    """Read the record again from every stored paper's passages when it was read by another VERSION.

    The record is rules over the passages, so the files are not needed; each paper's facts are replaced in one
    transaction with the version mark. Returns the papers read again (0 when the record is current).
    """
    if store.get_meta("record_version") == VERSION:
        return 0
    doc_ids = [r["doc_id"] for r in store.db.execute("SELECT doc_id FROM documents ORDER BY doc_id")]
    with store.transaction():
        for doc_id in doc_ids:
            doc = store.document(doc_id, access=("public", "restricted"))
            store.replace_facts(doc_id, extract(replace(doc, facts=())))
        store.set_meta("record_version", VERSION)
    return len(doc_ids)
