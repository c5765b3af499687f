"""`council ingest|passages|search|ask|record|chat|serve|mcp|eval|demo`: each a thin layer over a library function."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path

from assistant import mcp_cli, record_cli
from ingest.errors import CouncilError

# Subcommands owned by later stages (`eval`, from evals/cli.py) register under this entry-point group in
# pyproject.toml: the package's metadata composes the CLI, so the assistant stage never imports evals.
COMMANDS = "council.commands"
DEMO_CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
DEMO_QUESTIONS = (
    "How long do children wait for an autism assessment?",
    "What did Ofsted say about caseloads?",
    "Which recommendations did the select committee make about foster carers?",
    "What judgement did Ofsted give children's services at its 2024 inspection?",
)


def load_settings(args: argparse.Namespace):
    """The settings, with --home and --model over the environment's; for any command, a registered one too."""
    from assistant.settings import load

    overrides = {k: v for k, v in (("home", args.home), ("model", args.model)) if v}
    return load(**overrides)  # a bad COUNCIL_* value is a BadSetting: one line and exit 2, as main prints it


def _index(args: argparse.Namespace):
    """The open index: in PostgreSQL when COUNCIL_DATABASE_URL is set, else in COUNCIL_HOME."""
    from index.opening import open_index

    s = load_settings(args)
    return open_index(s.home, s.model, s.database_url, approx_from=s.approx_from)


def _council(name: str | None) -> str | None:
    """A council as the user wrote it ("Camden", "Kent County Council") as the index names it."""
    from ingest.councils import normalise

    return normalise(name) if name else None


def _filters(args: argparse.Namespace):
    from index.search import Filters

    return Filters(
        body=args.body,
        doc_type=args.type,
        since=args.since,
        until=args.until,
        kind=args.kind,
        council=_council(args.council),
    )


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    print(answer.answer)
    print()
    for c in answer.citations:
        page = f", p.{c.page}" if c.page else ""
        print(f"[{c.n}] {c.title} ({c.date or 'undated'}, {c.body or c.doc_type}) {c.label}{page}  {c.source}")
    if answer.abstained and answer.related:
        print("Possibly related:")
        for c in answer.related:
            print(f"  - {c.title} ({c.date or 'undated'}) {c.label}: {' '.join(c.text.split())[:120]}")


def progress_bar(quiet: bool, **kw):
    """A tqdm bar on stderr when it is a terminal and --quiet was not given; never the model loader's own bar."""
    from tqdm import tqdm

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # before the model loads: "Loading weights" is not ours
    return tqdm(file=sys.stderr, disable=quiet or not sys.stderr.isatty(), **kw)


def cmd_ingest(args: argparse.Namespace) -> int:
    from index.opening import ingest_paths
    from index.read_ahead import expand

    overrides = {
        k: v
        for k, v in (
            ("access", args.access),
            ("title", args.title),
            ("date", args.date),
            ("body", args.body),
            ("doc_type", args.type),
            ("council", _council(args.council)),
        )
        if v
    }
    total = len(expand(args.paths))
    with progress_bar(args.quiet, total=total, unit="file") as bar:
        index = _index(args)
        passages, t0 = 0, time.perf_counter()

        def settled(path: Path, added: int) -> None:
            nonlocal passages
            passages += added
            rate = passages / (time.perf_counter() - t0)
            bar.set_postfix_str(f"{passages:,} passages, {rate:.1f}/s, {path.name[:30]}")
            bar.update(1)

        report = ingest_paths(index, args.paths, overrides, settled=settled)
        seconds = time.perf_counter() - t0
    index.close()
    for name, reason in report.failed:
        print(f"failed: {name}: {reason}", file=sys.stderr)
    print(report.summary())
    print(f"{report.passages} passages in {seconds:.1f} s ({report.passages / seconds:.1f} passages/s)")
    ok = report.added or report.unchanged or report.replaced
    return 0 if ok or not total else 1


