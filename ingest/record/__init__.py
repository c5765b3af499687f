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
Dates are ISO (yyyy-mm-dd) where the paper gives a full date; grades are as written ("Requires improvement to be
good" stays whole).
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.models import Document, Fact
from ingest.record import actions, inspections, meetings, recommendations

EXTRACTORS: tuple[Callable[[Document], list[Fact]], ...] = (
    meetings.extract,
    recommendations.extract,
    actions.extract,
    inspections.extract,
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
