"""Questions from many threads encoded together: one model call for every question waiting, not one each.

A model call has a fixed cost (tokenising, the module calls around the kernels, all holding the GIL) that a batch
of short questions shares. Requests hand their question to one encoding thread and wait; that thread takes every
question waiting (up to `batch`) into one call, so batches form by themselves under load and a lone question is
encoded at once, never held back for company. Several texts at once (an ingest's passages) go straight to the model.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field

import numpy as np

from index.embed import Embedder


@dataclass
class _Waiting:
    text: str
    done: threading.Event = field(default_factory=threading.Event)
    vector: np.ndarray | None = None
    error: BaseException | None = None


class BatchedEmbedder:
    """An Embedder whose one-text calls (questions) share model calls with other threads' questions."""

    def __init__(self, embedder: Embedder, batch: int = 32) -> None:
        self.embedder = embedder
        self.name, self.dim, self.model = embedder.name, embedder.dim, embedder.model
        self.batch = batch
        self._queue: queue.SimpleQueue[_Waiting] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row a text, as Embedder.encode gives them."""
        if len(texts) != 1 or self.batch <= 1:
            return self.embedder.encode(texts)
        waiting = _Waiting(texts[0])
        self._start()
        self._queue.put(waiting)
        waiting.done.wait()
        if waiting.error is not None:
            raise waiting.error
        return waiting.vector[None, :]

    def _start(self) -> None:
        if self._thread is None:
            with self._starting:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="council-encode", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                vecs = self.embedder.encode([w.text for w in batch])
                for w, v in zip(batch, vecs, strict=True):
                    w.vector = v
            except BaseException as e:  # noqa: BLE001 - each waiting question hears of it, as a call alone would
                for w in batch:
                    w.error = e
            for w in batch:
                w.done.set()
