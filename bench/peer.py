"""The peer: the standard LangChain recipe over the same seed papers, scored beside our hybrid search.

Recipe: each file read whole, RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), the same
embedding model (our Embedder behind LangChain's Embeddings interface), LangChain's FAISS vector store, BM25
over the same chunks (BM25Retriever, default whitespace tokens) and an EnsembleRetriever of both with equal
weights. Scored on the report split's answerable questions with the eval harness's own matcher.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings

from bench.system import load, summary
from evals.dataset import Question, load_dataset
from evals.outputs import Passage
from evals.retrieval import score_retrieval
from index.build import ingest_paths
from index.search import Index

DEV = Path(__file__).resolve().parents[1] / "evals" / "data" / "dev.jsonl"
DEPTH = 10  # retrieved per question: recall and characters read at 5, MRR at 10

Retriever = Callable[[str], list[Passage]]


class ModelEmbeddings(Embeddings):
    """Our loaded model as LangChain embeddings (langchain_huggingface is not installed, nor needed)."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode([text])[0].tolist()


@dataclass(frozen=True)
class PeerRow:
    """One retriever's figures on the report split."""

    system: str
    units: int  # passages or chunks indexed
    unit_chars: float  # their mean length
    build_s: float
    recall5: float
    mrr10: float
    chars5: float  # characters in the top 5: what a reader must read
    median_ms: float
    p95_ms: float
    questions: int
    load: str


def report_questions(path: Path = DEV) -> list[Question]:
    """The report split's answerable questions (those with evidence to find)."""
    return [q for q in load_dataset(path, split="report") if q.answerable and q.evidence]


def langchain_retrievers(seeds: list[Path], embedder) -> tuple[dict[str, Retriever], int, float, float]:
    """The recipe's three retrievers over the seeds, the chunk count, mean chunk length and build seconds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # langchain_community warns that it is being sunset
        from langchain_classic.retrievers import EnsembleRetriever
        from langchain_community.retrievers import BM25Retriever
        from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    t0 = time.perf_counter()
    docs = [LCDocument(page_content=p.read_text(encoding="utf-8"), metadata={"source": p.name}) for p in seeds]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    store = FAISS.from_documents(chunks, ModelEmbeddings(embedder))
    dense = store.as_retriever(search_kwargs={"k": DEPTH})
    bm25 = BM25Retriever.from_documents(chunks, k=DEPTH)
    hybrid = EnsembleRetriever(retrievers=[bm25, dense], weights=[0.5, 0.5])
    build = time.perf_counter() - t0

    def run(retriever) -> Retriever:
        return lambda q: [Passage(d.metadata["source"], d.page_content) for d in retriever.invoke(q)[:DEPTH]]

    retrievers = {"LangChain ensemble (BM25 + FAISS, 0.5/0.5)": run(hybrid), "LangChain FAISS": run(dense)}
    retrievers["LangChain BM25"] = run(bm25)
    return retrievers, len(chunks), statistics.fmean(len(c.page_content) for c in chunks), build


def our_retrievers(home: Path, seeds: list[Path], embedder) -> tuple[dict[str, Retriever], Index, int, float, float]:
    """Our index over the same seeds (ingest_paths into `home`), searched hybrid, dense and lexical."""
    t0 = time.perf_counter()
    index = Index(home, embedder.name, embedder=embedder)
    report = ingest_paths(index, seeds)
    build = time.perf_counter() - t0
    texts = [p.text for _, p in index.store.iter_passages()]

    def run(mode: str) -> Retriever:
        return lambda q: [Passage(h.doc["source"], h.passage.text) for h in index.search(q, k=DEPTH, mode=mode)]

    retrievers = {
        "ours: Index.search hybrid": run("hybrid"),
        "ours: dense": run("dense"),
        "ours: lexical": run("lexical"),
    }
    return retrievers, index, report.passages, statistics.fmean(len(t) for t in texts), build


def score(
    name: str, retrieve: Retriever, questions: list[Question], units: int, unit_chars: float, build: float, repeat: int
) -> PeerRow:
    """Evidence recall@5, MRR@10 and characters in the top 5 (first pass), latency over `repeat` passes."""
    ms: list[float] = []
    recall5, mrr, chars = [], [], []
    for r in range(repeat):
        for q in questions:
            t0 = time.perf_counter()
            got = retrieve(q.question)
            ms.append((time.perf_counter() - t0) * 1e3)
            if r == 0:
                values = score_retrieval(got, q.evidence).values
                recall5.append(values["recall@5"])
                mrr.append(values["mrr@10"])
                chars.append(sum(len(p.text) for p in got[:5]))
    s = summary(ms)
    return PeerRow(
        name,
        units,
        unit_chars,
        build,
        statistics.fmean(recall5),
        statistics.fmean(mrr),
        statistics.fmean(chars),
        s["median"],
        s["p95"],
        len(questions),
        load(),
    )


def compare(seeds: list[Path], embedder, repeat: int = 3, questions: list[Question] | None = None) -> list[PeerRow]:
    """Ours and the LangChain recipe, side by side, on the same seeds and questions."""
    names = {p.name for p in seeds}
    if questions is None:  # over a subset of the seeds, only the questions whose evidence is all inside it
        questions = [q for q in report_questions() if all(ev.file in names for ev in q.evidence)]
    rows: list[PeerRow] = []
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
        ours, index, n, mean_len, build = our_retrievers(Path(tmp), seeds, embedder)
        try:
            for name, retrieve in ours.items():
                retrieve(questions[0].question)  # warm
                rows.append(score(name, retrieve, questions, n, mean_len, build, repeat))
        finally:
            index.close()
    lc, n, mean_len, build = langchain_retrievers(seeds, embedder)
    for name, retrieve in lc.items():
        retrieve(questions[0].question)
        rows.append(score(name, retrieve, questions, n, mean_len, build, repeat))
    return rows
