"""Evaluation harness: score a system's cited answers against the dev set, offline and deterministic."""

from evals.compare import Comparison, compare, format_comparison
from evals.dataset import Evidence, Question, load_dataset
from evals.gate import check_floors
from evals.html_report import render_html, write_html
from evals.judge import Judge, LexicalJudge
from evals.metrics import METRIC_NAMES, METRICS, MetricSpec, MetricValue
from evals.outputs import load_answers
from evals.report import format_table, read_json, write_json
from evals.result import EvalResult
from evals.run import run_eval, score_answers
from ingest.errors import AnswersError, DatasetError, EvalError, MetricNotMeasured, UnknownMetric

__all__ = [
    "METRICS",
    "METRIC_NAMES",
    "AnswersError",
    "Comparison",
    "DatasetError",
    "EvalError",
    "EvalResult",
    "Evidence",
    "Judge",
    "LexicalJudge",
    "MetricNotMeasured",
    "MetricSpec",
    "MetricValue",
    "Question",
    "UnknownMetric",
    "check_floors",
    "compare",
    "format_comparison",
    "format_table",
    "load_answers",
    "load_dataset",
    "read_json",
    "render_html",
    "run_eval",
    "score_answers",
    "write_html",
    "write_json",
]
