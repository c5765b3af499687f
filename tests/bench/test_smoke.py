"""A small benchmark run end to end with the real model: every report line there, every figure a real number."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bench import corpus, ingest_rate, run, sq8
from ingest.load import load_document

ROOT = Path(__file__).resolve().parents[2]
SEED_004 = ROOT / "corpus" / "seeds" / "004_a930b2b3540043e5.txt"
BEDFORD = ROOT / "corpus" / "ofsted-send" / "area-send-full-inspection_bedford_2025-02-04.pdf"  # 7 pages


def _numbers(line: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\.?\d*", line)]


def test_the_scale_corpus_is_deterministic_and_reads_as_council_papers(tmp_path: Path):
    a = corpus.generate(tmp_path / "a", 400, seed=7)
    b = corpus.generate(tmp_path / "b", 400, seed=7)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    docs = [load_document(p) for p in a]
    assert sum(len(d.passages) for d in docs) >= 400
    for d in docs:
        assert d.body in corpus.BODIES and d.title in corpus.TOPICS
        assert d.date and "2010" <= d.date[:4] <= "2025"
        assert corpus.MIN_PASSAGES * 0.8 <= len(d.passages)


def test_a_tiny_run_prints_every_figure(tmp_path: Path, embedder, capsys):
    # run.main's Embedder() is the session's model: a loaded model is cached by its path.
    out_json = tmp_path / "figures.json"
    run.main(
        [
            *("--passages", "150", "400", "--real-limit", "200"),  # one size embedded for real, one simulated
            *("--queries", "8", "--sample", "48", "--work", str(tmp_path), "--in-process"),
            *("--peer-files", str(SEED_004), "--json", str(out_json)),
        ]
    )
    lines = capsys.readouterr().out.splitlines()
    sizes = [ln for ln in lines if ln.startswith("== size:")]
    assert len(sizes) == 2 and "real model end to end" in sizes[0] and "simulated vectors" in sizes[1]
    for prefix in (
        "ingest: ",
        "ingest: model encode() alone",
        "ingest: overhead outside the model",
        "ingest stages outside the model",
        "query: search hybrid k=10",
        "query: ask extractive",
        "query: ask time shares",
        "memory: peak RSS serving",
        "disk: council.db",
        "ann: FlatIP (exact, served)",
        "ann: HNSWFlat M=32            efSearch=128",
        "ann: IVFFlat",
        "ann: SQ8 (flat)",
        "ann: IVF-SQ8",
    ):
        assert sum(ln.startswith(prefix) for ln in lines) >= 2, prefix
    for ln in lines:
        if ln.startswith(("query: search", "query: ask extractive", "memory:", "disk:")):
            assert all(x > 0 for x in _numbers(ln)[:3]), ln
    figures = json.loads(out_json.read_text())
    for size in figures["sizes"]:
        assert size["ingest"]["passages"] >= 150 and size["ingest"]["end_to_end_rate"] > 0
        assert size["ingest"]["model_rate"] > 0 and size["disk"]["faiss_bytes"] > 0
        assert size["serve"]["ask"]["p95"] >= size["serve"]["ask"]["median"] > 0
        assert size["serve"]["peak_rss_bytes"] > 100 * 2**20  # the model alone is more than that
        exact, *approx = size["ann"]
        assert exact["recall"] == 1.0 and all(0.0 <= r["recall"] <= 1.0 for r in approx)
    peer = [ln for ln in lines if ln.startswith("peer: ")]
    assert len(peer) == 6 and any("LangChain ensemble" in ln for ln in peer) and any("ours:" in ln for ln in peer)
    for row in figures["peer"]:
        assert row["questions"] >= 1 and 0.0 <= row["recall5"] <= 1.0 and row["chars5"] > 0 and row["median_ms"] > 0


def test_sq8_conversion_reports_its_recall_and_leaves_the_home_sq8(seed_index, tmp_path, copy_database, capsys):
    home = tmp_path / "home"
    home.mkdir()
    copy_database(seed_index.store.db, home / "council.db")
    shutil.copytree(seed_index.home / "index", home / "index")
    sq8.main(["--home", str(home)])
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["passages"] == seed_index.vectors.size and figures["recall@10"] >= 0.95
    with pytest.raises(SystemExit, match="sq8 already"):
        sq8.main(["--home", str(home)])


def test_ingest_rate_times_the_ingest_and_the_model_alone_on_the_same_passages(embedder, tmp_path, capsys):
    # Two small files, a PDF and a seed: read ahead by a thread, one model call, each document committed.
    out_json = tmp_path / "rate.json"
    figures = ingest_rate.main([str(BEDFORD), str(SEED_004), "--json", str(out_json)])
    lines = capsys.readouterr().out.splitlines()
    assert (figures.files, figures.documents, figures.pages) == (2, 2, 7)
    assert figures.passages == figures.embedded >= 50 and figures.encode_calls == 1
    assert 0 < figures.model_seconds and 0 < figures.encode_seconds < figures.ingest_seconds
    assert figures.ratio == pytest.approx(figures.ingest_rate / figures.model_rate) and figures.ratio > 0
    parts = figures.parts
    assert parts["read+segment (other thread)"] > 0 and "read+segment" not in parts  # read by the reading thread
    assert parts["COMMIT"] > 0 and parts["FAISS+BM25 save"] > 0 and parts["store rows"] > 0
    inside = sum(v for k, v in parts.items() if "(other thread)" not in k)
    assert inside <= figures.ingest_seconds * 1.01  # the main thread's stages do not overlap
    for prefix in ("end to end (ingest_paths): ", "model alone (one encode() call", "ratio end to end / model alone"):
        (line,) = [ln for ln in lines if ln.startswith(prefix)]
        assert all(x > 0 for x in _numbers(line.split(":", 1)[1])[:3]), line
    assert any(ln.strip().startswith("model encode") for ln in lines)
    saved = json.loads(out_json.read_text())
    assert saved["passages"] == figures.passages and saved["ratio"] == pytest.approx(figures.ratio)
