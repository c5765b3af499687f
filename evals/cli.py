"""`council eval`: run the assistant (in process or over HTTP) or read another system's answers, and score.

The command registers itself with the council CLI through the entry-point group council.commands (pyproject.toml).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from evals.compare import compare, format_comparison
from evals.dataset import Question, load_dataset
from evals.gate import check_floors
from evals.html_report import write_html
from evals.outputs import load_answers
from evals.report import format_table, write_json
from evals.run import Progress, run_eval, score_answers
from ingest.errors import EvalError

# The assistant retrieves one way (hybrid); retrieval is scored on the passages its answer was built from.
NO_MODE = "--mode no longer applies: retrieval is scored on the passages the answer was built from (hybrid)"


def _passages(citations: list[Mapping]) -> list[dict]:
    return [{"n": c["n"], "file": c["source"], "text": c["text"]} for c in citations]


def output_from_answer(qid: str, a: Mapping, latency_ms: float) -> dict:
    """The harness's output dict from the assistant's Answer (as a dict): its citations, its sentences with their
    citation numbers, and the ranked passages it was built from (retrieval is scored on those)."""
    passages = a.get("passages")
    return {
        "id": qid,
        "answer": a["answer"],
        "abstained": a["abstained"],
        "citations": _passages(a["citations"]),
        "sentences": a.get("sentences") or [],
        "passages": None if passages is None else _passages(passages),
        "latency_ms": latency_ms,
    }


def in_process(settings) -> Callable[[Question], dict]:
    """Answers from an Assistant in this process."""
    from assistant.engine import Assistant

    assistant = Assistant(settings)

    def answer(q: Question) -> dict:
        a = assistant.ask(q.question, role="member")
        return output_from_answer(q.id, a.model_dump(), a.timings["total_ms"])

    return answer


def over_http(url: str, api_key: str | None) -> Callable[[Question], dict]:
    """Answers from a running service's POST /ask, timed here (network included)."""
    import httpx

    client = httpx.Client(base_url=url.rstrip("/"), timeout=60, headers={"X-API-Key": api_key} if api_key else {})

    def answer(q: Question) -> dict:
        t0 = time.perf_counter()
        r = client.post("/ask", json={"question": q.question})
        latency = (time.perf_counter() - t0) * 1e3
        r.raise_for_status()
        return output_from_answer(q.id, r.json(), latency)

    return answer


def run_from_cli(args: argparse.Namespace, settings, progress: Progress | None = None) -> int:
    """Score, print the table, write reports, compare and gate; 0 when the gate passes.

    `progress` hears (questions answered, questions) after each question the assistant answers.
    """
    try:
        questions = load_dataset(args.dataset, args.split)
        if getattr(args, "mode", "hybrid") != "hybrid":
            raise EvalError(NO_MODE)
        if args.answers:
            result = score_answers(questions, load_answers(args.answers), dataset=args.dataset, split=args.split)
        else:
            fn = over_http(args.url, settings.api_keys.split(":")[0] or None) if args.url else None
            fn = fn or in_process(settings)
            result = run_eval(questions, fn, dataset=args.dataset, split=args.split, progress=progress)
        print(format_table(result))
        if args.out:
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            write_json(result, out / "report.json")
            write_html(result, out / "report.html")
            print(f"\nwrote {out / 'report.json'} and {out / 'report.html'}")
        if args.compare:
            print()
            print(format_comparison(compare(args.compare, result)))
        failures = check_floors(result, args.min)
    except EvalError as e:
        print(f"council eval: {e}", file=sys.stderr)
        return 2
    for line in failures:
        print(f"gate: {line}", file=sys.stderr)
    return 1 if failures else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `council eval` to the council CLI's subcommands (the entry point council.commands:eval)."""
    sp = sub.add_parser("eval", help="score the assistant (or another system's answers) on a dataset")
    sp.add_argument("dataset", type=Path)
    sp.add_argument("--split", choices=("tune", "report"), help="only this split of the dataset")
    sp.add_argument("--answers", type=Path, help="score these answers (JSONL) instead of running the assistant")
    sp.add_argument("--url", help="ask a running service at this URL instead of running in process")
    sp.add_argument("--out", type=Path, help="write report.json and report.html here")
    sp.add_argument("--compare", type=Path, help="an earlier report.json to compare with")
    sp.add_argument(
        "--min",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="fail when the metric's 95%% CI lower bound is below VALUE (repeatable)",
    )
    sp.add_argument("--mode", choices=("hybrid", "dense", "lexical", "rrf"), default="hybrid", help="retrieval mode")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    """`council eval`: run_from_cli with the CLI's settings and a progress bar over the questions."""
    from assistant.cli import load_settings, progress_bar

    with progress_bar(args.quiet, unit="question") as bar:

        def step(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)
            if done == total:
                bar.close()  # before the report prints

        return run_from_cli(args, load_settings(args), progress=step)
