"""Who a paper is from: its authors, contact officer, contributors, sign-off and lead officer, as its header says.

Committee reports and agenda packs open each report with labelled lines ("Author: Tolis Vouyioukas", "Contact
officer: Richard Nash – 01296 382603", "Cabinet Member sign-off: Warren Whyte", "Report Authors: Sharon Howard
Assistant Director ...", "**Author and/or contact officer:** Richard Nash, Corporate Director ..."); Ofsted's
reports name their "Report author". Each labelled line gives one fact of the paper (key: the pack part's title,
or "paper"), citing its passage; the value is the text after the label as written, up to a telephone number or an
e-mail address. A label naming a role, not a person ("Author: Cabinet Member for Children's Services") is kept as
written too: the papers' own words, never a guess at who held the role.
"""

from __future__ import annotations

import re

from ingest.models import Document, Fact

# (field, the labels that give it), the most specific first: "Author and/or contact officer" is an author.
_LABELS: tuple[tuple[str, str], ...] = (
    ("author", r"(?:report\s+)?authors?(?:\s+and/or\s+contact\s+officers?)?"),
    ("contact_officer", r"contact\s+officers?"),
    ("contributor", r"contributors?"),
    ("sign_off", r"(?:cabinet\s+member\s+)?sign[- ]off"),
    ("lead_officer", r"relevant\s+directors?|lead\s+directors?|lead\s+officers?|name\s+of\s+lead\s+person"),
)
_LINE = re.compile(
    r"(?:^[\W\d]*?|(?<=[.]\s))(?P<label>" + "|".join(f"(?P<{f}>{p})" for f, p in _LABELS) + r")\W*?(?::|\t)[ \t*:]*"
    r"(?P<names>\S.*)?$",
    re.IGNORECASE | re.MULTILINE,
)
# Where the names end: a telephone number, an e-mail address, the next cell of a table row.
_END = re.compile(r"\s+[–-]\s+\d|\s+\d{5}\s?\d|\s+\S+@\S+|\t|\s{3,}")
# A line that names someone, with or without a role after it: "Mr Mike Appleyard - Cabinet Member for ...",
# "Ben Watts, General Counsel". A label that ends its passage ("7. Report Authors:") is followed by such lines.
_NAME_LINE = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Sir|Dame|Professor)\.?\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’.-]*){1,3}"
    r"\s*(?:[,–-]|\(|$)"
)
MAX_CHARS = 200
MAX_FOLLOWING = 4  # passages of names after a bare label


def extract(doc: Document) -> list[Fact]:
    """The paper's labelled authors, contact officers, contributors, sign-offs and lead officers."""
    out: list[Fact] = []
    passages = doc.passages
    for at, p in enumerate(passages):
        if len(p.text) > 1500:  # a long passage is prose or a long table: no header line
            continue
        key = p.part_title or "paper"  # the pack part the report is, or the whole paper
        for m in _LINE.finditer(p.text):
            field = next(f for f, _ in _LABELS if m.group(f))
            label = " ".join(m.group("label").split())
            if m.group("names"):
                names = _END.split(m.group("names"), maxsplit=1)[0].strip(" .;,*")
                if len(names) >= 3 and names[:1].isupper():
                    out.append(Fact("paper", key, field, names[:MAX_CHARS], p.ordinal, label))
            elif m.end() >= len(p.text.rstrip()):  # the label ends its passage: the names follow it
                out += [Fact("paper", key, field, name, q.ordinal, label) for q, name in _following(passages, at)]
    return out


def _following(passages, at: int):
    """(passage, line) for each name line of the passages after a bare label, until one holds none."""
    for q in passages[at + 1 : at + 1 + MAX_FOLLOWING]:
        lines = [" ".join(line.split()) for line in q.text.split("\n") if line.strip()]
        named = [line for line in lines if _NAME_LINE.match(line) and len(line) <= MAX_CHARS]
        if not named:
            return
        yield from ((q, line) for line in named)