def cmd_passages(args: argparse.Namespace) -> int:
    from ingest.store import passage_dict

    index = _index(args)
    doc = index.store.document(args.doc_id, access=("public", "restricted"))
    if args.json:
        print(json.dumps([passage_dict(p) for p in doc.passages], indent=2))
        return 0
    print(f"{doc.title} ({doc.council}, {doc.date}, {doc.body}, {doc.doc_type}) {doc.source}")
    for p in doc.passages:
        part = f" (part {p.part_no})" if p.part_no else ""
        page = f" p.{p.page}" if p.page else ""
        kind = f" <{p.kind}>" if p.kind else ""
        print(f"{p.label:>16}{part}{page}{kind}  {' '.join(p.text.split())[:100]}")
    if doc.removed:
        print(f"removed as page furniture ({len(doc.removed)} lines):")
        for page, line in doc.removed:
            print(f"  p.{page}  {line}")
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    index = _index(args)
    docs = index.store.documents(access=("public", "restricted"))
    if args.json:
        print(json.dumps(docs, indent=2))
        return 0
    width = max((len(d["council"] or "") for d in docs), default=0)
    for d in docs:
        print(
            f"{d['doc_id']}  {d['date'] or 'undated':10}  {d['passage_count']:4} passages  {d['access']:10} "
            f"{d['council'] or 'no council':{width}}  {d['title']} ({d['body']}, {d['doc_type']})"
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    index = _index(args)
    hits = index.search(
        args.question, k=args.k, filters=_filters(args), access=("public", "restricted"), mode=args.mode
    )
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "score": h.score,
                        "source": h.doc["source"],
                        "title": h.doc["title"],
                        "date": h.doc["date"],
                        "council": h.doc["council"],
                        "passage_id": h.passage.passage_id,
                        "label": h.passage.label,
                        "kind": h.passage.kind,
                        "text": h.passage.text,
                    }
                    for h in hits
                ],
                indent=2,
            )
        )
        return 0
    for rank, h in enumerate(hits, start=1):
        p = h.passage
        print(
            f"{rank:2}. {h.score:.4f}  {h.doc['title']} ({p.part_date or h.doc['date']}) {p.label}"
            f"{' <' + p.kind + '>' if p.kind else ''}\n    {' '.join(p.text.split())[:160]}"
        )
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.engine import Assistant

    assistant = Assistant(load_settings(args))
    answer = assistant.ask(args.question, filters=_filters(args), k=args.k, role=args.role)
    _print_answer(answer, args.json)
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from assistant.record_cli import run

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # the model loads with the index: no bar of its own
    index = _index(args)  # opening the index reads the record again if the extractors changed
    try:
        return run(args, index.store)
    finally:
        index.close()


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.service import serve
    from assistant.settings import load

    given = (("home", args.home), ("model", args.model), ("host", args.host), ("port", args.port))
    overrides = {k: v for k, v in (*given, ("workers", args.workers)) if v is not None}
    settings = load(**overrides)  # checked as the environment's are: a bad --workers is one line and exit 2
    if settings.workers > 1:  # worker processes read their settings from the environment: the command line's too
        os.environ.update(COUNCIL_HOME=str(settings.home), COUNCIL_MODEL=settings.model)
    serve(settings)
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    return mcp_cli.run(args, load_settings(args))


def cmd_demo(args: argparse.Namespace) -> int:
    from assistant.engine import Assistant
    from index.opening import ingest_paths

    s = load_settings(args)
    print(f"Ingesting the sample corpus ({DEMO_CORPUS}) into {s.home} ...")
    assistant = Assistant(s)
    print(ingest_paths(assistant.index, [DEMO_CORPUS]).summary())
    for q in args.questions or DEMO_QUESTIONS:
        print(f"\n> {q}")
        _print_answer(assistant.ask(q), as_json=False)
    return 0


def add_registered(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands registered under the entry-point group council.commands: each entry point is a
    function that takes the subparsers, adds its command and sets `func` (as record_cli.add_parser does)."""
    for ep in sorted(entry_points(group=COMMANDS), key=lambda ep: ep.name):
        ep.load()(sub)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="council", description="A cited assistant over council papers (offline).")
    p.add_argument("--home", type=Path, help="data folder (default $COUNCIL_HOME or ~/.council)")
    p.add_argument("--model", help="embedding model: a sentence-transformers folder (default: bundled MiniLM)")
    sub = p.add_subparsers(dest="command", required=True)

    def filters(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--council", help="only this council's papers, e.g. 'Kent County Council' or Camden")
        sp.add_argument("--body", help="only papers of this body, e.g. Cabinet")
        sp.add_argument("--type", help="only this document type: report, agenda, minutes, inquiry report, ...")
        sp.add_argument("--since", help="only papers dated on or after this ISO date")
        sp.add_argument("--until", help="only papers dated on or before this ISO date")
        sp.add_argument("--kind", help="only passages of this kind: recommendation, action, finding, ...")
        sp.add_argument("--k", type=int, default=None, help="how many passages")
        sp.add_argument("--json", action="store_true", help="machine-readable output")

    sp = sub.add_parser("ingest", help="ingest files or folders (recursively) into the index")
    sp.add_argument("paths", nargs="+", type=Path)
    sp.add_argument("--access", choices=("public", "restricted"), help="access level for these papers")
    sp.add_argument("--title")
    sp.add_argument("--date", help="ISO date")
    sp.add_argument("--body", help="the committee or Cabinet")
    sp.add_argument("--type", help="document type")
    sp.add_argument("--council", help="the authority whose papers these are, e.g. 'London Borough of Camden'")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("documents", help="list the indexed documents")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_documents)

    sp = sub.add_parser("passages", help="print a document's passages with their labels")
    sp.add_argument("doc_id")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_passages)

    sp = sub.add_parser("search", help="ranked passages for a question")
    sp.add_argument("question")
    sp.add_argument("--mode", choices=("hybrid", "dense", "lexical", "rrf"), default="hybrid")
    filters(sp)
    sp.set_defaults(func=cmd_search, k=10)

    sp = sub.add_parser("ask", help="a cited answer to a question")
    sp.add_argument("question")
    sp.add_argument(
        "--role",
        choices=("public", "member", "admin"),
        default="member",
        help="whose view: public sees public papers only (default member: the local user sees all)",
    )
    filters(sp)
    sp.set_defaults(func=cmd_ask)

    record_cli.add_parser(sub, cmd_record)

    sp = sub.add_parser("serve", help="run the HTTP service and web page")
    sp.add_argument("--host")
    sp.add_argument("--port", type=int)
    sp.add_argument("--workers", type=int, help="server processes (COUNCIL_WORKERS, default 1)")
    sp.set_defaults(func=cmd_serve)

    mcp_cli.add_parser(sub, cmd_mcp)

    add_registered(sub)  # where `eval` was listed before it moved to evals/cli.py

    sp = sub.add_parser("demo", help="ingest the sample corpus and answer a few questions")
    sp.add_argument("questions", nargs="*")
    sp.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CouncilError as e:
        print(f"council: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
