"""Hand-made questions and outputs shared by the evaluation tests."""

from __future__ import annotations

from dataclasses import replace

from evals.dataset import Evidence, Question

F1 = "001_91430a77e23df6d2.txt"
F2 = "002_d9cb9d1c97fa0289.txt"
WAIT_QUOTE = "The average wait is 559 days, and the longest wait is 811 days."
CASELOAD_QUOTE = "Average caseloads for social workers have fallen to 18 children per worker."


def question(
    qid: str,
    qtype: str = "number",
    answer: str = "The average wait is 559 days.",
    key_facts: tuple[str, ...] = ("559 days",),
    evidence: tuple[Evidence, ...] = (Evidence(F1, WAIT_QUOTE),),
    text: str = "How long is the wait?",
) -> Question:
    """An answerable question (or unanswerable when qtype is "unanswerable")."""
    if qtype == "unanswerable":
        return Question(qid, text, qtype, "", (), (), "report")
    return Question(qid, text, qtype, answer, key_facts, evidence, "report")


def near_miss(qid: str, text: str = "How long is the wait for a dyslexia assessment?") -> Question:
    """An unanswerable question close to what the papers say (they give the autism wait, not this one)."""
    return replace(question(qid, "unanswerable", text=text), near_miss=True)


def good_output(q: Question) -> dict:
    """A correct, fully cited answer (or an abstention on an unanswerable question).

    Its reported sentences are the evidence quotes, each citing its own passage, as a perfect extractive answerer's
    would be; the answer text is the reference answer, so every metric scores 1.0 (0.0 for the error rates).
    """
    if not q.answerable:
        return {"answer": "", "abstained": True, "citations": []}
    cites = [{"n": i, "file": e.file, "text": e.quote} for i, e in enumerate(q.evidence, 1)]
    markers = "".join(f"[{c['n']}]" for c in cites)
    return {
        "answer": f"{q.answer} {markers}",
        "abstained": False,
        "citations": cites,
        "sentences": [{"text": c["text"], "citations": [c["n"]]} for c in cites],
        "passages": cites,
        "latency_ms": 10.0,
    }


def bad_output(q: Question) -> dict:
    """A wrong answer whose only citation supports nothing."""
    return {
        "answer": "The weather was fine [1].",
        "abstained": False,
        "citations": [{"n": 1, "file": F2, "text": "Members noted the weather."}],
        "sentences": [{"text": "The weather was fine.", "citations": [1]}],
        "passages": [{"n": 1, "file": F2, "text": "Members noted the weather."}],
        "latency_ms": 30.0,
    }
