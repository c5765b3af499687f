import json
import re

from eval_cases import F1, bad_output, good_output, near_miss, question

from evals.html_report import render_html, write_html
from evals.report import format_table, read_json, write_json
from evals.run import score_answers

QS = [
    question("q1", "number"),
    question("q2", "fact", text="What did <script>alert('x')</script> & co say?"),
    question("u1", "unanswerable"),
]


def result():
    outputs = {"q1": good_output(QS[0]), "q2": bad_output(QS[1]), "u1": {"answer": "<b>Guess</b>", "abstained": False}}
    return score_answers(QS, outputs, dataset="dev.jsonl", split="report")


def test_table_lists_metrics_with_ci_and_n_then_types():
    text = format_table(result())
    assert "key_fact_recall" in text and "95% CI" in text and "recall@5" in text
    assert re.search(r"^pass_rate\s+0\.333\s+\[", text, re.MULTILINE)
    type_rows = text.split("abst recall")[1]
    assert "number" in type_rows and "unanswerable" in type_rows


def test_json_holds_everything_and_is_deterministic(tmp_path):
    write_json(result(), tmp_path / "a.json")
    write_json(result(), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    data = read_json(tmp_path / "a.json")
    assert data["dataset"] == "dev.jsonl" and data["split"] == "report" and data["seed"] == 0
    assert set(data["metrics"]["key_fact_recall"]) == {"value", "low", "high", "n"}
    assert data["by_type"]["number"]["n"] == 1
    q2 = next(q for q in data["questions"] if q["id"] == "q2")
    assert q2["failed"] and q2["missed_facts"] == ["559 days"] and q2["citations"][0]["supported"] is False
    json.dumps(data, allow_nan=False)


def test_html_is_self_contained_and_escaped(tmp_path):
    write_html(result(), tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page == render_html(result())
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "http" not in page and "<link" not in page and "@import" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;Guess&lt;/b&gt;" in page
    assert "<h1>" in page and "<th scope='col'>" in page and '<svg role="img"' in page and "lang='en'" in page
    assert "answered an unanswerable question" in page and "unsupported" in page


def split_result():
    """A supported answer citing a passage without evidence, and a near-miss question answered."""
    off_topic = {
        "answer": "The meeting closed at 4pm. [1]",
        "citations": [{"n": 1, "file": F1, "text": "The meeting closed at 4pm."}],
        "sentences": [{"text": "The meeting closed at 4pm.", "citations": [1]}],
    }
    qs = [question("q1"), near_miss("n1"), question("u1", "unanswerable")]
    outputs = {"q1": off_topic, "n1": bad_output(qs[1]), "u1": good_output(qs[2])}
    return score_answers(qs, outputs)


def test_reports_keep_precision_support_and_near_miss_apart(tmp_path):
    result = split_result()
    text = format_table(result)
    assert re.search(r"^citation_precision\s+0\.000", text, re.MULTILINE)
    assert re.search(r"^citation_support\s+1\.000", text, re.MULTILINE)
    assert re.search(r"^near_miss_abstention\s+0\.000", text, re.MULTILINE)
    header = next(line for line in text.splitlines() if line.startswith("type"))
    assert "cit prec  cit support" in header and header.endswith("abst recall  near miss")
    rows = {line.split()[0]: line.split()[2:] for line in text.splitlines()[-2:]}
    assert rows["number"][1:3] == ["0.000", "1.000"]  # cit prec, cit support
    assert rows["unanswerable"][-2:] == ["0.500", "0.000"]  # abst recall, near miss
    write_json(result, tmp_path / "r.json")
    data = read_json(tmp_path / "r.json")
    assert {"citation_precision", "citation_support", "near_miss_abstention"} <= set(data["metric_names"])
    assert data["by_type"]["unanswerable"]["metrics"]["near_miss_abstention"]["value"] == 0.0
    q1, n1, _ = data["questions"]
    assert q1["citations"][0]["relevant"] is False and q1["citations"][0]["supported"] is True
    assert "citations holding no evidence: [1]" in q1["reasons"]
    assert n1["near_miss"] is True and n1["reasons"] == ["answered an unanswerable (near-miss) question"]
    page = render_html(result)
    assert "no evidence" in page and "1 of 1 citing sentence(s)" in page and "near miss" in page
    assert "citation_support" in page and "near_miss_abstention" in page
