"""Convert a served exact index to SQ8, as an ingest does at COUNCIL_APPROX_FROM, and report its recall@10.

Run: `python -m bench.sq8 --home DIR` prints one JSON object: passages, recall@10 of the SQ8 index against
the exact one over the same vectors (the development set's questions), seconds to convert and to save.
The home is left holding the SQ8 generation (never converted back).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.latency import dev_questions
from index.embed import Embedder
from index.search import Index


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True, help="an index home whose vectors are exact")
    args = ap.parse_args(argv)
    embedder = Embedder()
    index = Index(args.home, embedder=embedder)
    try:
        if index.vectors.kind != "exact":
            raise SystemExit(f"{args.home}: the vectors are {index.vectors.kind} already")
        queries = embedder.encode(dev_questions())
        exact = [{i for i, _ in index.vectors.search(q, 10)} for q in queries]
        t0 = time.perf_counter()
        index.vectors.convert()
        convert_s = time.perf_counter() - t0
        found = [{i for i, _ in index.vectors.search(q, 10)} for q in queries]
        t0 = time.perf_counter()
        index.save()
        save_s = time.perf_counter() - t0
        recall = sum(len(a & b) / max(1, len(b)) for a, b in zip(found, exact, strict=True)) / len(exact)
        print(
            json.dumps({"passages": index.vectors.size, "recall@10": recall, "convert_s": convert_s, "save_s": save_s})
        )
    finally:
        index.close()


if __name__ == "__main__":
    main()
