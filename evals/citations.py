"""Citation metrics for one answer: marker validity, precision (cited passages holding evidence), support (cited
passages bearing out the sentences citing them) and recall (gold quotes a citation covers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evals.dataset import Evidence
from evals.judge import Judge
from evals.match import held_facts, supported_quotes
from evals.outputs import Citation, Sentence
from evals.text import marker_numbers, sentences, strip_markers


@dataclass(frozen=True)
class CitationVerdict:
    """What one citation holds (gold quotes by index, key facts) and which citing sentences (by index) it bears out."""

    n: int
    file: str
    quotes: tuple[int, ...]
    facts: tuple[str, ...]
    cited_by: tuple[int, ...]
    supports_sentences: tuple[int, ...]

    @property
    def relevant(self) -> bool:
        """Whether the cited passage holds gold evidence: a quote, or a key fact in an evidence file."""
        return bool(self.quotes or self.facts)

    @property
    def supported(self) -> bool:
        """Whether the cited passage bears out a sentence that cites it."""
        return bool(self.supports_sentences)


@dataclass(frozen=True)
class CitationScore:
    """Per-question citation values (absent when undefined), verdicts, bad markers and quotes no citation covers."""

    values: dict[str, float]
    verdicts: tuple[CitationVerdict, ...]
    sentences: tuple[str, ...]
    out_of_range: tuple[int, ...]
    not_cited: tuple[int, ...]


def cited_sentences(answer: str, reported: Sequence[Sentence] | None) -> tuple[tuple[str, ...], list[list[int]]]:
    """The answer's sentences and the citation numbers each lists: as the system reported them, else split at [n]."""
    if reported:
        return tuple(s.text for s in reported), [list(s.citations) for s in reported]
    sents = tuple(sentences(answer))
    return sents, [marker_numbers(s) for s in sents]


def score_citations(
    answer: str,
    citations: Sequence[Citation],
    evidence: tuple[Evidence, ...],
    judge: Judge,
    *,
    key_facts: tuple[str, ...] = (),
    reported: Sequence[Sentence] | None = None,
) -> CitationScore:
    """Score an answer's citations against the gold evidence, judging sentence support with `judge`; the sentences are
    the system's own (`reported`, with their citation numbers) when it gave them, else the answer split at markers."""
    sents, sent_numbers = cited_sentences(answer, reported)
    markers = [n for numbers in sent_numbers for n in numbers]
    known = {c.n for c in citations}
    out_of_range = tuple(dict.fromkeys(n for n in markers if n not in known))
    # An answer split from text without any markers is taken to cite every passage for every sentence.
    cites_all = not markers and not reported
    verdicts = []
    seen: set[int] = set()
    for c in citations:
        if c.n in seen:
            continue
        seen.add(c.n)
        cited_by = tuple(i for i, numbers in enumerate(sent_numbers) if c.n in numbers or cites_all)
        backed = tuple(i for i in cited_by if judge.supports(strip_markers(sents[i]), c.text))
        verdicts.append(
            CitationVerdict(
                n=c.n,
                file=c.file,
                quotes=tuple(supported_quotes(c.file, c.text, evidence)),
                facts=tuple(held_facts(c.file, c.text, key_facts, evidence)),
                cited_by=cited_by,
                supports_sentences=backed,
            )
        )
    covered = {j for v in verdicts for j in v.quotes}
    values: dict[str, float] = {"citation_out_of_range": float(bool(out_of_range))}
    if markers:
        values["citation_validity"] = (len(markers) - sum(n not in known for n in markers)) / len(markers)
    if verdicts:
        values["citation_precision"] = sum(v.relevant for v in verdicts) / len(verdicts)
        values["citation_support"] = sum(v.supported for v in verdicts) / len(verdicts)
    if evidence:
        values["citation_recall"] = len(covered) / len(evidence)
    return CitationScore(
        values=values,
        verdicts=tuple(verdicts),
        sentences=sents,
        out_of_range=out_of_range,
        not_cited=tuple(j for j in range(len(evidence)) if j not in covered),
    )
