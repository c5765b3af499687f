"""The project's one exception hierarchy: each error says what went wrong in one line."""


class CouncilError(Exception):
    """Base of every error the CLI and the API turn into one clear line or a 4xx body."""


class UnsupportedFile(CouncilError):
    """The file's type is not one we read."""


class CorruptFile(CouncilError):
    """The file claims a type we read but cannot be parsed."""


class EmptyDocument(CouncilError):
    """The file parsed but holds no text (empty, or a scan with no text layer)."""


class EncryptedFile(CouncilError):
    """The file is password-protected."""


class FileTooLarge(CouncilError):
    """The file is over the configured size limit."""


class IndexMismatch(CouncilError):
    """The index on disk was built differently (another model) from what is asked for."""


class NotFound(CouncilError):
    """A document or passage that does not exist, or that the caller may not see."""


class BadRequest(CouncilError):
    """A request the service cannot answer as asked (bad filter, empty question)."""


class BadSetting(CouncilError):
    """A setting (a COUNCIL_* variable or its flag) whose value cannot be used; names the variable."""


# The evaluation harness's errors (evals/): `council eval` prints them as "council eval: ..." and exits 2.
class EvalError(CouncilError):
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
