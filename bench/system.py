"""What a figure was measured on and under: the machine, the load, the process's memory, and percentiles."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
from pathlib import Path

import numpy as np


def machine() -> str:
    """Cores, CPU model and RAM, as one line."""
    cpu = "cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {ram:.0f} GiB RAM, python {platform.python_version()}"


def load() -> str:
    """The 1/5/15-minute load averages: other work on the machine while a figure was taken."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return 0


def rss() -> int:
    """Resident bytes now."""
    return _status("VmRSS")


def peak_rss() -> int:
    """Peak resident bytes since start or since the last reset_peak()."""
    return _status("VmHWM")


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0) so a phase's peak can be read; False when not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def percentile(values: list[float], q: float) -> float:
    """The q-th quantile (0..1) by linear interpolation, as numpy computes it."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q * 100)) if values else 0.0


def summary(values: list[float]) -> dict[str, float]:
    """Median, p95 and mean of a list of timings."""
    if not values:
        return {"median": 0.0, "p95": 0.0, "mean": 0.0, "n": 0}
    return {
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "mean": statistics.fmean(values),
        "n": len(values),
    }


def folder_bytes(path: Path, pattern: str = "*") -> int:
    """Total size of the files under `path` matching `pattern`."""
    return sum(p.stat().st_size for p in path.rglob(pattern) if p.is_file())
