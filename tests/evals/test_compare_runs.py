import pytest
from eval_cases import bad_output, good_output, question

from evals.compare import compare, format_comparison
from evals.report import write_json
from evals.run import score_answers

QS = [question(f"q{i:02d}") for i in range(40)]


def run(n_good: int):
    return score_answers(QS, {q.id: (good_output(q) if i < n_good else bad_output(q)) for i, q in enumerate(QS)})


def test_a_clear_improvement_is_significant(tmp_path):
    old, new = run(10), run(34)
    write_json(old, tmp_path / "old.json")
    c = compare(tmp_path / "old.json", new)
    kfr = c.change("key_fact_recall")
    assert kfr.old == pytest.approx(0.25) and kfr.new == pytest.approx(0.85) and kfr.diff == pytest.approx(0.6)
    assert kfr.significant and kfr.low > 0 and kfr.verdict == "better"
    assert c.change("latency_p50_ms").verdict == "better"  # good answers report 10 ms, bad ones 30 ms
    assert c.newly_passed == tuple(f"q{i:02d}" for i in range(10, 34))
    assert c.newly_failed == ()
    assert c.n_common == 40
    text = format_comparison(c)
    assert "key_fact_recall" in text and "better" in text and "fail -> pass (24)" in text


def test_an_identical_run_is_not_significant():
    a = run(20)
    c = compare(a.to_dict(), a)
    assert all(not m.significant and m.diff == 0 for m in c.changes)
    assert c.newly_failed == () and c.newly_passed == ()


def test_regressions_are_listed_with_their_reasons():
    c = compare(run(20), run(18))
    assert [qid for qid, _ in c.newly_failed] == ["q18", "q19"]
    assert any("missed key facts" in r for r in c.newly_failed[0][1])
    assert c.to_dict()["newly_failed"][0]["id"] == "q18"


def test_precision_and_pass_rate_are_not_compared_with_a_run_from_before_support_was_split_out():
    new = run(20)
    old = new.to_dict()
    for q in old["questions"]:  # what a report written under the earlier definition holds
        q["values"].pop("citation_support", None)
    c = compare(old, new)
    assert c.redefined == ("pass_rate", "citation_precision")
    names = [m.name for m in c.changes]
    assert "citation_precision" not in names and "pass_rate" not in names and "key_fact_recall" in names
    assert "not compared (the old run used an earlier definition): pass_rate, citation_precision" in format_comparison(
        c
    )
    assert compare(new, new).redefined == ()
