"""Plain reports of a run: a compact terminal table and the full JSON record."""

from __future__ import annotations

import json
from pathlib import Path

from evals.metrics import METRICS, MetricValue
from evals.result import EvalResult

TYPE_COLUMNS = (
    ("key facts", "key_fact_recall"),
    ("cit prec", "citation_precision"),
    ("cit support", "citation_support"),
    ("recall@5", "recall@5"),
    ("false abst", "false_abstention_rate"),
    ("abst recall", "abstention_recall"),
    ("near miss", "near_miss_abstention"),
)


def format_value(name: str, value: float) -> str:
    """A metric value as shown in reports: milliseconds for latency, three decimals otherwise."""
    return f"{value:.0f} ms" if name.startswith("latency") else f"{value:.3f}"


def format_ci(m: MetricValue) -> str:
    """A metric's 95% CI as "[low, high]"."""
    if m.name.startswith("latency"):
        return f"[{m.low:.0f}, {m.high:.0f}]"
    return f"[{m.low:.3f}, {m.high:.3f}]"


def _rows(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = [f"{{:<{widths[0]}}}", *(f"{{:>{w}}}" for w in widths[1:])]
    lines = ["  ".join(f.format(c) for f, c in zip(fmt, row, strict=True)) for row in [header, *rows]]
    return [lines[0], "-" * len(lines[0]), *lines[1:]]


def format_table(result: EvalResult) -> str:
    """A compact terminal table: metric, value, 95% CI and n; then key metrics per question type."""
    rows = [
        [m.name, format_value(m.name, m.value), format_ci(m), str(m.n)]
        for spec in METRICS
        if (m := result.metrics.get(spec.name))
    ]
    where = ", ".join(p for p in (result.dataset, result.split and f"split={result.split}") if p)
    title = f"{len(result.questions)} questions, {len(result.failures)} failed" + (f" ({where})" if where else "")
    lines = [title, "", *_rows(["metric", "value", "95% CI", "n"], rows), ""]
    counts = result.type_counts
    type_rows = []
    for qtype, ms in result.by_type.items():
        cells = [format_value(key, ms[key].value) if key in ms else "-" for _, key in TYPE_COLUMNS]
        type_rows.append([qtype, str(counts[qtype]), *cells])
    lines += _rows(["type", "n", *(label for label, _ in TYPE_COLUMNS)], type_rows)
    return "\n".join(lines)


def write_json(result: EvalResult, path: str | Path) -> None:
    """Write the whole result (settings, aggregates, CIs, by-type, per-question records) as JSON."""
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
    Path(path).write_text(text + "\n", encoding="utf-8")


def read_json(path: str | Path) -> dict:
    """Read a result written by write_json."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
