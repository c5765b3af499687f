"""What an index must hold after a crash, as lists of problems: shared by tests/index/test_crash.py and
bench/kill_loop.py, so the test and the kill loop check the same things."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from subprocess import Popen
from typing import IO

import faiss
import numpy as np

from index import lexical
from index.embed import embed_texts
from index.search import Filters, Index

ACCESS = ("public", "restricted")
ROOT = Path(__file__).resolve().parents[1]
# The ingest a crash test or the kill loop kills: argv home, folder, passages a model call, passages a generation,
# and "hold" to sleep once done (a kill after the ingest finished). It says "loaded", "file NAME" and "done ...".
_WORKER = """
import sys, time
from pathlib import Path
from index import build
from index.search import Index

build.ENCODE_GROUP = int(sys.argv[3])
build.SAVE_MIN_PASSAGES = int(sys.argv[4])
index = Index(Path(sys.argv[1]))
print("loaded", flush=True)
report = build.ingest_paths(index, [Path(sys.argv[2])], progress=lambda p: print("file", p.name, flush=True))
index.close()
print("done", report.summary(), flush=True)
if sys.argv[5] == "hold":
    time.sleep(120)
"""


def start_ingest(home: Path, folder: Path, out: IO[str], group: int, save_min: int, hold: bool = False) -> Popen:
    """The ingest of `folder` into `home` in a child process (which loads the model itself), its stdout to `out`:
    `group` passages a model call and a generation every `save_min`, so kills land between commits and saves."""
    cmd = [sys.executable, "-c", _WORKER, str(home), str(folder), str(group), str(save_min), "hold" if hold else "exit"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL, env=env)


def index_problems(index: Index) -> list[str]:
    """Where the store, FAISS, FTS5 and BM25 disagree on which passages exist (empty when they agree)."""
    store = set(index.store.all_passage_ids())
    held = {
        "faiss": set(faiss.vector_to_array(index.vectors.index.id_map).tolist()),
        "fts": {r[0] for r in index.store.db.execute("SELECT rowid FROM passages_fts")},
        "bm25": set(np.flatnonzero(index.bm25.live).tolist()),
    }
    out = [f"{name} holds {len(ids - store)} passages the store does not" for name, ids in held.items() if ids - store]
    out += [f"{name} lacks {len(store - ids)} stored passages" for name, ids in held.items() if store - ids]
    if index.vectors.size != len(store):
        out.append(f"faiss has {index.vectors.size} vectors for {len(store)} passages")
    return out


def half_documents(index: Index, expected: Mapping[str, int], rnd: random.Random, sample: int = 3) -> list[str]:
    """Stored documents that are not whole: a passage count other than its reader's (`expected`, by doc_id), two
    versions of one source, or sampled passages that the dense or lexical ranker does not find as themselves."""
    store = index.store
    docs = store.documents(access=ACCESS)
    out = [f"{src}: {n} versions stored" for src, n in Counter(d["source"] for d in docs).items() if n > 1]
    for d in docs:
        doc = store.document(d["doc_id"], access=ACCESS)
        counts = (len(doc.passages), d["passage_count"], expected.get(d["doc_id"]))
        if len(set(counts)) != 1:
            out.append(f"{d['source']}: {counts[0]} passages, {counts[1]} counted, reader has {counts[2]}")
            continue
        only = Filters(doc_id=d["doc_id"])
        # What the model read for each passage: a plan's sub-item is embedded with its item (ingest/parents.py).
        read = dict(zip((p.ordinal for p in doc.passages), embed_texts(doc.passages, doc.title), strict=True))
        for p in rnd.sample(doc.passages, min(sample, len(doc.passages))):
            pid = store.passage_id(d["doc_id"], p.ordinal)
            dense = index.search(read[p.ordinal], k=5, filters=only, access=ACCESS, mode="dense")
            words = lexical.query_terms(p.text)  # a passage of stopwords alone has nothing to be found by
            found = index.search(p.text, k=50, filters=only, access=ACCESS, mode="lexical") if words else dense
            if pid not in {h.id for h in dense} or pid not in {h.id for h in found}:
                out.append(f"{d['source']}: passage {p.label} not found by its own text")
    return out


def stray_files(home: Path, index: Index) -> list[str]:
    """Files in the index folder other than the current FAISS and BM25 generations (a .tmp, an old generation)."""
    keep = {f"vectors-{index.store.get_meta('vectors_generation')}.faiss"}
    keep.add(f"bm25-{index.store.get_meta('bm25_generation')}.npz")
    folder = home / "index"
    return sorted(f.name for f in folder.iterdir() if f.name not in keep) if folder.is_dir() else []
