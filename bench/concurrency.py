"""Concurrent serving: /ask requests/s and p50/p95/p99 at 1, 4, 16 and 64 clients, against the encoder-bound limit,
and /health while an upload is ingested; the service runs in a process of its own, on loopback, over the seeds.

`python -m bench.concurrency [--home DIR] [--seconds 20]` prints one JSON object a line, then a markdown table.
Without --home the seeds are ingested into a temporary home first. The encoder-bound limit is measured in the same
run, from the embedder alone: the machine's cores / the median time to encode one dev question on one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.latency import dev_questions
from bench.system import load, machine, percentile

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
# About 600 KB each, as the upload; two, so that neither finds its passages in the embedding cache.
PAPERS = (
    ROOT / "corpus" / "kent" / "kent_council_supplement_2025-01-09.pdf",
    ROOT / "corpus" / "ofsted-ilacs" / "ilacs_brent_2015-11-30.pdf",
)
CLIENTS = (1, 4, 16, 64)
ADMIN = {"X-API-Key": "bench-admin"}


def build_home(home: Path) -> None:
    """The seeds ingested into `home`, unless it holds documents already."""
    from index.build import ingest_paths
    from index.search import Index

    index = Index(home)
    try:
        if not index.store.documents():
            print(ingest_paths(index, [SEEDS]).summary(), file=sys.stderr)
    finally:
        index.close()


def encoder_seconds(questions: list[str]) -> dict:
    """The query encoder alone: median seconds per question on one thread, and on torch's default threads."""
    import torch

    from index.embed import Embedder

    embedder = Embedder()
    default = torch.get_num_threads()
    out = {}
    for threads in (1, default):
        torch.set_num_threads(threads)
        for q in questions[:5]:
            embedder.encode([q])
        times = []
        for q in questions * 2:
            t0 = time.perf_counter()
            embedder.encode([q])
            times.append(time.perf_counter() - t0)
        out[f"median_s_{threads}_thread"] = statistics.median(times)
        # What a question costs inside a batch of 16 (as the service's encoding thread makes them under load).
        batches = [[questions[(i + j) % len(questions)] for j in range(16)] for i in range(0, 2 * len(questions), 16)]
        times = []
        for batch in batches:
            t0 = time.perf_counter()
            embedder.encode(batch)
            times.append((time.perf_counter() - t0) / 16)
        out[f"batch16_s_per_question_{threads}_thread"] = statistics.median(times)
    torch.set_num_threads(default)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(home: Path, port: int, threads: int | None = None, workers: int = 1) -> subprocess.Popen:
    """`council serve` on loopback in a process of its own, once it answers /health; `threads`: torch's (OpenMP's)."""
    env = {**os.environ, "COUNCIL_HOME": str(home), "COUNCIL_API_KEYS": "bench-admin:admin", "COUNCIL_LLM_MODEL": ""}
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    serve = ["serve", "--port", str(port)] + (["--workers", str(workers)] if workers > 1 else [])
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *serve], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(1200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the service exited at start-up")
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the service did not start")


WRK_SCRIPT = """
local bodies = {%s}
local counter, i = 0, 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
setup = function(thread) thread:set("start", counter); counter = counter + 7 end
init = function(args) i = start end
request = function() i = i %% #bodies + 1; return wrk.format(nil, nil, nil, bodies[i]) end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%f %%f %%f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def load_run(url: str, clients: int, seconds: float, questions: list[str], path: str = "/ask") -> dict:
    """`clients` connections asking in a loop for `seconds`, from wrk (one C thread, its own process, so the load
    generator takes little of the cores the service runs on): requests/s and latency percentiles (ms)."""
    if shutil.which("wrk") is None:
        raise SystemExit("bench.concurrency needs wrk as its load generator: apt-get install wrk")
    bodies = ",".join("[==[" + json.dumps({"question": q}) + "]==]" for q in questions)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % bodies)
        script.flush()
        out = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "120s", "-s", script.name, url + path],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    result = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    requests, micros, failures, p50, p95, p99 = result.split()[1:]
    return {"clients": clients, "requests": int(requests), "failures": int(failures),
            "rps": int(requests) / (int(micros) / 1e6), "p50_ms": float(p50), "p95_ms": float(p95),
            "p99_ms": float(p99)}  # fmt: skip


def _percentiles(ms: list[float]) -> dict:
    if not ms:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    return {"p50_ms": percentile(ms, 0.50), "p95_ms": percentile(ms, 0.95), "p99_ms": percentile(ms, 0.99)}


def during_ingest(url: str, paper: Path, questions: list[str], askers: int) -> dict:
    """An upload of `paper` as a background job; meanwhile one client polls /health and `askers` clients ask."""
    with httpx.Client(base_url=url, timeout=300) as c:
        with paper.open("rb") as fh:
            r = c.post("/documents", params={"wait": "false"}, files={"file": (paper.name, fh)}, headers=ADMIN)
        r.raise_for_status()
        job_id = r.json()["job_id"]
        started = time.perf_counter()
        health: list[float] = []
        done = threading.Event()
        asks: dict = {}

        def ask() -> None:
            while not done.is_set():
                asks.setdefault("runs", []).append(load_run(url, askers, 2.0, questions))

        asker = threading.Thread(target=ask if askers else done.wait)
        asker.start()
        status = "queued"
        while status in ("queued", "running"):
            t0 = time.perf_counter()
            c.get("/health").raise_for_status()
            health.append((time.perf_counter() - t0) * 1e3)
            job = c.get(f"/documents/jobs/{job_id}", headers=ADMIN).json()
            status = job["status"]
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        done.set()
        asker.join()
        if job["status"] == "done":
            c.delete(f"/documents/{job['result']['doc_id']}", headers=ADMIN)  # leave the home as it was
    runs = asks.get("runs", [])
    return {
        "paper": paper.name, "bytes": paper.stat().st_size, "job": job["status"], "error": job.get("error"),
        "passages": (job.get("result") or {}).get("passages"), "ingest_seconds": seconds,
        "health_requests": len(health), "health": _percentiles(health),
        "ask_clients": askers, "ask_rps": statistics.mean(r["rps"] for r in runs) if runs else 0.0,
        "ask_p99_ms": max((r["p99_ms"] for r in runs), default=0.0),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, help="a home holding the seeds (default: a temporary one, built first)")
    ap.add_argument("--seconds", type=float, default=20.0, help="per client count")
    ap.add_argument("--papers", type=Path, nargs=2, default=PAPERS, help="uploaded while /health is measured")
    ap.add_argument("--clients", type=int, nargs="+", default=CLIENTS, help="client counts to measure")
    ap.add_argument("--server-threads", type=int, help="OMP_NUM_THREADS for the service (an experiment)")
    ap.add_argument("--workers", type=int, default=1, help="server processes (council serve --workers)")
    ap.add_argument("--repeat", type=int, default=1, help="rows measured per client count")
    ap.add_argument("--no-ingest", action="store_true", help="skip /health during uploads")
    args = ap.parse_args()
    questions = dev_questions()
    with tempfile.TemporaryDirectory(prefix="council-bench-") as tmp:
        home = args.home or Path(tmp)
        build_home(home)
        encoder = {"load": load(), **encoder_seconds(questions)}
        cores = os.cpu_count() or 1
        encoder["limit_rps"] = cores / encoder["median_s_1_thread"]
        print(json.dumps({"machine": machine(), "encoder": encoder}))
        port = free_port()
        proc = start_service(home, port, args.server_threads, args.workers)
        url = f"http://127.0.0.1:{port}"
        try:
            load_run(url, 4, 3.0, questions)  # warm: lazy imports, SQLite's page cache, each thread's connection
            rows = []
            for clients in [c for c in args.clients for _ in range(args.repeat)]:
                before = load()
                row = {**load_run(url, clients, args.seconds, questions), "load_before": before, "load_after": load()}
                row["of_limit"] = row["rps"] / encoder["limit_rps"]
                rows.append(row)
                print(json.dumps(row))
            ingests = []
            papers = [] if args.no_ingest else args.papers
            for askers, paper in zip((0, 4), papers, strict=False):  # /health alone, then with clients asking
                ingests.append({**during_ingest(url, paper, questions, askers), "load_after": load()})
                print(json.dumps(ingests[-1]))
        finally:
            proc.terminate()
            proc.wait(30)
    print(table(encoder, cores, rows, ingests))


def table(encoder: dict, cores: int, rows: list[dict], ingests: list[dict]) -> str:
    """The figures as docs/benchmarks.md shows them."""
    one, default = encoder["median_s_1_thread"] * 1e3, min(v for k, v in encoder.items() if k.startswith("median_s"))
    lines = [
        f"\nencoder: {one:.1f} ms a question on one thread ({default * 1e3:.1f} ms at best on torch's threads);"
        f" limit {cores} cores / {one:.1f} ms = {encoder['limit_rps']:.1f} requests/s ({encoder['load']})\n",
        "| clients | requests/s | of limit | p50 ms | p95 ms | p99 ms | load before -> after |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['clients']} | {r['rps']:.1f} | {r['of_limit']:.0%} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f}"
            f" | {r['p99_ms']:.0f} | {r['load_before'][5:]} -> {r['load_after'][5:]} |"
        )
    for ingest in ingests:
        h = ingest["health"]
        asking = f"/ask at {ingest['ask_clients']} clients meanwhile" if ingest["ask_clients"] else "no /ask meanwhile"
        lines.append(
            f"\nwhile {ingest['paper']} ({ingest['bytes'] / 1e3:.0f} KB, {ingest['passages']} passages) was ingested"
            f" in {ingest['ingest_seconds']:.1f} s ({ingest['job']}), {asking}: /health p50 {h['p50_ms']:.1f} ms,"
            f" p95 {h['p95_ms']:.1f} ms, p99 {h['p99_ms']:.1f} ms over {ingest['health_requests']} requests"
            + (
                f"; /ask {ingest['ask_rps']:.1f} requests/s, p99 {ingest['ask_p99_ms']:.0f} ms"
                if ingest["ask_clients"]
                else ""
            )
            + f" ({ingest['load_after']})"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
