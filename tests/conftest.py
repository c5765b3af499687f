"""Session fixtures: the seed papers, loaded once; the model, loaded once; the seed index, built once."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.load import load_document
from ingest.models import Document

# Before any test module imports sentence-transformers (index.embed loads it lazily): never reach for a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from corpus_papers import CORPUS, PDF_FOLDERS, SEEDS, corpus_files


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of the five seed papers (000..004)."""
    return SEEDS


@pytest.fixture(scope="session")
def seed_docs(seeds_dir: Path) -> dict[str, Document]:
    """Each seed file name -> its loaded Document."""
    return {path.name: load_document(path) for path in sorted(seeds_dir.glob("*.txt"))}


@pytest.fixture(scope="session")
def corpus_docs(seed_docs: dict[str, Document]) -> dict[str, Document]:
    """Each corpus file name (seeds and PDFs) -> its loaded Document, read once for the session."""
    return {path.name: seed_docs.get(path.name) or load_document(path) for path in corpus_files()}


@pytest.fixture(scope="session")
def embedder():
    """The bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    from index.embed import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, embedder) -> Iterator:
    """An Index over the five seeds, built once per session; tests must not change it."""
    from index.build import ingest_paths
    from index.search import Index

    index = Index(tmp_path_factory.mktemp("seed_home"), embedder=embedder)
    report = ingest_paths(index, [seeds_dir])
    assert len(report.added) == 5 and report.failed == [], report.summary()
    yield index
    index.close()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator:
    """An Index over every paper the project ships (seeds and real PDFs), built once per session; read only."""
    from index.build import ingest_paths
    from index.search import Index

    index = Index(tmp_path_factory.mktemp("corpus_home"), embedder=embedder)
    report = ingest_paths(index, [SEEDS, *(CORPUS / folder for folder in PDF_FOLDERS)])
    assert report.failed == [] and len(report.added) == len(corpus_files()), report.summary()
    yield index
    index.close()


@pytest.fixture(scope="session")
def copy_database() -> Callable[[sqlite3.Connection, Path], None]:
    """Copy an open store's database to a path (SQLite's backup API: consistent while the source is in use)."""

    def copy(src: sqlite3.Connection, path: Path) -> None:
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()

    return copy
