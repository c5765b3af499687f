"""Query latency on an ingested corpus: median and p95 of search and of extractive /ask, model loaded.

Run: `python -m evals.bench [--repeat 4]` with $COUNCIL_HOME holding the corpus. Prints figures;
it is a benchmark, not a test. Questions are the development set's, repeated.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from assistant.engine import Assistant
from assistant.settings import Settings
from index.search import Timings

DEV = Path(__file__).resolve().parent / "data" / "dev.jsonl"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=4, help="passes over the questions")
    args = ap.parse_args()
    questions = [json.loads(ln)["question"] for ln in DEV.read_text().splitlines() if ln.strip()]
    assistant = Assistant(Settings())
    assistant.ask(questions[0])  # warm: the model is loaded once per process, not per query
    search_ms: list[float] = []
    ask_ms: list[float] = []
    parts = {"embed_ms": [], "dense_ms": [], "lexical_ms": [], "fuse_ms": [], "answer_ms": []}
    for _ in range(args.repeat):
        for q in questions:
            t0 = time.perf_counter()
            assistant.index.search(q, k=10, timings=Timings())
            search_ms.append((time.perf_counter() - t0) * 1e3)
            answer = assistant.ask(q)
            ask_ms.append(answer.timings["total_ms"])
            for key in parts:
                parts[key].append(answer.timings[key])
    n_passages = assistant.index.vectors.size
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}")
    print(f"corpus: {n_passages} passages; queries: {len(search_ms)}")
    for name, values in (("search (hybrid, k=10)", search_ms), ("ask (extractive)", ask_ms)):
        print(f"{name:24} median {statistics.median(values):7.2f} ms   p95 {percentile(values, 0.95):7.2f} ms")
    total = sum(statistics.mean(v) for v in parts.values())
    for key, values in parts.items():
        share = statistics.mean(values) / total if total else 0.0
        print(f"  {key:12} mean {statistics.mean(values):7.2f} ms  ({share:5.1%} of ask)")


if __name__ == "__main__":
    main()
