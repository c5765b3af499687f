"""What the question frame, the reranker and the new answerer cost per question, against the code before them.

Run: `python -m bench.answer_cost [--baseline REV] [--rounds 5]`. Two worker processes answer the same seed
questions: one runs this checkout, the other a git worktree of REV (default: the commit before the answers work,
adbe05d). Each builds its own index of corpus/seeds with the bundled model, then both answer every question in
turn, round after round, so that whatever else the machine does falls on both alike. Prints each side's median
and p95 of `Assistant.ask` and, for scale, the median time the model takes to embed one question (the floor).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "adbe05d"  # main before the question frame, reranker and answer shapes
# Run inside each side's checkout: build a seed index, then answer the questions each time it is told to.
WORKER = r"""
import json, os, sys, time
os.environ["HF_HUB_OFFLINE"] = "1"
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from assistant.engine import Assistant
from assistant.settings import Settings
from index.build import ingest_paths
home = Path(sys.argv[2])
assistant = Assistant(Settings(home=home))
ingest_paths(assistant.index, [Path(sys.argv[1]) / "corpus" / "seeds"])
questions = json.loads(sys.stdin.readline())
for q in questions[:3]:
    assistant.ask(q)  # warm: caches, lazy imports
print("ready", flush=True)
for line in sys.stdin:
    times, embed = [], []
    for q in questions:
        t0 = time.perf_counter()
        answer = assistant.ask(q)
        times.append((time.perf_counter() - t0) * 1e3)
        embed.append(answer.timings.get("embed_ms", 0.0))
    print(json.dumps({"times": times, "embed": embed}), flush=True)
"""


def seed_questions() -> list[str]:
    """The development set's questions whose evidence is in the seeds (both sides can answer them)."""
    rows = [json.loads(ln) for ln in (ROOT / "evals" / "data" / "dev.jsonl").read_text().splitlines() if ln.strip()]
    return [r["question"] for r in rows if all(e["file"].endswith(".txt") for e in r["evidence"])]


def start(checkout: Path, home: Path, questions: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1", "COUNCIL_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(checkout), str(home)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=checkout,
    )
    proc.stdin.write(json.dumps(questions) + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    if line.strip() != "ready":
        raise SystemExit(f"worker in {checkout} did not start")
    return proc


def run(proc: subprocess.Popen) -> dict:
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the code to compare against")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    questions = seed_questions()
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old_tree), args.baseline],
                       check=True, capture_output=True)
        try:
            sides = {
                "baseline": start(old_tree, Path(tmp) / "home-baseline", questions),
                "now": start(ROOT, Path(tmp) / "home-now", questions),
            }
            results: dict[str, dict[str, list[float]]] = {k: {"times": [], "embed": []} for k in sides}
            for _ in range(args.rounds):
                for name, proc in sides.items():
                    got = run(proc)
                    results[name]["times"] += got["times"]
                    results[name]["embed"] += got["embed"]
            for proc in sides.values():
                proc.stdin.close()
                proc.wait(timeout=60)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old_tree)], check=False)
    print(f"{len(questions)} seed questions x {args.rounds} rounds; load average {os.getloadavg()[0]:.2f}")
    for name, r in results.items():
        print(
            f"{name:>9}: ask median {statistics.median(r['times']):6.1f} ms  p95 {_p95(r['times']):6.1f} ms"
            f"  (embedding the question: median {statistics.median(r['embed']):5.1f} ms)"
        )
    added = statistics.median(results["now"]["times"]) - statistics.median(results["baseline"]["times"])
    print(f"added by the frame, reranker and answer shapes: {added:+.1f} ms at the median")


if __name__ == "__main__":
    main()
