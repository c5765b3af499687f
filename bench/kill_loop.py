"""Kill -9 an ingest of the seed papers at random moments, into one home, and count what the kills broke.

Run: `python -m bench.kill_loop [--kills 50] [--seed 14] [--changed 2]`.

Each round writes the five seed papers to a folder of its own, `--changed` of them (picked at random) with a
paragraph naming the round appended, so that every ingest replaces documents and not only adds them; starts
`index.build.ingest_paths` on that folder in a child process (which loads the model itself), and SIGKILLs it at
a random moment after the model loaded (seeded). The parent then opens the index as a reader would and checks
it with bench.crash_checks: the store, FAISS, FTS5 and BM25 hold the same passages; every document is whole (its
passage count is its reader's, one version per source, sampled passages found by both rankers as themselves);
files in the index folder other than the current generations. Then it runs the round's ingest to the end in
process and checks again. The worker commits every 64 passages and saves a generation every 100, so that kills
land between commits and inside saves, not only before the one commit a small ingest makes by default.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.crash_checks import half_documents, index_problems, start_ingest, stray_files
from bench.system import load, machine, now
from index.build import ingest_paths
from index.embed import Embedder
from index.search import Index
from ingest.load import load_document

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"


def write_papers(folder: Path, round_no: int, changed: int, rnd: random.Random) -> list[Path]:
    """The seed papers, `changed` of them with a paragraph naming the round appended."""
    folder.mkdir(parents=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    picked = set(rnd.sample(range(len(seeds)), changed))
    out = []
    for n, seed in enumerate(seeds):
        text = seed.read_text(encoding="utf-8")
        if n in picked:
            text += f"\n\n99. In round {round_no} the committee noted progress on item {rnd.randint(1, 999)}.\n"
        (path := folder / seed.name).write_text(text, encoding="utf-8")
        out.append(path)
    return out


def run_child(home: Path, folder: Path, log: Path, delay: float) -> tuple[str, float]:
    """Start the worker, SIGKILL it `delay` seconds after the model loaded; (outcome, seconds since it loaded)."""
    with open(log, "w") as out:
        proc = start_ingest(home, folder, out, group=64, save_min=100)
        while "loaded" not in log.read_text() and proc.poll() is None:
            time.sleep(0.01)
        started = time.perf_counter()
        while time.perf_counter() - started < delay and proc.poll() is None:
            time.sleep(0.005)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    elapsed = time.perf_counter() - started
    lines = log.read_text().splitlines()
    if finished:
        return ("finished before the kill" if lines and lines[-1].startswith("done") else "child failed"), elapsed
    taken = sum(ln.startswith("file ") for ln in lines)
    return f"killed, {taken} file(s) taken", elapsed


def check(home: Path, embedder: Embedder, expected: dict[str, int], rnd: random.Random) -> tuple[list, list, list, set]:
    """Open the index and return (index problems, half documents, stray files, the doc_ids it holds)."""
    index = Index(home, embedder=embedder)
    try:
        held = {d["doc_id"] for d in index.store.documents(access=("public", "restricted"))}
        return index_problems(index), half_documents(index, expected, rnd), stray_files(home, index), held
    finally:
        index.close()


def ingest(home: Path, embedder: Embedder, folder: Path):
    """The round's ingest run to the end, in process: the ingest after a crash must complete it."""
    index = Index(home, embedder=embedder)
    try:
        return ingest_paths(index, [folder])
    finally:
        index.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=50, help="kills mid-ingest to make (a round is one try)")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--changed", type=int, default=2, help="seed papers changed each round (replaced on ingest)")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    rnd = random.Random(args.seed)
    embedder = Embedder()
    outcomes: Counter[str] = Counter()
    totals = Counter()
    window = 3.0  # seconds after the model loaded; then the last ingest a child finished before its kill
    print(f"# {now()}  {machine()}  {load()}")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kill-loop-") as tmp:
        home, expected = Path(tmp) / "home", {}
        r = 0
        while totals["kills"] < args.kills and r < 3 * args.kills:  # a child that finished first is no kill
            r += 1
            papers = write_papers(Path(tmp) / f"round{r:03d}", r, args.changed, rnd)
            current = {(d := load_document(p)).doc_id: len(d.passages) for p in papers}
            expected |= current
            delay = rnd.uniform(0.0, window)
            outcome, elapsed = run_child(home, papers[0].parent, Path(tmp) / f"round{r:03d}.log", delay)
            outcomes[outcome.split(",")[0]] += 1
            bad, half, stray, _ = check(home, embedder, expected, rnd)
            report = ingest(home, embedder, papers[0].parent)
            bad2, half2, stray2, held = check(home, embedder, expected, rnd)
            completed = not report.failed and held == set(current)
            totals.update(
                kills=outcome.startswith("killed"),
                clean=outcome.startswith("killed") and not (bad or half or bad2 or half2) and completed,
                half=len(half) + len(half2),
                index_problems=len(bad) + len(bad2),
                stray_after_kill=len(stray),
                stray_after_ingest=len(stray2),
                completed=completed,
            )
            print(
                f"round {r:3d}  kill at +{delay:4.2f} s: {outcome:24}  problems {len(bad)}  half-documents {len(half)}"
                f"  stray files {len(stray)} {' '.join(stray)}| next ingest: {report.summary()}; "
                f"problems {len(bad2) + len(half2)}, stray {len(stray2)}, {'complete' if completed else 'INCOMPLETE'}",
                flush=True,
            )
            for problem in bad + half + bad2 + half2:
                print(f"    {problem}", flush=True)
            if outcome.startswith("finished"):
                window = elapsed  # the kills of rounds like this one land inside their ingest
    print("\noutcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    print(
        f"summary: {r} rounds, {totals['kills']} kills mid-ingest, {totals['clean']} clean recoveries, "
        f"{totals['half']} half-documents, {totals['index_problems']} index disagreements, "
        f"{totals['stray_after_kill']} stray files after a kill ({totals['stray_after_ingest']} after the next "
        f"ingest), {totals['completed']} next ingests completed, {time.perf_counter() - t0:.0f} s  ({load()})"
    )
    return 0 if totals["half"] == 0 and totals["index_problems"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
