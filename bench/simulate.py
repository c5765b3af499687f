"""Stand-ins for the model at sizes 2 cores cannot embed, and a timer around whichever embedder is used.

Embedding 100k or 1M passages with the real model would take hours here, so at those sizes a passage's
vector is a real model vector of a sampled passage of the same corpus, picked by the text's hash, plus
N(0, sigma^2) noise per dimension, renormalised. FAISS, FTS5 and the store then do their real work on the
real synthetic texts; only the model's own time is left out, and reported from the sample's encode rate.
"""

from __future__ import annotations

import time
import zlib

import numpy as np

SIGMA = 0.02  # per dimension: at 384 dimensions a copy keeps a cosine of about 0.93 to its source vector


class PerturbedEmbedder:
    """Real sample vectors, repeated with small Gaussian noise; the same text gets the same source vector."""

    def __init__(self, name: str, pool: np.ndarray, sigma: float = SIGMA, seed: int = 0) -> None:
        self.name = name  # the real model's name, so the store is later opened with the real model
        self.pool = np.ascontiguousarray(pool, dtype=np.float32)
        self.dim = int(pool.shape[1])
        self.batch_size = 64
        self.sigma = sigma
        self.rng = np.random.default_rng(seed)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = np.fromiter((zlib.crc32(t.encode("utf-8")) % len(self.pool) for t in texts), np.int64, len(texts))
        vecs = self.pool[rows] + self.sigma * self.rng.standard_normal((len(texts), self.dim), dtype=np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs


class TimedEmbedder:
    """Wraps an embedder and adds up the seconds and texts that went through encode()."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.batch_size = inner.batch_size
        self.seconds = 0.0
        self.texts = 0
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        t0 = time.perf_counter()
        out = self.inner.encode(texts)
        self.seconds += time.perf_counter() - t0
        self.texts += len(texts)
        self.calls += 1
        return out
