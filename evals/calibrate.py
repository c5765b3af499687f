"""Choose the abstention thresholds on the tune split: the pair that best separates the two error kinds.

Run: `python -m evals.calibrate` (uses $COUNCIL_HOME, which must hold the seed corpus). It prints
each candidate's false-abstention and false-answer rates and the chosen pair; never run it on the
report split, whose numbers we publish.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from assistant.engine import ABSTAIN_DEPTH, Assistant, missing_specifics
from assistant.settings import Settings

DEV = Path(__file__).resolve().parent / "data" / "dev.jsonl"


def features(assistant: Assistant, question: str) -> tuple[float, float, bool]:
    """(best cosine among the top 3 passages, best IDF-weighted term coverage, specifics missing)."""
    from index.search import Timings

    hits = assistant.retrieve(question, assistant.settings.k, None, ("public",), Timings())
    cosine = max((h.dense for h in hits[:ABSTAIN_DEPTH] if h.dense is not None), default=0.0)
    coverage = assistant.index.coverage(question, hits[:ABSTAIN_DEPTH])
    return cosine, coverage, bool(missing_specifics(question, hits))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", type=Path, default=DEV)
    ap.add_argument("--split", default="tune")
    args = ap.parse_args()
    rows = [json.loads(ln) for ln in args.dataset.read_text().splitlines() if ln.strip()]
    rows = [r for r in rows if r.get("split") == args.split]
    assistant = Assistant(Settings())
    data = [(features(assistant, r["question"]), r["type"] == "unanswerable") for r in rows]
    n_un = sum(u for _, u in data) or 1
    n_ans = len(data) - n_un or 1
    best = None
    # Highest thresholds first: among equally good pairs keep the one that declines off-topic questions most.
    grid = itertools.product([x / 100 for x in range(60, 19, -2)], [x / 100 for x in range(80, -1, -5)])
    for cos_t, cov_t in grid:
        abstain = [(c < cos_t or v < cov_t or m, u) for (c, v, m), u in data]
        false_abstain = sum(a and not u for a, u in abstain) / n_ans
        false_answer = sum(u and not a for a, u in abstain) / n_un
        # Declining an answerable question costs a councillor more than one unneeded "possibly related".
        cost = 2 * false_abstain + false_answer
        if best is None or cost < best[0]:
            best = (cost, cos_t, cov_t, false_abstain, false_answer)
    for ((c, v, m), u), q in zip(data, (r["question"] for r in rows), strict=True):
        print(f"{'UN ' if u else 'ANS'} cosine={c:.3f} coverage={v:.3f} missing_specifics={m} {q}")
    _, cos_t, cov_t, fa, fn = best
    print(
        f"chosen on {args.split} (n={len(data)}): abstain_cosine={cos_t} abstain_coverage={cov_t}"
        f" false_abstention={fa:.3f} false_answer={fn:.3f}"
    )


if __name__ == "__main__":
    main()
