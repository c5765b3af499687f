"""CPU per question outside the query encoder: the asking thread's own CPU time in `Assistant.ask`.

The question is encoded in the encoding thread (index/query_batch.py), so the asking thread's `time.thread_time()`
counts everything else a request does in Python, SQLite and numpy: what limits /ask throughput once the encoder is
shared. Run: `COUNCIL_HOME=DIR python -m bench.ask_cpu [--split tune] [--rounds 3] [--profile 25]`; the first round
warms every cache (passages come back question after question), the figures are the later rounds'. `--dump FILE`
writes every answer (without timings) as JSON lines, to check that a change leaves the answers as they were.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import time
from pathlib import Path

from assistant.engine import Assistant
from assistant.settings import Settings
from bench.system import load
from evals.dataset import load_dataset

DEV = Path(__file__).resolve().parents[1] / "evals" / "data" / "dev.jsonl"


def cpu_per_question(assistant: Assistant, questions: list[str], rounds: int) -> list[float]:
    """The asking thread's CPU milliseconds for each question of the rounds after the first (which warms)."""
    out: list[float] = []
    for r in range(rounds):
        for q in questions:
            t0 = time.thread_time()
            assistant.ask(q, role="member")
            if r:
                out.append((time.thread_time() - t0) * 1e3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="tune", choices=("tune",))  # the report split is held out
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, help="print the N functions with most cumulative time")
    ap.add_argument("--dump", type=Path, help="write each answer (no timings) as a JSON line")
    args = ap.parse_args()
    questions = [q.question for q in load_dataset(DEV, args.split)]
    assistant = Assistant(Settings())
    try:
        if args.dump:
            with args.dump.open("w", encoding="utf-8") as f:
                for q in questions:
                    a = assistant.ask(q, role="member").model_dump(exclude={"timings"})
                    f.write(json.dumps(a, sort_keys=True, default=str) + "\n")
        before = load()
        ms = cpu_per_question(assistant, questions, args.rounds)
        print(json.dumps({
            "questions": len(questions), "rounds": args.rounds - 1, "cpu_ms_mean": round(statistics.fmean(ms), 3),
            "cpu_ms_median": round(statistics.median(ms), 3), "load": f"{before} -> {load()}",
        }))
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            for q in questions:
                assistant.ask(q, role="member")
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    finally:
        assistant.close()


if __name__ == "__main__":
    main()
