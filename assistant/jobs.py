"""Background jobs: uploads ingested on a thread of their own, one at a time, their status kept to be asked for."""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Generic, Literal, TypeVar

from ingest.errors import CouncilError, NotFound

log = logging.getLogger(__name__)

KEEP = 200  # finished jobs remembered, newest kept; a job older than that is "no such job"

Status = Literal["queued", "running", "done", "failed"]
T = TypeVar("T")


@dataclass(frozen=True)
class Job(Generic[T]):
    """One job as it stands: its result once done, why it failed once failed."""

    id: str
    status: Status
    result: T | None = None
    error: str | None = None


class Jobs(Generic[T]):
    """Runs jobs in order on one thread (the index takes one writer at a time anyway) and remembers how they went."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="council-job")
        self._jobs: OrderedDict[str, Job[T]] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, work: Callable[[], T]) -> Job[T]:
        """Queue `work`; a CouncilError it raises fails the job with its message, anything else as "internal error"."""
        job = Job[T](uuid.uuid4().hex, "queued")
        self._set(job)
        self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job[T]:
        """A job by id; NotFound when there is none (or it is long forgotten)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound("no such job")
        return job

    def close(self) -> None:
        """Wait for the jobs already queued, then stop."""
        self._pool.shutdown(wait=True)

    def _run(self, job: Job[T], work: Callable[[], T]) -> None:
        self._set(replace(job, status="running"))
        try:
            self._set(replace(job, status="done", result=work()))
        except CouncilError as e:
            self._set(replace(job, status="failed", error=str(e)))
        except Exception:  # noqa: BLE001 - a job's bug must not be lost with its thread
            log.exception("background job %s failed", job.id)
            self._set(replace(job, status="failed", error="internal error"))

    def _set(self, job: Job[T]) -> None:
        with self._lock:
            self._jobs[job.id] = job
            self._jobs.move_to_end(job.id)
            while len(self._jobs) > KEEP:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].status in ("queued", "running"):
                    break  # never forget a job still under way
                del self._jobs[oldest]
