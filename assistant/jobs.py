"""Background jobs: uploads ingested on a thread of their own, one at a time, their status kept to be asked for.

The status is kept in a small SQLite file in the home (`jobs.db`), not in memory: with several server workers,
the worker that is asked how a job stands is often not the one running it. A job whose worker died while it ran
stays "running" (its document committed whole or not at all, as any ingest).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.errors import CouncilError, NotFound

log = logging.getLogger(__name__)

KEEP = 200  # finished jobs remembered, newest kept; a job older than that is "no such job"

Status = Literal["queued", "running", "done", "failed"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL, result TEXT, error TEXT
);
"""


@dataclass(frozen=True)
class Job:
    """One job as it stands: its result (a JSON object) once done, why it failed once failed."""

    id: str
    status: Status
    result: dict | None = None
    error: str | None = None


class Jobs:
    """Runs this process's jobs in order on one thread (the index takes one writer at a time anyway); every
    process sharing the home reads how any job went."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="council-job")

    def submit(self, work: Callable[[], dict]) -> Job:
        """Queue `work`; a CouncilError it raises fails the job with its message, anything else as "internal error"."""
        job = Job(uuid.uuid4().hex, "queued")
        self._set(job)
        self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job:
        """A job by id; NotFound when there is none (or it is long forgotten)."""
        with self._db() as db:
            row = db.execute("SELECT status, result, error FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise NotFound("no such job")
        status, result, error = row
        return Job(job_id, status, json.loads(result) if result else None, error)

    def close(self) -> None:
        """Wait for the jobs already queued, then stop."""
        self._pool.shutdown(wait=True)

    def _run(self, job: Job, work: Callable[[], dict]) -> None:
        self._set(Job(job.id, "running"))
        try:
            self._set(Job(job.id, "done", result=work()))
        except CouncilError as e:
            self._set(Job(job.id, "failed", error=str(e)))
        except Exception:  # noqa: BLE001 - a job's bug must not be lost with its thread
            log.exception("background job %s failed", job.id)
            self._set(Job(job.id, "failed", error="internal error"))

    def _set(self, job: Job) -> None:
        result = json.dumps(job.result) if job.result is not None else None
        with self._db() as db, db:  # one transaction
            db.execute(
                "INSERT INTO jobs(id, status, result, error) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE"
                " SET status = excluded.status, result = excluded.result, error = excluded.error",
                (job.id, job.status, result, job.error),
            )
            # Forget the oldest finished jobs beyond KEEP; never one still under way.
            db.execute(
                "DELETE FROM jobs WHERE status IN ('done', 'failed') AND seq <= (SELECT seq FROM jobs"
                " ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                (KEEP,),
            )

    def _db(self) -> closing[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        return closing(db)
