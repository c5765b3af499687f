"""Statuses linked to the recommendations they speak of, only when one reading is left.

A later paper says "recommendation 4 of the Voice of the Child Inquiry had been implemented": its status fact
carries the label in `key` and what it answers in `detail`. It is linked to a recommendation of the same council,
from an earlier paper, with the same label, whose paper (title, pack part, list name or maker) the detail names.
When no recommendation or more than one fits, the status is shown unlinked, with the reason, rather than guessed.
"All recommendations" links to every recommendation of the one paper it names, unless the same passage says
otherwise of one ("all were accepted, except Recommendation 6").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.record_models import Recommendation, Status

ALL = "All recommendations"
# Words that name no particular paper: "the Inquiry", "the review report" name nothing on their own.
_STOP = frozenset("a an and by for in into of on the to inquiry review report reports recommendations".split())


@dataclass(frozen=True)
class Target:
    """A recommendation with what a later paper could name it by."""

    rec: Recommendation
    council: str | None
    when: str | None  # its date, else its paper's
    names: frozenset[str]  # the words of its paper's title, pack part, list name and maker


def words(text: str | None) -> frozenset[str]:
    """The words of a name that tell one paper from another, in lower case."""
    plain = re.sub(r"'s\b", "", (text or "").casefold().replace("’", "'"))  # "Children's" is "children"
    return frozenset(re.findall(r"[a-z0-9]+", plain)) - _STOP


def later(a: str | None, b: str | None) -> bool:
    """Whether date `a` is after date `b`, to the precision both give ("2018-10-02" is after "2018-03")."""
    if not a or not b:
        return False
    n = min(len(a), len(b))
    return a[:n] > b[:n]


def _label(key: str) -> str:
    """A key without its list's name: "Review on Recruitment & Retention: Recommendation 5" -> "Recommendation 5"."""
    return key.rsplit(": ", 1)[-1]


def _candidates(status: Status, targets: list[Target]) -> tuple[list[Target], str | None]:
    """The targets a status may speak of, or the reason none can be chosen."""
    named = words(status.refers_to)
    if not named:
        return [], "it names no paper"
    fits = [
        t
        for t in targets
        if t.council == status.paper.council
        and t.rec.paper.doc_id != status.paper.doc_id
        and later(status.cite.date, t.when)
        and named <= t.names
        and (status.label == ALL or _label(t.rec.label) == status.label)
    ]
    if not fits:
        return [], "no earlier recommendation of the same council with this label, in a paper it names"
    return fits, None


def link(statuses: list[Status], targets: list[Target]) -> list[Status]:
    """Attach each status to the recommendation(s) it speaks of (on `target.rec.statuses`, oldest first).

    Returns the statuses left unlinked, each with its reason.
    """
    unlinked: list[Status] = []
    # (doc_id, passage_id) of specific statuses: "all accepted, except 6" must not also mark 6 accepted.
    specific = {(s.paper.doc_id, s.cite.passage_id, s.label) for s in statuses if s.label != ALL}
    for status in statuses:
        fits, reason = _candidates(status, targets)
        papers = {t.rec.paper.doc_id for t in fits}
        if status.label != ALL and len(fits) > 1:
            reason = f"ambiguous: {len(fits)} recommendations fit"
        elif status.label == ALL and len(papers) > 1:
            reason = f"ambiguous: {len(papers)} papers fit"
        if reason:
            unlinked.append(status.model_copy(update={"unlinked_because": reason}))
            continue
        for t in fits:
            if status.label == ALL and (status.paper.doc_id, status.cite.passage_id, _label(t.rec.label)) in specific:
                continue
            t.rec.statuses.append(status.model_copy(update={"recommendation": t.rec.id}))
    for t in targets:
        t.rec.statuses.sort(key=lambda s: s.cite.date or "")
    return unlinked
