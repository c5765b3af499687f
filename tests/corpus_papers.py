"""Where the papers the project ships lie: the seeds and the real PDFs (imported by conftest and tests)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEEDS = CORPUS / "seeds"
PDF_FOLDERS = ("kent", "ofsted-ilacs", "ofsted-send")  # real PDFs as councils and Ofsted publish them


def corpus_files() -> list[Path]:
    """Every paper the project ships: the five seed texts, then the real PDFs, in a stable order."""
    pdfs = [p for folder in PDF_FOLDERS for p in sorted((CORPUS / folder).glob("*.pdf"))]
    return sorted(SEEDS.glob("*.txt")) + pdfs
