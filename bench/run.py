"""The benchmark: ingest throughput, query latency, memory, disk, approximate indexes and the LangChain peer.

Run: `python -m bench.run --passages 10000 [--queries 300] [--work DIR] [--json FILE]`

Sizes up to --real-limit passages are embedded by the real model end to end. Above it the model's rate is
measured on --sample passages and the index code (load and segment, store, FTS5, embedding cache, FAISS) runs
on the real synthetic texts with stand-in vectors (bench/simulate.py); queries are always embedded for real.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import faiss

from bench import ann, corpus, latency, peer
from bench.system import load, machine, now
from bench.throughput import batching_experiment, disk_figures, run_ingest
from index.embed import Embedder

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
MB = 2**20


def ensure_corpus(work: Path, passages: int, seed: int = 0) -> Path:
    """The scale corpus for a size, generated once per work folder (generation is deterministic)."""
    folder = work / f"corpus-{passages}-s{seed}"
    done = folder / ".complete"
    if not done.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        corpus.generate(folder, passages, seed)
        done.write_text("ok\n")
    return folder


def serve_figures(home: Path, embedder, queries: int, in_process: bool, extra: list[str] | None = None) -> dict:
    """Query latency and memory; in a child process by default so its peak RSS is the server's own."""
    if in_process:
        return latency.measure_queries(home, embedder, queries)
    cmd = [sys.executable, "-m", "bench.latency", "--home", str(home), "--queries", str(queries), *(extra or [])]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# Serving variants (bench/experiments.py): another FAISS index over the same ids, written by the ANN step.
KEEP = {"hnsw": "HNSWFlat|efSearch=64", "sq8": "SQ8|exhaustive"}
VARIANTS = (
    ("HNSW M=32 efSearch=64", ["--vectors", "hnsw"]),
    ("SQ8 exhaustive", ["--vectors", "sq8"]),
)


def run_size(
    passages: int,
    work: Path,
    embedder,
    queries: int = 300,
    sample: int = 2000,
    real_limit: int = 20_000,
    in_process: bool = False,
    ann_repeat: int = 3,
    with_ann: bool = True,
    serve_args: list[str] | None = None,
    experiments: bool = False,
    baseline_queries: int | None = None,
    pool: Path | None = None,
    variants: list[int] | None = None,
) -> dict:
    """Every figure for one corpus size."""
    folder = ensure_corpus(work, passages)
    home = work / f"home-{passages}"
    shutil.rmtree(home, ignore_errors=True)
    simulate = passages > real_limit
    ingest = run_ingest(home, folder, embedder, sample=sample, simulate=simulate, pool=pool)
    out = {"target": passages, "ingest": ingest.as_dict(), "disk": disk_figures(home)}
    out["serve"] = serve_figures(home, embedder, baseline_queries or queries, in_process, serve_args)
    files: dict[str, Path] = {}
    if with_ann:
        qvecs = embedder.encode(latency.dev_questions())
        vectors, ids = ann.stored_vectors(home)
        rows, kept = ann.compare(vectors, qvecs, ids, repeat=ann_repeat, keep=KEEP if experiments else None)
        out["ann"] = [asdict(r) for r in rows]
        del vectors, ids
        for label, index in kept.items():
            files[label] = home / f"bench-{label}.faiss"
            faiss.write_index(index, str(files[label]))
        del kept
    if experiments and not simulate:
        out["batching"] = batching_experiment(work, folder, embedder)
    if experiments and not in_process:
        out["experiments"] = []
        for i, (name, args) in enumerate(VARIANTS):
            if variants is not None and i not in variants:
                continue
            args = [str(files[a]) if a in files else a for a in args]
            if "--vectors" in args and not Path(args[args.index("--vectors") + 1]).is_file():
                continue
            fig = serve_figures(home, embedder, queries, False, args)
            fig["variant"] = name
            out["experiments"].append(fig)
    return out


