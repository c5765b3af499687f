"""Seeded percentile bootstrap over questions, vectorised: NaN marks a question a metric does not apply to."""

from __future__ import annotations

import numpy as np

N_RESAMPLES = 1000
LEVEL = 0.95
STATS = ("mean", "median", "p95")


def resample_indices(n: int, n_resamples: int = N_RESAMPLES, seed: int = 0) -> np.ndarray:
    """A (n_resamples, n) matrix of question indexes drawn with replacement, seeded."""
    return np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))


def statistic(values: np.ndarray, stat: str = "mean") -> float:
    """The statistic over the applicable (non-NaN) values; NaN when none apply."""
    return float(resampled(np.asarray(values, dtype=float), np.arange(len(values))[None, :], stat)[0])


def resampled(values: np.ndarray, idx: np.ndarray, stat: str = "mean") -> np.ndarray:
    """The statistic for each row of resampled indexes; NaN for a resample with no applicable question."""
    values = np.asarray(values, dtype=float)
    if stat not in STATS:
        raise ValueError(f"unknown statistic {stat!r}; expected one of {', '.join(STATS)}")
    applies = ~np.isnan(values)
    if stat == "mean":
        sums = np.where(applies, values, 0.0)[idx].sum(axis=1)
        counts = applies[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return _row_percentile(values[idx], 50.0 if stat == "median" else 95.0)


def _row_percentile(rows: np.ndarray, q: float) -> np.ndarray:
    # np.nanpercentile loops over rows in Python when NaNs are present; sorting sends NaN last, so interpolate
    # between order statistics of each row's valid prefix instead ("linear" method, as numpy's default).
    rows = np.sort(rows, axis=1)
    counts = (~np.isnan(rows)).sum(axis=1)
    pos = np.maximum(counts - 1, 0) * (q / 100.0)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, np.maximum(counts - 1, 0))
    at = np.arange(rows.shape[0])
    low, high = rows[at, lo], rows[at, hi]
    out = low + (high - low) * (pos - lo)
    return np.where(counts > 0, out, np.nan)


def percentile_ci(samples: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """The central `level` percentile interval of bootstrap samples, ignoring NaN samples."""
    samples = np.asarray(samples, dtype=float)
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_ci(
    values: np.ndarray, stat: str = "mean", n_resamples: int = N_RESAMPLES, seed: int = 0
) -> tuple[float, float]:
    """95% percentile bootstrap CI of a statistic, resampling questions with a seeded generator."""
    values = np.asarray(values, dtype=float)
    return percentile_ci(resampled(values, resample_indices(len(values), n_resamples, seed), stat))


def paired_diff_ci(
    old: np.ndarray, new: np.ndarray, stat: str = "mean", n_resamples: int = N_RESAMPLES, seed: int = 0
) -> tuple[float, float]:
    """95% CI of stat(new) - stat(old), resampling the same questions for both runs."""
    old, new = np.asarray(old, dtype=float), np.asarray(new, dtype=float)
    idx = resample_indices(len(old), n_resamples, seed)
    return percentile_ci(resampled(new, idx, stat) - resampled(old, idx, stat))
