"""What kind of passage a question asks for, from its words ("what did Ofsted recommend")."""

from __future__ import annotations

import re

_INTENTS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("recommendation",), re.compile(r"\brecommend|\bsuggest|\badvis", re.I)),
    (
        ("action",),
        re.compile(
            r"\b(actions?|doing about|(next |what )?steps|plan(ned|s)? (to|for)|will be done|"
            r"commit\w* to|how will|deadline|responsible|(improvement|action|recovery) plan)\b",
            re.I,
        ),
    ),
    (("strength",), re.compile(r"\b(strengths?|going well|positives?)\b", re.I)),
    (("area_for_development", "finding"), re.compile(r"\b(weakness|areas? for development|improve|concerns?)\b", re.I)),
    (("finding", "judgement"), re.compile(r"\b(ofsted|inspect\w*|cqc|findings?|found|judge?ment|rated|grade)\b", re.I)),
    (("resolution",), re.compile(r"\b(resolved|decided|agreed|decision)\b", re.I)),
)

_FINDINGS = re.compile(r"\b(ofsted|inspect\w*|cqc|findings?|found|weakness|concerns?)\b", re.I)


def wanted_kinds(question: str) -> set[str]:
    """The passage kinds the question's words point to (possibly none).

    A question about what will be done asks for actions: "steps to improve supervision" wants the plan's rows, not
    the findings that supervision needs improving.
    """
    kinds = {kind for kinds, pattern in _INTENTS if pattern.search(question) for kind in kinds}
    if "action" in kinds and not _FINDINGS.search(question):
        kinds -= {"area_for_development", "finding"}
    return kinds
