"""The quality gate: fail a run when a metric's CI lies on the wrong side of its floor (or ceiling)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from evals.metrics import metric_spec
from evals.result import EvalResult
from ingest.errors import EvalError

_RULE = re.compile(r"^\s*([\w@.]+)\s*(<=|>=|=)\s*([-+]?\d+(?:\.\d+)?)\s*$")


def parse_rule(rule: str) -> tuple[str, str, float]:
    """Split "metric=value" (a floor; ">=" too) or "metric<=value" (a ceiling) into its parts."""
    m = _RULE.match(rule)
    if not m:
        raise EvalError(f"bad floor {rule!r}: expected metric=value (floor) or metric<=value (ceiling)")
    name, op, value = m.groups()
    metric_spec(name)  # UnknownMetric lists the known names
    return name, ">=" if op == "=" else op, float(value)


def check_floors(result: EvalResult, rules: Sequence[str]) -> list[str]:
    """Failures for floors whose CI lower bound is below the floor (ceilings: CI upper bound above it)."""
    parsed = [parse_rule(r) for r in rules]  # reject every malformed rule before judging any
    failures = []
    for name, op, bound in parsed:
        m = result.metrics.get(name)
        if m is None:
            failures.append(f"{name}: not measured in this run, cannot check {op} {bound:g}")
        elif op == ">=" and m.low < bound:
            failures.append(f"{name}: 95% CI lower bound {m.low:.3f} < floor {bound:g} (mean {m.value:.3f}, n={m.n})")
        elif op == "<=" and m.high > bound:
            failures.append(
                f"{name}: 95% CI upper bound {m.high:.3f} > ceiling {bound:g} (mean {m.value:.3f}, n={m.n})"
            )
    return failures
