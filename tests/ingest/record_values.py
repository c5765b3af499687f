"""Checks shared by the record's tests: whether a fact's value is in its cited passage, and how names compare."""

from __future__ import annotations

import re

from ingest.dates import find_dates
from ingest.models import Fact, Passage


def flat(text: str | None) -> str:
    """Case, whitespace, markdown bold, '&' and spacing around hyphens made the same, for comparing names."""
    text = (text or "").replace("**", " ").replace("&", " and ").replace("–", "-").replace("’", "'")
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"[,.;:()]", " ", text)
    return " ".join(text.split()).casefold().removeprefix("the ")


def holds(p: Passage, fact: Fact) -> bool:
    """Whether the passage states the fact's value (normalised whitespace and case).

    A date counts in ISO form when the passage writes it out ("30 September 2022"); a status "not accepted" counts
    where the passage says "accepted, except ..."; a table cell that wrapped onto several lines counts when every
    word of it is in the (tab-separated) row.
    """
    text = " ".join(p.text.replace("**", " ").split()).casefold()
    value = " ".join(fact.value.split()).casefold()
    if value in text:
        return True
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", fact.value):
        return fact.value in {iso for _, iso in find_dates(p.text)}
    if fact.field == "status" and value.startswith("not ") and value[4:] in text:
        return bool(re.search(r"\b(?:except|apart from|with the exception of|other than)\b", text))
    return "\t" in p.text and all(word in text for word in value.split())
