"""The record's inspections, read from a paper's passages (see ingest/record/__init__.py).

Two kinds of paper state inspections. An inspectorate's own report or letter (a paper, or a part of a pack, titled
"Inspection of Camden local authority children’s services", "Area SEND inspection of ...", "Joint area SEND
inspection in ...", "Monitoring visit to ...") is read by its structure (inspection_reports). A council's paper that
reports an inspection ("Following the re-inspection in November 2017, Ofsted conducted a two-day monitoring visit
in July") is read sentence by sentence (inspection_mentions). Accounts of one inspection are merged: where the
inspectorate's own words give a field, a council's paraphrase of it is dropped. A paper holding one inspection
keys it "inspection"; one holding several keys each by kind and date ("monitoring visit 2018-07").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.models import Document, Fact, Passage
from ingest.record.inspection_mentions import read_mentions
from ingest.record.inspection_reports import read_report
from ingest.record.inspection_terms import Found, kind_of_title

SINGLE = ("inspectorate", "kind", "framework", "start", "end", "published", "letter_date")  # one value each
_MARKER = re.compile(r"^\W*(?:inspection dates?|lead inspector|report published|inspection outcome)\b|^\s*Dear\s+\S",
                     re.IGNORECASE | re.MULTILINE)
_TITLE_WINDOW = 10  # a report's title is among the first passages of its paper or pack part


def _units(doc: Document) -> Iterator[list[Passage]]:
    """The paper's parts in order; a paper that is not a pack is one part."""
    run: list[Passage] = []
    for p in doc.passages:
        if run and p.part_title != run[-1].part_title:
            yield run
            run = []
        run.append(p)
    if run:
        yield run


def _titled(run: list[Passage]) -> tuple[str, str, Passage] | None:
    """(kind, inspectorate, title passage) when the part is an inspectorate's report or letter."""
    if not any(_MARKER.search(p.text) for p in run[:40]):
        return None
    for p in run[:_TITLE_WINDOW]:
        if len(p.text) < 300:
            found = kind_of_title(p.text)
            if found:
                return found[0], found[1], p
    return None


def _covers(a: str, b: str) -> bool:
    """Whether two ISO dates, full or partial ("2017-11", "2021"), can be the same day."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _overlap(a: tuple[str, str], b: tuple[str, str]) -> bool:
    def le(x: str, y: str) -> bool:
        n = min(len(x), len(y))
        return x[:n] <= y[:n]

    return le(a[0], b[1]) and le(b[0], a[1])


def _same(a: Found, b: Found) -> bool:
    """Whether two accounts are of one inspection: their kinds agree where both say, and so do their dates."""
    ka, kb = a.get("kind"), b.get("kind")
    if ka and kb and ka != kb and not ("SEND" in ka and "SEND" in kb) and "re-inspection" not in (ka, kb):
        return False
    sa, sb = a.get("start"), b.get("start")
    if sa and sb:
        return _overlap((sa, a.get("end") or sa), (sb, b.get("end") or sb))
    pa, pb = a.get("published") or a.get("letter_date"), b.get("published") or b.get("letter_date")
    if pa and pb:
        return _covers(pa, pb)
    # One gives when it took place, the other when its report came out: a report follows its fieldwork within months.
    start, out = (sa, pb) if sa else (sb, pa)
    return bool(start and out and start[:4] <= out[:4] <= str(int(start[:4]) + 1) and out[:7] >= start[:7])


def _precise(old: str, new: str) -> bool:
    """Whether new says the same as old more precisely ("2017-11-06" for "2017-11"; a framework for "re-inspection")."""
    return len(new) > len(old) and new.startswith(old) or old == "re-inspection"


def _merge(accounts: list[Found]) -> list[Found]:
    """Accounts of the same inspection joined; the inspectorate's own values win for single-valued fields."""
    merged: list[Found] = []
    for acc in sorted(accounts, key=lambda f: not f.primary):
        into = next((m for m in merged if _same(m, acc)), None)
        if into is None:
            merged.append(Found(acc.primary, list(acc.facts)))
            continue
        keep_first = {*SINGLE, "lead_inspector"} | ({"overall", "requirement"} if into.primary else set())
        for fact in acc.facts:
            mine = next((i for i, x in enumerate(into.facts) if x[0] == fact[0]), None)
            if fact[0] in keep_first and mine is not None:
                if not into.primary and fact[0] in SINGLE and _precise(into.facts[mine][1], fact[1]):
                    into.facts[mine] = fact
                continue
            into.facts.append(fact)
    return merged


def _key(f: Found) -> str:
    when = f.get("start") or f.get("letter_date") or f.get("published")
    return " ".join(x for x in (f.get("kind") or "inspection", when) if x)


def extract(doc: Document) -> list[Fact]:
    """The facts about inspections that the paper states, each citing its passage."""
    accounts: list[Found] = []
    for run in _units(doc):
        titled = _titled(run)
        if titled:
            kind, inspectorate, title = titled
            accounts.append(read_report(run, kind, inspectorate, title))
        else:
            accounts += read_mentions(run)
    inspections = [f for f in _merge(accounts) if {x[0] for x in f.facts} - {"inspectorate"}]
    keys: dict[str, int] = {}
    out: list[Fact] = []
    for f in inspections:
        key = "inspection" if len(inspections) == 1 else _key(f)
        keys[key] = keys.get(key, 0) + 1
        key = key if keys[key] == 1 else f"{key} ({keys[key]})"
        seen: set[tuple[str, str, str | None]] = set()
        for field, value, ordinal, detail in f.facts:
            # One value per single field; an earlier inspection's date once, with what it found where first said.
            mark = (field, value.lower(), None if field == "previous" else (detail or "").lower() or None)
            if mark not in seen and not (field in SINGLE and any(s[0] == field for s in seen)):
                seen.add(mark)
                out.append(Fact("inspection", key, field, value, ordinal, detail))
    return out
