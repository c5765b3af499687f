"""The metric catalogue, and aggregation of per-question values into means with bootstrap CIs."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from evals.bootstrap import N_RESAMPLES, percentile_ci, resample_indices, resampled, statistic
from ingest.errors import UnknownMetric


@dataclass(frozen=True)
class MetricSpec:
    """A metric: its name, group, meaning, direction, statistic, and the per-question value it summarises."""

    name: str
    group: str
    description: str
    higher_is_better: bool = True
    stat: str = "mean"
    field: str = ""

    @property
    def key(self) -> str:
        """The per-question value this metric summarises."""
        return self.field or self.name


def _retrieval() -> list[MetricSpec]:
    specs = [MetricSpec(f"hit@{k}", "retrieval", f"any evidence quote in the top {k}") for k in (1, 5, 10)]
    specs += [MetricSpec(f"recall@{k}", "retrieval", f"share of evidence quotes in the top {k}") for k in (1, 5, 10)]
    return specs + [
        MetricSpec("mrr@10", "retrieval", "1 / rank of the first passage holding evidence"),
        MetricSpec("ndcg@10", "retrieval", "nDCG with binary gains per newly covered quote"),
    ]


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("pass_rate", "overall", "questions with nothing wrong"),
    MetricSpec("key_fact_recall", "correctness", "share of key facts stated in the answer"),
    MetricSpec("token_f1", "correctness", "token F1 against the reference answer"),
    MetricSpec("citation_validity", "citations", "share of [n] markers that name a citation"),
    MetricSpec("citation_precision", "citations", "share of cited passages holding gold evidence (quote or key fact)"),
    MetricSpec("citation_support", "citations", "share of cited passages bearing out a sentence that cites them"),
    MetricSpec("citation_recall", "citations", "share of evidence quotes covered by a cited passage"),
    MetricSpec("citation_out_of_range", "citations", "answers with a marker naming no citation", False),
    *_retrieval(),
    MetricSpec("abstention_precision", "abstention", "abstentions that were on unanswerable questions"),
    MetricSpec("abstention_recall", "abstention", "unanswerable questions declined"),
    MetricSpec("near_miss_abstention", "abstention", "near-miss unanswerable questions declined"),
    MetricSpec("false_abstention_rate", "abstention", "answerable questions declined", False),
    MetricSpec("false_answer_rate", "abstention", "unanswerable questions answered", False),
    MetricSpec("latency_p50_ms", "latency", "median answer latency (ms)", False, "median", "latency_ms"),
    MetricSpec("latency_p95_ms", "latency", "95th percentile answer latency (ms)", False, "p95", "latency_ms"),
)
METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in METRICS)
_SPECS = {m.name: m for m in METRICS}


def metric_spec(name: str) -> MetricSpec:
    """The spec of a metric by name; UnknownMetric lists the known names."""
    try:
        return _SPECS[name]
    except KeyError:
        raise UnknownMetric(f"unknown metric {name!r}; known metrics: {', '.join(METRIC_NAMES)}") from None


@dataclass(frozen=True)
class MetricValue:
    """A metric's value over the questions it applies to, with its 95% bootstrap CI and n."""

    name: str
    value: float
    low: float
    high: float
    n: int

    def to_dict(self) -> dict:
        """Plain JSON-ready data."""
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}


def value_matrix(values: Sequence[Mapping[str, float]], key: str) -> np.ndarray:
    """One metric's per-question values as an array, NaN where it does not apply."""
    return np.array([v.get(key, math.nan) for v in values], dtype=float)


def aggregate(
    values: Sequence[Mapping[str, float]], seed: int = 0, n_resamples: int = N_RESAMPLES
) -> dict[str, MetricValue]:
    """Every metric measured on at least one question: its statistic, bootstrap CI and n."""
    if not values:
        return {}
    idx = resample_indices(len(values), n_resamples, seed)
    out: dict[str, MetricValue] = {}
    for spec in METRICS:
        column = value_matrix(values, spec.key)
        n = int((~np.isnan(column)).sum())
        if n == 0:
            continue
        value = statistic(column, spec.stat)
        low, high = percentile_ci(resampled(column, idx, spec.stat))
        if math.isnan(low):  # every resample missed the few questions it applies to
            low = high = value
        out[spec.name] = MetricValue(spec.name, value, low, high, n)
    return out


def aggregate_by_type(
    types: Sequence[str], values: Sequence[Mapping[str, float]], seed: int = 0, n_resamples: int = N_RESAMPLES
) -> dict[str, dict[str, MetricValue]]:
    """Metrics per question type, types in order of first appearance."""
    groups: dict[str, list[Mapping[str, float]]] = {}
    for qtype, v in zip(types, values, strict=True):
        groups.setdefault(qtype, []).append(v)
    return {qtype: aggregate(group, seed, n_resamples) for qtype, group in groups.items()}
