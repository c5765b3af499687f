"""Learn the reranker's and the sentence chooser's weights on the tune split. The report split is never read.

Run: `python -m evals.train_rerank` with $COUNCIL_HOME holding the seeds and the corpus PDFs.
1. Reranker: for each answerable tune question the assistant's own retrieval gives its candidates; a candidate is
   relevant when it holds one of the question's evidence quotes. Every (relevant, other) pair of one question is an
   example for w . (x_relevant - x_other) > 0 (pairwise logistic regression, L2 on standardised features).
   Writes assistant/rerank.json.
2. Chooser: with the new reranker, each sentence of the passages an answer is built from is a candidate; it is
   wanted when it holds a key fact or is part of an evidence quote. Pairwise logistic regression as above; then
   the margin within which a further sentence joins is the one that maximises key-fact recall plus citation
   precision on the tune split. Writes assistant/choose.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from assistant import choose as chooser
from assistant.rerank import FEATURES, WEIGHTS, features
from evals.dataset import load_dataset
from evals.match import supported_quotes

DEV = Path(__file__).resolve().parent / "data" / "dev.jsonl"
L2 = 1.0  # on standardised features: few features, few questions, so keep the weights small


def collect(assistant, questions) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features, relevance) of each answerable question's candidates, as the assistant retrieves them."""
    out = []
    for q in questions:
        if not q.answerable:
            continue
        frame, hits = assistant.candidates(q.question, None, ("public", "restricted"))
        if not hits:
            continue
        x = features(frame, hits)
        y = np.array([bool(supported_quotes(h.doc["source"], h.passage.text, q.evidence)) for h in hits])
        out.append((x, y))
    return out


