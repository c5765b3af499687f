"""Choose the abstention thresholds on the tune split, through the assistant's own check (answerer.decline_reason).

Run: `python -m evals.calibrate` with $COUNCIL_HOME holding the seeds and the corpus PDFs. Each tune question is
retrieved and reranked once; the check is then replayed for every (cosine, coverage, focus) on a grid. The
chosen triple declines as many unanswerable questions as it can while declining at most MAX_FALSE_ABSTENTION
of the answerable ones; ties go to the lower thresholds (the fewer answers withheld). Never run it on the
report split, whose numbers we publish.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from assistant.answerer import Thresholds, measure, verdict
from assistant.engine import Assistant, access_for
from assistant.settings import Settings
from evals.dataset import load_dataset
from index.search import Timings

DEV = Path(__file__).resolve().parent / "data" / "dev.jsonl"
MAX_FALSE_ABSTENTION = 0.06  # of the answerable tune questions: about one in seventeen
COSINES = [x / 100 for x in range(20, 56, 2)]
COVERAGES = [x / 100 for x in range(0, 65, 5)]
FOCUS = [x / 100 for x in range(0, 101, 10)]


def measured(assistant: Assistant, question: str):
    """The check's measures of a question, as the assistant retrieves and reranks it."""
    access = access_for("member")
    f, hits = assistant.retrieve(question, assistant.settings.k, None, access, Timings(), question=question)
    coverage = assistant.index.coverage(question, hits[:5], access) if hits else 0.0
    return measure(
        f,
        hits,
        assistant.catalog(access),
        coverage,
        lambda p: assistant.index.mentions(p, access),
        assistant.index.idf(f.focus, access),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, default=DEV)
    args = ap.parse_args()
    questions = load_dataset(args.dataset, "tune")
    assistant = Assistant(Settings())
    data = [(measured(assistant, q.question), not q.answerable, q.question) for q in questions]
    n_un = sum(u for _, u, _ in data) or 1
    n_ans = len(data) - n_un or 1
    best = None
    for cos_t, cov_t, foc_t in itertools.product(COSINES, COVERAGES, FOCUS):
        t = Thresholds(cos_t, cov_t, foc_t)
        declined = [(verdict(m, t) is not None, u) for m, u, _ in data]
        false_abstention = sum(d and not u for d, u in declined) / n_ans
        recall = sum(d and u for d, u in declined) / n_un
        if false_abstention > MAX_FALSE_ABSTENTION:
            continue
        key = (recall, -false_abstention, -(cos_t + cov_t + foc_t))
        if best is None or key > best[0]:
            best = (key, t, false_abstention, recall)
    if best is None:  # the checks that need no threshold already decline too many: keep the lowest thresholds
        t = Thresholds(COSINES[0], COVERAGES[0], FOCUS[0])
        declined = [(verdict(m, t) is not None, u) for m, u, _ in data]
        best = (None, t, sum(d and not u for d, u in declined) / n_ans, sum(d and u for d, u in declined) / n_un)
    _, t, fa, recall = best
    for m, u, q in data:
        reason = verdict(m, t)
        print(
            f"{'UN ' if u else 'ANS'} {'declined' if reason else 'answered':8} cos={m.cosine:.2f} cov={m.coverage:.2f}"
            f" focus={m.focus:.2f} {reason or '':40.40} {q}"
        )
    print(
        f"chosen on tune (n={len(data)}): abstain_cosine={t.cosine} abstain_coverage={t.coverage}"
        f" abstain_focus={t.focus} false_abstention={fa:.3f} abstention_recall={recall:.3f}"
    )


if __name__ == "__main__":
    main()
