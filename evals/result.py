"""The result of an evaluation run: aggregate metrics with CIs, a breakdown by type, and per-question records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from evals.metrics import METRIC_NAMES, MetricValue, metric_spec
from evals.score import QuestionRecord
from ingest.errors import MetricNotMeasured


@dataclass(frozen=True)
class EvalResult:
    """Everything a run measured; `metrics` holds only metrics that applied to at least one question."""

    metrics: dict[str, MetricValue]
    by_type: dict[str, dict[str, MetricValue]]
    questions: tuple[QuestionRecord, ...]
    dataset: str | None = None
    split: str | None = None
    seed: int = 0
    n_resamples: int = 1000
    judge: str = "lexical"

    def metric(self, name: str) -> MetricValue:
        """A metric by name; UnknownMetric for a name the harness does not know, MetricNotMeasured if absent."""
        metric_spec(name)
        if name not in self.metrics:
            raise MetricNotMeasured(f"metric {name!r} was not measured in this run (it applied to no question)")
        return self.metrics[name]

    @property
    def failures(self) -> list[QuestionRecord]:
        """The questions with anything wrong, in dataset order."""
        return [q for q in self.questions if q.failed]

    @property
    def type_counts(self) -> dict[str, int]:
        """How many questions of each type were scored."""
        return dict(Counter(q.type for q in self.questions))

    def to_dict(self) -> dict:
        """Plain, deterministic JSON-ready data: settings, aggregates with CIs, by-type, per-question records."""
        counts = self.type_counts
        return {
            "dataset": self.dataset,
            "split": self.split,
            "seed": self.seed,
            "n_resamples": self.n_resamples,
            "judge": self.judge,
            "n_questions": len(self.questions),
            "n_failed": len(self.failures),
            "metric_names": [name for name in METRIC_NAMES if name in self.metrics],
            "metrics": {name: m.to_dict() for name, m in self.metrics.items()},
            "by_type": {
                qtype: {"n": counts[qtype], "metrics": {name: m.to_dict() for name, m in ms.items()}}
                for qtype, ms in self.by_type.items()
            },
            "questions": [q.to_dict() for q in self.questions],
        }
