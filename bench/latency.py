"""Query latency and serving memory: Index.search (hybrid) and Assistant.ask (extractive), model loaded.

Run alone (as bench.run does, so the peak RSS is the serving process's own):
`python -m bench.latency --home DIR --queries 300` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import cycle, islice
from pathlib import Path

import faiss
import torch

from assistant.engine import Assistant
from assistant.settings import Settings
from bench import experiments
from bench.system import load, peak_rss, rss, summary
from index.search import Filters, Index, Timings

DEV = Path(__file__).resolve().parents[1] / "evals" / "data" / "dev.jsonl"
PARTS = ("embed_ms", "dense_ms", "lexical_ms", "fuse_ms", "answer_ms")


def dev_questions(path: Path = DEV) -> list[str]:
    """Every question of the development set, in file order."""
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure_queries(
    home: Path, embedder, queries: int, questions: list[str] | None = None, vectors: Path | None = None
) -> dict:
    """Latency of search and ask over `queries` questions (the dev set's, repeated) and the memory it took.

    `vectors`: serve from this FAISS file instead of the index's own (an experiment, see bench/experiments.py).
    """
    questions = questions or dev_questions()
    rss_model = rss()
    t0 = time.perf_counter()
    index = Index(home, embedder.name, embedder=embedder)
    open_s = time.perf_counter() - t0
    if vectors:
        experiments.swap_vectors(index, vectors)
    rss_open = rss()
    assistant = Assistant(Settings(home=home, llm_model=None), index=index)
    try:
        for q in questions[:3]:  # warm: first calls pay for lazy imports and SQLite's page cache
            assistant.ask(q)
        search_ms: list[float] = []
        ask_ms: list[float] = []
        parts: dict[str, list[float]] = {p: [] for p in (*PARTS, "total_ms")}
        select_ms: list[float] = []
        coverage_ms: list[float] = []
        where, params = Filters().sql(("public",))
        for q in islice(cycle(questions), queries):
            t0 = time.perf_counter()
            hits = index.search(q, k=10, timings=Timings())
            search_ms.append((time.perf_counter() - t0) * 1e3)
            answer = assistant.ask(q)
            ask_ms.append(answer.timings["total_ms"])
            for key in parts:
                parts[key].append(answer.timings[key])
            # Two steps inside the figures above, timed alone: the access filter's selection (before embed_ms)
            # and the abstention's term coverage (inside answer_ms).
            t0 = time.perf_counter()
            index._selection(where, params)
            select_ms.append((time.perf_counter() - t0) * 1e3)
            t0 = time.perf_counter()
            index.coverage(q, hits[:5])
            coverage_ms.append((time.perf_counter() - t0) * 1e3)
        passages = index.vectors.size
    finally:
        assistant.close()
    total = sum(sum(v) for k, v in parts.items() if k != "total_ms") or 1.0
    return {
        "passages": passages,
        "queries": len(search_ms),
        "load": load(),
        "torch_threads": torch.get_num_threads(),
        "faiss_threads": faiss.omp_get_max_threads(),
        "search": summary(search_ms),
        "ask": summary(ask_ms),
        "parts_mean_ms": {k: summary(v)["mean"] for k, v in parts.items()},
        "shares": {k: sum(parts[k]) / total for k in PARTS},
        "selection": summary(select_ms),
        "vectors": index.vectors.kind,
        "coverage": summary(coverage_ms),
        "open_seconds": open_s,
        "rss_model_bytes": rss_model,
        "rss_open_bytes": rss_open,
        "peak_rss_bytes": peak_rss(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--torch-threads", type=int, help="torch.set_num_threads before serving (an experiment)")
    ap.add_argument("--vectors", type=Path, help="serve from this FAISS file (IndexIDMap2 over the same ids)")
    args = ap.parse_args()
    from index.embed import Embedder

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    embedder = Embedder()
    embedder.encode(["warm the model"])
    figures = measure_queries(args.home, embedder, args.queries, vectors=args.vectors)
    figures["variant"] = f"vectors={args.vectors.name}" if args.vectors else "as served"
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
