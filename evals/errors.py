"""What can go wrong in an evaluation, as one small exception hierarchy."""


class EvalError(Exception):
    """Base class for every error the evaluation harness raises."""


class DatasetError(EvalError):
    """The evaluation dataset is missing, malformed, or has no such split."""


class AnswersError(EvalError):
    """A file or dict of system outputs is malformed."""


class UnknownMetric(EvalError, KeyError):
    """A metric name (in a floor, a lookup or a comparison) is not one the harness knows."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown metric"


class MetricNotMeasured(EvalError, KeyError):
    """A known metric was not measured in this run (e.g. retrieval metrics without ranked passages)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "metric not measured"
