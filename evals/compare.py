"""Compare two runs: per-metric differences with a paired bootstrap CI, and questions that changed verdict."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from evals.bootstrap import N_RESAMPLES, paired_diff_ci, statistic
from evals.metrics import METRICS, value_matrix
from evals.report import read_json
from evals.result import EvalResult
from ingest.errors import EvalError

Run = EvalResult | Mapping | str | Path


@dataclass(frozen=True)
class MetricChange:
    """One metric on the questions both runs share: old, new, new - old, its paired 95% CI, and the verdict."""

    name: str
    old: float
    new: float
    diff: float
    low: float
    high: float
    n: int
    significant: bool
    higher_is_better: bool

    @property
    def verdict(self) -> str:
        """ "better", "worse" or "" when the CI of the difference includes 0."""
        if not self.significant:
            return ""
        return "better" if (self.diff > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True)
class Comparison:
    """Metric changes plus the questions that went from pass to fail and from fail to pass."""

    changes: tuple[MetricChange, ...]
    n_common: int
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]
    newly_failed: tuple[tuple[str, tuple[str, ...]], ...]  # (id, reasons in the new run)
    newly_passed: tuple[str, ...]
    seed: int = 0
    n_resamples: int = N_RESAMPLES
    redefined: tuple[str, ...] = ()  # metrics the old run measured under an earlier definition: not compared

    def change(self, name: str) -> MetricChange:
        """The change of one metric; KeyError if either run lacks it."""
        for c in self.changes:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> dict:
        """Plain JSON-ready data."""
        data = asdict(self)
        data["changes"] = [{**asdict(c), "verdict": c.verdict} for c in self.changes]
        data["newly_failed"] = [{"id": qid, "reasons": list(r)} for qid, r in self.newly_failed]
        return data


def _as_dict(run: Run) -> Mapping:
    if isinstance(run, EvalResult):
        return run.to_dict()
    if isinstance(run, str | Path):
        return read_json(run)
    if "questions" not in run:
        raise EvalError("a run to compare must be an EvalResult, a result JSON file, or its parsed dict")
    return run


def _redefined(old_values: list[Mapping]) -> tuple[str, ...]:
    # Before citation_support was split out, citation_precision (and so pass_rate, which fails a question on any
    # citation precision counts wrong) credited a citation that merely bore out its own sentence.
    old_keys = {k for v in old_values for k in v}
    split_out = "citation_precision" in old_keys and "citation_support" not in old_keys
    return ("pass_rate", "citation_precision") if split_out else ()


def compare(old: Run, new: Run, *, seed: int = 0, n_resamples: int = N_RESAMPLES) -> Comparison:
    """Compare a previous run (JSON path or dict) with a new one on the question ids both share."""
    old_q = {q["id"]: q for q in _as_dict(old)["questions"]}
    new_q = {q["id"]: q for q in _as_dict(new)["questions"]}
    common = [qid for qid in new_q if qid in old_q]
    old_values = [old_q[qid]["values"] for qid in common]
    new_values = [new_q[qid]["values"] for qid in common]
    changes = []
    redefined = _redefined(old_values)
    for spec in METRICS if common else ():
        if spec.name in redefined:
            continue
        a, b = value_matrix(old_values, spec.key), value_matrix(new_values, spec.key)
        old_v, new_v = statistic(a, spec.stat), statistic(b, spec.stat)
        if math.isnan(old_v) or math.isnan(new_v):
            continue
        low, high = paired_diff_ci(a, b, spec.stat, n_resamples, seed)
        diff = new_v - old_v
        if math.isnan(low):
            low = high = diff
        n = sum(1 for x, y in zip(a, b, strict=True) if not (math.isnan(x) and math.isnan(y)))
        changes.append(
            MetricChange(spec.name, old_v, new_v, diff, low, high, n, low > 0 or high < 0, spec.higher_is_better)
        )
    return Comparison(
        changes=tuple(changes),
        n_common=len(common),
        only_old=tuple(qid for qid in old_q if qid not in new_q),
        only_new=tuple(qid for qid in new_q if qid not in old_q),
        newly_failed=tuple(
            (qid, tuple(new_q[qid]["reasons"])) for qid in common if new_q[qid]["failed"] and not old_q[qid]["failed"]
        ),
        newly_passed=tuple(qid for qid in common if old_q[qid]["failed"] and not new_q[qid]["failed"]),
        seed=seed,
        n_resamples=n_resamples,
        redefined=redefined,
    )


def _fmt(name: str, v: float, signed: bool = False) -> str:
    if name.startswith("latency"):
        return f"{v:+.0f}" if signed else f"{v:.0f}"
    return f"{v:+.3f}" if signed else f"{v:.3f}"


def format_comparison(c: Comparison) -> str:
    """A terminal table of old vs new per metric with the paired CI, then the questions that changed."""
    header = ["metric", "old", "new", "diff", "95% CI of diff", ""]
    rows = [
        [
            m.name,
            _fmt(m.name, m.old),
            _fmt(m.name, m.new),
            _fmt(m.name, m.diff, True),
            f"[{_fmt(m.name, m.low, True)}, {_fmt(m.name, m.high, True)}]",
            m.verdict,
        ]  # fmt: skip
        for m in c.changes
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [f"{c.n_common} questions in both runs (paired bootstrap, {c.n_resamples} resamples, seed {c.seed})", ""]
    for i, row in enumerate([header, *rows]):
        cells = [row[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(row[1:-1], widths[1:-1], strict=True))]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
        if i == 0:
            lines.append("-" * len(lines[-1]))
    lines += ["", f"pass -> fail ({len(c.newly_failed)}):"]
    lines += [f"  {qid}: {'; '.join(reasons)}" for qid, reasons in c.newly_failed]
    lines += [f"fail -> pass ({len(c.newly_passed)}):"]
    lines += [f"  {qid}" for qid in c.newly_passed]
    if c.redefined:
        lines.append(f"not compared (the old run used an earlier definition): {', '.join(c.redefined)}")
    if c.only_old or c.only_new:
        lines.append(f"only in old run: {len(c.only_old)}; only in new run: {len(c.only_new)}")
    return "\n".join(lines)