def format_size(fig: dict) -> list[str]:
    """The report lines for one size."""
    g, d, s = fig["ingest"], fig["disk"], fig["serve"]
    n = g["passages"]
    kind = (
        f"simulated vectors ({g['source_vectors']:,} real vectors + N(0, 0.02^2) noise; model rate from the sample)"
        if g["simulated"]
        else "real model end to end"
    )
    lines = [f"== size: {fig['target']:,} target passages -> {n:,} passages in {g['documents']:,} papers; {kind}"]
    lines.append(
        f"ingest: {n:,} passages in {g['seconds']:.1f} s ingest_paths wall clock ({g['ingest_load']});"
        f" end to end {g['end_to_end_rate']:.1f} passages/s"
        + (" (outside-model time measured + model time projected)" if g["simulated"] else "")
    )
    lines.append(
        f"ingest: model encode() alone {g['model_rate']:.1f} passages/s on {g['model_sample']:,} sampled embed texts"
        f" ({g['model_load']}); model time for {n:,} passages {g['model_seconds']:.1f} s"
    )
    inside = g["model_seconds"] if g["simulated"] else g["encode_seconds"]
    ratio = g["outside_seconds"] / inside if inside else 0.0
    lines.append(
        f"ingest: overhead outside the model {g['outside_seconds']:.1f} s = {ratio:.1%} of the model's encode time"
        f" ({inside:.1f} s); target < 10%"
    )
    if not g["simulated"]:
        raw = g["seconds"] / g["model_seconds"] if g["model_seconds"] else 0.0
        lines.append(f"ingest: ingest_paths / raw encode() time = {raw:.2f}x (several documents per model call)")
    parts = dict(g["parts"])
    parts["cache lookup+encode"] = parts.get("cache lookup+encode", 0.0) - g["encode_seconds"]
    parts = {("cache lookup" if k == "cache lookup+encode" else k): v for k, v in parts.items()}
    other = g["outside_seconds"] - sum(parts.values())
    stages = ", ".join(f"{k} {v:.1f}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1]))
    lines.append(f"ingest stages outside the model (s): {stages}, other {other:.1f}")
    lines.append(
        f"query: search hybrid k=10   median {s['search']['median']:7.2f} ms  p95 {s['search']['p95']:7.2f} ms"
        f"  ({s['queries']} queries, torch/faiss threads {s['torch_threads']}/{s['faiss_threads']}, {s['load']})"
    )
    lines.append(f"query: ask extractive        median {s['ask']['median']:7.2f} ms  p95 {s['ask']['p95']:7.2f} ms")
    shares = ", ".join(
        f"{k.removesuffix('_ms')} {v:.0%} ({s['parts_mean_ms'][k]:.1f} ms)" for k, v in s["shares"].items()
    )
    lines.append(f"query: ask time shares (mean): {shares}")
    lines.append(
        f"query: inside those: access-filter selection median {s['selection']['median']:.2f} ms,"
        f" abstention coverage median {s['coverage']['median']:.2f} ms (in answer)"
    )
    lines.append(f"query: vectors {s['vectors']}; index opened in {s['open_seconds']:.1f} s")
    lines.append(
        f"memory: peak RSS serving {s['peak_rss_bytes'] / MB:,.0f} MB (after model load"
        f" {s['rss_model_bytes'] / MB:,.0f} MB, after index open {s['rss_open_bytes'] / MB:,.0f} MB)"
    )
    per = {k: v / max(1, d["passages"]) for k, v in d.items() if k.endswith("_bytes")}
    lines.append(
        f"disk: council.db {per['db_bytes']:,.0f} B/passage (FTS {per['fts_bytes']:,.0f}, embedding cache"
        f" {per['cache_bytes']:,.0f}, documents {per['documents_bytes']:,.0f}, passages {per['passages_bytes']:,.0f});"
        f" faiss {per['faiss_bytes']:,.0f} B/passage; total {(d['db_bytes'] + d['faiss_bytes']) / MB:,.1f} MB"
    )
    if "batching" in fig:
        b = fig["batching"]
        rates = "; ".join(f"{k} {', '.join(f'{r:.1f}' for r in v)} passages/s" for k, v in b["rates"].items())
        lines.append(f"experiment: ingest of {b['passages']:,} passages, alternating runs: {rates} ({b['load']})")
    for e in fig.get("experiments", []):
        sm, ak, pm = e["search"], e["ask"], e["parts_mean_ms"]
        lines.append(
            f"experiment: {e['variant']:36} search median {sm['median']:7.2f} p95 {sm['p95']:7.2f} ms;"
            f" ask median {ak['median']:7.2f} p95 {ak['p95']:7.2f} ms; means: embed {pm['embed_ms']:.1f}"
            f" dense {pm['dense_ms']:.1f} lexical {pm['lexical_ms']:.1f} answer {pm['answer_ms']:.1f} ms;"
            f" peak RSS {e['peak_rss_bytes'] / MB:,.0f} MB ({e['load']})"
        )
    for r in fig.get("ann", []):
        lines.append(
            f"ann: {r['name']:24} {r['setting']:13} recall@10 {r['recall']:.3f}  median {r['median_ms']:7.3f} ms"
            f"  p95 {r['p95_ms']:7.3f} ms  build {r['build_s']:6.1f} s  {r['bytes'] / MB:8.1f} MB"
        )
    return lines


def format_peer(rows: list[peer.PeerRow]) -> list[str]:
    lines = [f"== peer: seeds, report split ({rows[0].questions} answerable questions)" if rows else "== peer: none"]
    for r in rows:
        lines.append(
            f"peer: {r.system:44} recall@5 {r.recall5:.3f}  MRR@10 {r.mrr10:.3f}  chars@5 {r.chars5:6.0f}"
            f"  median {r.median_ms:6.2f} ms  p95 {r.p95_ms:6.2f} ms  ({r.units} units of {r.unit_chars:.0f} chars,"
            f" built in {r.build_s:.1f} s)"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passages", type=int, nargs="+", default=[10_000], help="corpus sizes (seed passages)")
    ap.add_argument("--queries", type=int, default=300, help="questions timed per size (the dev set's, repeated)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/council-bench"), help="corpora and index homes")
    ap.add_argument("--sample", type=int, default=2000, help="passages the model's own rate is measured on")
    ap.add_argument("--real-limit", type=int, default=20_000, help="largest size embedded for real")
    ap.add_argument("--no-peer", action="store_true", help="skip the LangChain comparison")
    ap.add_argument("--no-ann", action="store_true", help="skip the approximate-index comparison")
    ap.add_argument("--peer-files", type=Path, nargs="+", help="seed files for the peer (default: all seeds)")
    ap.add_argument(
        "--in-process", action="store_true", help="time queries in this process (peak RSS then includes the ingest)"
    )
    ap.add_argument("--experiments", action="store_true", help="also serve with the bench/experiments.py variants")
    ap.add_argument("--variants", type=int, nargs="*", help="which of VARIANTS to serve (indexes; default all)")
    ap.add_argument("--baseline-queries", type=int, help="queries for the as-served run (default --queries)")
    ap.add_argument(
        "--pool-from", type=Path, help="index home of a real run: its vectors seed the simulated ones (default: sample)"
    )
    ap.add_argument("--json", type=Path, help="also write every figure here")
    args = ap.parse_args(argv)
    embedder = Embedder()
    print(f"machine: {machine()}")
    print(f"started: {now()} ({load()})")
    figures: dict = {"machine": machine(), "started": now(), "argv": sys.argv, "sizes": []}
    for n in args.passages:
        fig = run_size(
            n,
            args.work,
            embedder,
            args.queries,
            args.sample,
            args.real_limit,
            in_process=args.in_process,
            with_ann=not args.no_ann,
            experiments=args.experiments,
            baseline_queries=args.baseline_queries,
            pool=args.pool_from,
            variants=args.variants,
        )
        figures["sizes"].append(fig)
        print("\n".join(format_size(fig)), flush=True)
    if not args.no_peer:
        rows = peer.compare(sorted(args.peer_files or SEEDS.glob("*.txt")), embedder)
        figures["peer"] = [asdict(r) for r in rows]
        print("\n".join(format_peer(rows)))
    print(f"finished: {now()} ({load()})")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