def fit(data: list[tuple[np.ndarray, np.ndarray]], l2: float = L2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, mean and scale from pairwise differences, by Newton's method on the regularised logistic loss.

    Each question weighs the same however many pairs it has: its pairs share a weight of one.
    """
    allx = np.vstack([x for x, _ in data])
    mean, scale = allx.mean(axis=0), allx.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    pairs, sample = [], []
    for x, y in data:
        z = (x - mean) / scale
        pos, neg = z[y], z[~y]
        if len(pos) and len(neg):
            d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, z.shape[1])
            pairs.append(d)
            sample.append(np.full(len(d), 1.0 / len(d)))
    d, s = np.vstack(pairs), np.concatenate(sample)
    w = np.zeros(d.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(d @ w))  # the chance each pair is ordered wrongly
        grad = -(d * (s * p)[:, None]).sum(axis=0) + l2 * w
        hess = (d * (s * p * (1 - p))[:, None]).T @ d + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w, mean, scale


def _wanted(text: str, q) -> bool:
    low = " ".join(text.lower().split())
    if any(f.lower() in low for f in q.key_facts):
        return True
    return any(len(low) >= 25 and low.rstrip(".") in " ".join(e.quote.lower().split()) for e in q.evidence)


def collect_sentences(assistant, questions) -> list[tuple[list, np.ndarray, np.ndarray, object]]:
    """(candidates, features, wanted, question) for each answerable question, as the answerer would see them."""
    from assistant.engine import access_for
    from index.search import Timings

    out = []
    for q in questions:
        if not q.answerable:
            continue
        access = access_for("member")
        f, hits = assistant.retrieve(q.question, assistant.settings.k, None, access, Timings(), q.question)
        found, x = chooser.candidates(f, hits)
        if found:
            out.append((found, x, np.array([_wanted(c.text, q) for c in found]), (q, hits)))
    return out


def pick_margin(rows, model: chooser.Chooser) -> float:
    """How close to the best a further sentence must score: best key-fact recall plus citation precision on tune."""
    best = (-1.0, 1.0)
    for margin in [k / 10 for k in range(0, 31)]:
        m = chooser.Chooser(model.weights, model.mean, model.scale, margin)
        kf = prec = 0.0
        for found, x, _, (q, hits) in rows:
            p = m.scores(x)
            order = sorted(range(len(found)), key=lambda i: -p[i])
            picked = [order[0]] + [i for i in order[1:3] if p[i] >= p[order[0]] - margin]
            said = " ".join(found[i].text.lower() for i in picked)
            kf += sum(f.lower() in said for f in q.key_facts) / max(len(q.key_facts), 1)
            cited = {found[i].hit_rank for i in picked}
            prec += sum(bool(supported_quotes(hits[r].doc["source"], hits[r].passage.text, q.evidence)) or any(
                f.lower() in hits[r].passage.text.lower() for f in q.key_facts) for r in cited) / len(cited)
        score = (kf + prec) / len(rows)
        if score > best[0]:
            best = (score, margin)
    return best[1]


def cross_validated(data: list[tuple[np.ndarray, np.ndarray]], folds: int = 5, l2: float = L2) -> float:
    """hit@5 of the reranker learned on the other folds, over the tune questions: what a held-out question sees."""
    order = np.random.default_rng(20261202).permutation(len(data))
    hits = 0.0
    for f in range(folds):
        held = {int(i) for i in order[f::folds]}
        w, mean, scale = fit([d for i, d in enumerate(data) if i not in held], l2)
        part = [d for i, d in enumerate(data) if i in held]
        hits += recall_at(part, lambda x, w=w, m=mean, s=scale: ((x - m) / s) @ w) * len(part)
    return hits / len(data)


def recall_at(data: list[tuple[np.ndarray, np.ndarray]], order_scores, k: int = 5) -> float:
    """Share of questions with a relevant candidate in the top k when ranked by order_scores(x)."""
    hit = 0
    for x, y in data:
        s = order_scores(x)
        top = sorted(range(len(y)), key=lambda i: (-s[i], i))[:k]
        hit += bool(y[top].any())
    return hit / len(data) if data else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, default=DEV)
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    args = ap.parse_args()
    from assistant.engine import Assistant
    from assistant.settings import Settings

    questions = load_dataset(args.dataset, "tune")
    assistant = Assistant(Settings(), rerank=False)
    data = collect(assistant, questions)
    w, mean, scale = fit(data)
    before = recall_at(data, lambda x: -np.arange(len(x)))
    after = recall_at(data, lambda x: ((x - mean) / scale) @ w)
    held_out = cross_validated(data)
    result = {
        "features": list(FEATURES),
        "weights": [round(float(v), 6) for v in w],
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "trained_on": {
            "dataset": args.dataset.name,
            "split": "tune",
            "questions": len(data),
            "candidates": int(sum(len(y) for _, y in data)),
            "relevant": int(sum(int(y.sum()) for _, y in data)),
            "l2": L2,
        },
        "tune_hit@5": {
            "search order": round(before, 3),
            "reranked": round(after, 3),
            "reranked, 5-fold cross-validated": round(held_out, 3),
        },
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("trained_on", "tune_hit@5")}, indent=2))
    for name, value in sorted(zip(FEATURES, w, strict=True), key=lambda t: -abs(t[1])):
        print(f"{name:>18} {value:+.3f}")
    train_chooser(questions, args.dataset)


def train_chooser(questions, dataset: Path) -> None:
    """Stage 2: the sentence chooser, on the passages the new reranker gives."""
    from assistant.engine import Assistant
    from assistant.rerank import load as load_reranker
    from assistant.settings import Settings

    load_reranker.cache_clear()
    assistant = Assistant(Settings())
    rows = collect_sentences(assistant, questions)
    w, mean, scale = fit([(x, y) for _, x, y, _ in rows if y.any() and (~y).any()])
    margin = pick_margin(rows, chooser.Chooser(w, mean, scale, 1.0))
    result = {
        "features": list(chooser.FEATURES),
        "weights": [round(float(v), 6) for v in w],
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "margin": margin,
        "trained_on": {
            "dataset": dataset.name,
            "split": "tune",
            "questions": len(rows),
            "sentences": int(sum(len(y) for _, _, y, _ in rows)),
            "wanted": int(sum(int(y.sum()) for _, _, y, _ in rows)),
            "l2": L2,
        },
    }
    chooser.WEIGHTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("trained_on", "margin")}, indent=2))
    for name, value in sorted(zip(chooser.FEATURES, w, strict=True), key=lambda t: -abs(t[1])):
        print(f"{name:>18} {value:+.3f}")


if __name__ == "__main__":
    main()
