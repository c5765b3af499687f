"""Questions encoded together (index/query_batch.py) give what each encoded alone gives: same vectors, same top 5."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from index.query_batch import BatchedEmbedder

DEV = Path(__file__).resolve().parents[2] / "evals" / "data" / "dev.jsonl"


class Gated:
    """The real embedder, its first call held until every question is waiting: the rest then go in one batch."""

    def __init__(self, embedder) -> None:
        self.embedder, self.name, self.dim, self.model = embedder, embedder.name, embedder.dim, embedder.model
        self.calls: list[int] = []
        self.held: list[int] = []  # the size of the first call, once it is held
        self.release = threading.Event()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not self.calls:
            self.held.append(len(texts))
            assert self.release.wait(60), "the questions never all arrived"
        self.calls.append(len(texts))
        return self.embedder.encode(texts)


def test_batched_questions_match_one_at_a_time(embedder, seed_index) -> None:
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    alone = np.stack([embedder.encode([q])[0] for q in questions])
    gated = Gated(embedder)
    batched = BatchedEmbedder(gated, batch=len(questions))
    with ThreadPoolExecutor(len(questions)) as pool:
        futures = [pool.submit(batched.encode, [q]) for q in questions]
        for _ in range(6000):  # the first call is held in the model while the rest queue up (a guard, not a measure)
            if gated.held and gated.held[0] + batched._queue.qsize() == len(questions):
                break
            threading.Event().wait(0.01)
        gated.release.set()
        together = np.stack([f.result()[0] for f in futures])
    first = gated.held[0]  # whatever had queued when the encoding thread woke; then every other question in one call
    assert gated.calls == [first, len(questions) - first]
    assert np.allclose(together, alone, atol=1e-5)
    for a, b in zip(alone, together, strict=True):
        top_alone = [i for i, _ in seed_index.vectors.search(a, 5)]
        top_together = [i for i, _ in seed_index.vectors.search(b, 5)]
        assert top_together == top_alone


def test_several_texts_go_straight_to_the_model(embedder) -> None:
    gated = Gated(embedder)
    gated.release.set()
    texts = ["The culvert will be cleared.", "The barrier costs £41,300."]
    out = BatchedEmbedder(gated).encode(texts)
    assert gated.calls == [2] and out.shape == (2, embedder.dim)
