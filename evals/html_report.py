"""A self-contained HTML report: inline CSS and SVG, every text escaped, readable without any network."""

from __future__ import annotations

from html import escape
from pathlib import Path

from evals.charts import bar_chart
from evals.citations import CitationVerdict
from evals.metrics import METRICS
from evals.report import TYPE_COLUMNS, format_ci, format_value
from evals.result import EvalResult
from evals.score import QuestionRecord

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff;
max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1,h2,h3{line-height:1.2}h2{border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.95rem}
th,td{border:1px solid #8a8a8a;padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:#e8eef5}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.3rem 0}
.ok{color:#1d5e20;font-weight:600}.bad{color:#a01010;font-weight:600}
.q{border:1px solid #8a8a8a;border-radius:4px;padding:.2rem 1rem 1rem;margin:1.2rem 0}
blockquote{margin:.4rem 0;padding:.3rem .8rem;border-left:4px solid #8a8a8a;background:#f4f4f4}
.meta{color:#333}
"""


def _metrics_table(result: EvalResult) -> str:
    rows = []
    for spec in METRICS:
        m = result.metrics.get(spec.name)
        if m is None:
            continue
        rows.append(
            f"<tr><th scope='row'>{escape(m.name)}</th><td class='num'>{format_value(m.name, m.value)}</td>"
            f"<td class='num'>{format_ci(m)}</td><td class='num'>{m.n}</td><td>{escape(spec.group)}</td>"
            f"<td>{escape(spec.description)}{'' if spec.higher_is_better else ' (lower is better)'}</td></tr>"
        )
    head = "".join(f"<th scope='col'>{h}</th>" for h in ("Metric", "Value", "95% CI", "n", "Group", "Meaning"))
    caption = "<caption>Means over the questions each metric applies to</caption>"
    return f"<table>{caption}<tr>{head}</tr>{''.join(rows)}</table>"


def _type_section(result: EvalResult) -> str:
    counts = result.type_counts
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in ("Type", "n", *(lbl for lbl, _ in TYPE_COLUMNS)))
    rows = []
    for qtype, ms in result.by_type.items():
        cells = "".join(
            f"<td class='num'>{format_value(key, ms[key].value) if key in ms else '&ndash;'}</td>"
            for _, key in TYPE_COLUMNS
        )
        rows.append(f"<tr><th scope='row'>{escape(qtype)}</th><td class='num'>{counts[qtype]}</td>{cells}</tr>")
    table = f"<table><caption>Mean per question type</caption><tr>{head}</tr>{''.join(rows)}</table>"
    types = [t for t, ms in result.by_type.items() if "key_fact_recall" in ms]
    series = [("key-fact recall", [result.by_type[t]["key_fact_recall"].value for t in types])]
    if any("recall@5" in result.by_type[t] for t in types):
        series.append(("recall@5", [getattr(result.by_type[t].get("recall@5"), "value", None) for t in types]))
    chart = bar_chart(types, series, "Key-fact recall and recall@5 by question type") if types else ""
    return table + (f"<figure>{chart}<figcaption>Key-fact recall and recall@5 by type.</figcaption></figure>")


def _evidence_cell(v: CitationVerdict) -> str:
    held = [f"gold quote {', '.join(str(j + 1) for j in v.quotes)}"] * bool(v.quotes)
    held += ["key fact " + ", ".join(f"\u201c{f}\u201d" for f in v.facts)] * bool(v.facts)
    if not held:
        return "<span class='bad'>no evidence</span>"
    return f"<span class='ok'>holds evidence</span>: {escape('; '.join(held))}"


def _support_cell(v: CitationVerdict) -> str:
    if not v.cited_by:
        return "<span class='bad'>unsupported</span>: no sentence cites it"
    verdict = "<span class='ok'>supports</span>" if v.supported else "<span class='bad'>unsupported</span>"
    return f"{verdict}: {len(v.supports_sentences)} of {len(v.cited_by)} citing sentence(s)"


def _citations_table(q: QuestionRecord) -> str:
    if not q.citations:
        return "<p>No citations.</p>"
    verdicts = {v.n: v for v in q.verdicts}
    rows = []
    for c in q.citations:
        v = verdicts.get(c.n)
        evidence = _evidence_cell(v) if v else "<span class='meta'>not judged</span>"
        support = _support_cell(v) if v else ""
        text = c.text if len(c.text) <= 400 else c.text[:400] + "\u2026"
        rows.append(
            f"<tr><td class='num'>[{c.n}]</td><td>{escape(c.file)}</td><td>{evidence}</td><td>{support}</td>"
            f"<td>{escape(text)}</td></tr>"
        )
    head = "".join(f"<th scope='col'>{h}</th>" for h in ("n", "File", "Evidence", "Support", "Passage"))
    caption = "<caption>Citations: evidence counts for precision, support for citation support</caption>"
    return f"<table>{caption}<tr>{head}</tr>{''.join(rows)}</table>"


def _question(q: QuestionRecord) -> str:
    answer = (
        "<p><em>(abstained)</em></p>" if q.abstained else f"<blockquote>{escape(q.answer) or '(empty)'}</blockquote>"
    )
    reasons = "".join(f"<li>{escape(r)}</li>" for r in q.reasons)
    evidence = []
    for j, ev in enumerate(q.evidence):
        notes = []
        if q.not_retrieved is not None and j in q.not_retrieved:
            notes.append("not among the passages the answer was built from (top 10)")
        if j in q.not_cited:
            notes.append("not cited")
        note = f" <span class='bad'>({escape(', '.join(notes))})</span>" if notes else ""
        evidence.append(f"<li>{j + 1}. <q>{escape(ev.quote)}</q> &mdash; {escape(ev.file)}{note}</li>")
    gold = f"<h4>Gold evidence</h4><ul>{''.join(evidence)}</ul>" if evidence else ""
    kind = escape(q.type) + (", near miss" if q.near_miss else "")
    return (
        f"<section class='q' aria-labelledby='{escape(q.id)}'><h3 id='{escape(q.id)}'>{escape(q.id)} "
        f"<span class='meta'>({kind})</span></h3><p><strong>Question:</strong> {escape(q.question)}</p>"
        f"<p><strong>Answer:</strong></p>{answer}<p><strong>What went wrong:</strong></p><ul>{reasons}</ul>"
        f"{_citations_table(q) if not q.abstained else ''}{gold}</section>"
    )


def render_html(result: EvalResult) -> str:
    """The whole report as one self-contained HTML page."""
    facts = [
        ("Dataset", result.dataset or "(not given)"),
        ("Split", result.split or "all"),
        ("Questions", str(len(result.questions))),
        ("Failed", str(len(result.failures))),
        ("Bootstrap", f"{result.n_resamples} resamples, seed {result.seed}"),
        ("Support judge", result.judge),
    ]
    meta = "".join(f"<tr><th scope='row'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    failing = "".join(_question(q) for q in result.failures) or "<p>No failing questions.</p>"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Evaluation report</title><style>{CSS}</style></head><body><main>"
        f"<h1>Evaluation report</h1><table><caption>Run</caption>{meta}</table>"
        f"<h2>Headline metrics</h2>{_metrics_table(result)}"
        f"<h2>By question type</h2>{_type_section(result)}"
        f"<h2>Failing questions ({len(result.failures)})</h2>{failing}</main></body></html>\n"
    )


def write_html(result: EvalResult, path: str | Path) -> None:
    """Write the self-contained HTML report."""
    Path(path).write_text(render_html(result), encoding="utf-8")
