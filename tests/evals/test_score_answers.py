import json

import pytest
from eval_cases import CASELOAD_QUOTE, F1, F2, WAIT_QUOTE, good_output, near_miss, question

from evals.dataset import Evidence
from evals.metrics import METRICS
from evals.outputs import load_answers
from evals.run import run_eval, score_answers

QS = [
    question("q1", evidence=(Evidence(F1, WAIT_QUOTE), Evidence(F2, CASELOAD_QUOTE)), key_facts=("559 days", "18")),
    question("q2"),
    question("u1", "unanswerable"),
]


def test_external_answers_jsonl(tmp_path):
    lines = [
        {
            "id": "q1",
            "answer": "The average wait is 559 days [1], and caseloads fell [2].",
            "abstained": False,
            "citations": [{"file": F1, "text": WAIT_QUOTE}, {"file": F2, "text": "Nothing relevant here."}],
        },
        {"id": "u1", "answer": "", "abstained": True, "citations": []},
    ]
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    outputs = load_answers(path)
    assert [c["n"] for c in outputs["q1"]["citations"]] == [1, 2]
    result = score_answers(QS, outputs)
    q1, q2, u1 = result.questions
    assert q1.values["citation_precision"] == 0.5 and q1.values["citation_recall"] == 0.5
    assert q1.values["citation_support"] == 0.5  # [1] bears out the one sentence citing both; [2] does not
    assert q1.values["key_fact_recall"] == 0.5 and q1.missed_facts == ("18",)
    assert q2.reasons[0] == "error: no output" and q2.values["key_fact_recall"] == 0.0
    assert not u1.failed
    # External systems report neither rankings nor latency: those metrics are simply absent.
    assert "recall@5" not in result.metrics and "latency_p50_ms" not in result.metrics


def test_run_eval_times_answers_and_records_errors():
    calls = []

    def answer(q):
        calls.append(q.id)
        if q.id == "q2":
            raise RuntimeError("index missing")
        if q.id == "u1":
            return {"answer": "", "abstained": True, "latency_ms": 123.0}
        return {"answer": "559 days", "abstained": False, "citations": []}

    progress = []
    result = run_eval(QS, answer, progress=lambda done, total: progress.append((done, total)))
    assert calls == ["q1", "q2", "u1"] and progress[-1] == (3, 3)
    q1, q2, u1 = result.questions
    assert q1.latency_ms is not None and q1.latency_ms >= 0
    assert u1.latency_ms == 123.0
    assert q2.reasons[0] == "error: RuntimeError: index missing"
    assert "no citations" in q1.reasons
    assert result.split == "report"
    with pytest.raises(RuntimeError):
        run_eval(QS, answer, catch_errors=False)


def test_a_perfect_system_scores_one_on_every_metric():
    both = (Evidence(F1, WAIT_QUOTE), Evidence(F2, CASELOAD_QUOTE))
    answer = "The average wait is 559 days and caseloads fell to 18 children per worker."
    qs = [question("q1"), question("m1", "multi", answer, ("559 days", "18"), both), *QS[2:], near_miss("n1")]
    result = score_answers(qs, {q.id: good_output(q) for q in qs})
    assert result.failures == []
    assert set(result.metrics) == {spec.name for spec in METRICS}
    # One passage per quote: at rank 1 the two-quote question can only have found half its evidence.
    assert result.metrics["recall@1"].value == 0.75
    for spec in METRICS:
        if not spec.name.startswith("latency") and spec.name != "recall@1":
            assert result.metrics[spec.name].value == (1.0 if spec.higher_is_better else 0.0), spec.name
