"""Citation metrics for one answer: marker validity, precision (cited passages that support) and recall."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evals.dataset import Evidence
from evals.judge import Judge
from evals.match import supported_quotes
from evals.outputs import Citation
from evals.text import marker_numbers, sentences, strip_markers


@dataclass(frozen=True)
class CitationVerdict:
    """What one citation supports: gold quotes (by index) and the answer sentences citing it that it bears out."""

    n: int
    file: str
    quotes: tuple[int, ...]
    cited_by: tuple[int, ...]
    supports_sentences: tuple[int, ...]

    @property
    def supported(self) -> bool:
        """Whether the cited passage supports a gold quote or a sentence that cites it."""
        return bool(self.quotes or self.supports_sentences)


@dataclass(frozen=True)
class CitationScore:
    """Per-question citation values (absent when undefined), verdicts, bad markers and quotes no citation covers."""

    values: dict[str, float]
    verdicts: tuple[CitationVerdict, ...]
    sentences: tuple[str, ...]
    out_of_range: tuple[int, ...]
    not_cited: tuple[int, ...]


def score_citations(
    answer: str, citations: Sequence[Citation], evidence: tuple[Evidence, ...], judge: Judge
) -> CitationScore:
    """Score an answer's citations against the gold quotes, judging sentence support with `judge`."""
    markers = marker_numbers(answer)
    known = {c.n for c in citations}
    out_of_range = tuple(dict.fromkeys(n for n in markers if n not in known))
    sents = tuple(sentences(answer))
    sent_markers = [set(marker_numbers(s)) for s in sents]
    verdicts = []
    seen: set[int] = set()
    for c in citations:
        if c.n in seen:
            continue
        seen.add(c.n)
        # An answer without any markers is taken to cite every passage for every sentence.
        cited_by = tuple(i for i, ms in enumerate(sent_markers) if c.n in ms or not markers)
        backed = tuple(i for i in cited_by if judge.supports(strip_markers(sents[i]), c.text))
        quotes = tuple(supported_quotes(c.file, c.text, evidence))
        verdicts.append(
            CitationVerdict(n=c.n, file=c.file, quotes=quotes, cited_by=cited_by, supports_sentences=backed)
        )
    covered = {j for v in verdicts for j in v.quotes}
    values: dict[str, float] = {"citation_out_of_range": float(bool(out_of_range))}
    if markers:
        values["citation_validity"] = (len(markers) - sum(n not in known for n in markers)) / len(markers)
    if verdicts:
        values["citation_precision"] = sum(v.supported for v in verdicts) / len(verdicts)
    if evidence:
        values["citation_recall"] = len(covered) / len(evidence)
    return CitationScore(
        values=values,
        verdicts=tuple(verdicts),
        sentences=sents,
        out_of_range=out_of_range,
        not_cited=tuple(j for j in range(len(evidence)) if j not in covered),
    )
