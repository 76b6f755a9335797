"""The job's state in the portal database: the one module that knows the job model.

The visible state (status, progress, message, finished_at) is the ``jobs`` row the
pages already poll; the queue's own bookkeeping is the ``task_runs`` row beside it.
Writes made while a task runs go through their own short connections, never the
task's session, so that progress is visible at once from any host.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, exists, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Update

from domain.errors import HandbookError
from portal.clock import Clock, naive_utc
from portal.tasks.models import STATUS_LABELS
from portal.tasks.models import Task as Job
from portal.tasks.runs import TaskRun

log = logging.getLogger(__name__)

__all__ = ["STATUS_LABELS", "Claim", "JobView", "NotRetryable", "RunningJob"]

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class NotRetryable(HandbookError):
    user_message = "只有失败的任务可以重试。"


@dataclass(frozen=True)
class Claim:
    """A job taken by a consumer: what its function needs."""

    job_id: int
    kind: str
    payload: Mapping[str, Any]
    attempt: int


@dataclass(frozen=True)
class RunningJob:
    job_id: int
    attempt: int
    worker: str | None
    heartbeat_at: dt.datetime | None


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    status: str
    progress: int
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    attempts: int
    payload: Mapping[str, Any]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def create(session: Session, clock: Clock, kind: str, payload: Mapping[str, Any], created_by_id: int | None) -> int:
    """Add a queued job with its payload (the caller commits)."""
    job = Job(kind=kind, status=QUEUED, progress=0, message="", created_by_id=created_by_id,
              created_at=naive_utc(clock.now()))
    session.add(job)
    session.flush()
    session.add(TaskRun(job_id=job.id, payload=dict(payload), attempts=0))
    session.flush()
    return job.id


def reset_for_retry(session: Session, job_id: int) -> None:
    """Put a failed job back in the queue's state, same payload (the caller commits)."""
    job = session.get(Job, job_id)
    run = session.get(TaskRun, job_id)
    if job is None or run is None or job.status != FAILED:
        raise NotRetryable(f"job {job_id} is not a failed queue job")
    job.status, job.progress, job.message, job.finished_at = QUEUED, 0, "", None
    run.worker, run.heartbeat_at, run.started_at = None, None, None
    session.flush()


def fail_unqueued(session: Session, clock: Clock, job_id: int, message: str) -> None:
    """The queue refused the job: show why (the caller commits); it stays retryable."""
    job = session.get(Job, job_id)
    if job is not None:
        job.status, job.message, job.finished_at = FAILED, message, naive_utc(clock.now())
        session.flush()


def set_queue_id(session: Session, job_id: int, queue_id: str) -> None:
    run = session.get(TaskRun, job_id)
    if run is not None:
        run.queue_id = queue_id
        session.flush()


def view(session: Session, job_id: int, kind: str | None = None) -> JobView | None:
    """One job, or None when there is none (of that kind, when given: a page shows only its own jobs)."""
    query = select(Job, TaskRun).outerjoin(TaskRun, TaskRun.job_id == Job.id).where(Job.id == job_id)
    row = session.execute(query if kind is None else query.where(Job.kind == kind)).first()
    return _view(row[0], row[1]) if row else None


def recent(session: Session, limit: int = 20, kind: str | None = None) -> list[JobView]:
    """The newest jobs (of one kind, when given), newest first, in one query."""
    query = select(Job, TaskRun).outerjoin(TaskRun, TaskRun.job_id == Job.id)
    if kind is not None:
        query = query.where(Job.kind == kind)
    rows = session.execute(query.order_by(Job.id.desc()).limit(limit)).all()
    return [_view(job, run) for job, run in rows]


def _view(job: Job, run: TaskRun | None) -> JobView:
    return JobView(job.id, job.kind, job.status, job.progress, job.message, job.created_at, job.finished_at,
                   run.attempts if run else 0, dict(run.payload) if run else {})


# --- writes made by the consumer, each on a connection of its own ---------------------------------------


def claim(engine: Engine, job_id: int, worker: str, now: dt.datetime) -> Claim | None:
    """Mark a queued job running by ``worker``; None if it is not queued (done, failed, or taken)."""
    moment = naive_utc(now)
    with engine.begin() as connection:
        taken = connection.execute(
            update(Job).where(Job.id == job_id, Job.status == QUEUED)
            .values(status=RUNNING, progress=0, message="开始", finished_at=None)
        )
        if taken.rowcount != 1:
            return None
        connection.execute(
            update(TaskRun).where(TaskRun.job_id == job_id)
            .values(attempts=TaskRun.attempts + 1, worker=worker, started_at=moment, heartbeat_at=moment)
        )
        row = connection.execute(
            select(Job.kind, TaskRun.payload, TaskRun.attempts).join(TaskRun, TaskRun.job_id == Job.id)
            .where(Job.id == job_id)
        ).one()
    return Claim(job_id, row.kind, dict(row.payload or {}), row.attempts)


def _current(job_id: int, attempt: int) -> Any:
    """The job is still running this attempt (not failed by a sweep, not retried meanwhile)."""
    return and_(
        Job.id == job_id,
        Job.status == RUNNING,
        exists().where(TaskRun.job_id == job_id, TaskRun.attempts == attempt),
    )


def progress(engine: Engine, job_id: int, attempt: int, percent: int, message: str, now: dt.datetime) -> None:
    _best_effort(engine, [
        update(Job).where(_current(job_id, attempt)).values(progress=max(0, min(percent, 100)), message=message),
        update(TaskRun).where(TaskRun.job_id == job_id, TaskRun.attempts == attempt).values(heartbeat_at=naive_utc(now)),
    ])


def heartbeat(engine: Engine, job_id: int, attempt: int, now: dt.datetime) -> None:
    _best_effort(engine, [
        update(TaskRun).where(TaskRun.job_id == job_id, TaskRun.attempts == attempt).values(heartbeat_at=naive_utc(now)),
    ])


def finish(engine: Engine, job_id: int, attempt: int, *, ok: bool, message: str, now: dt.datetime) -> bool:
    """Record the outcome of this attempt; False if the job had meanwhile been failed by a sweep."""
    values: dict[str, Any] = {"status": DONE if ok else FAILED, "message": message, "finished_at": naive_utc(now)}
    if ok:
        values["progress"] = 100
    with engine.begin() as connection:
        return bool(connection.execute(update(Job).where(_current(job_id, attempt)).values(**values)).rowcount)


def running(engine: Engine) -> list[RunningJob]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Job.id, TaskRun.attempts, TaskRun.worker, TaskRun.heartbeat_at)
            .join(TaskRun, TaskRun.job_id == Job.id).where(Job.status == RUNNING).order_by(Job.id)
        ).all()
    return [RunningJob(row.id, row.attempts, row.worker, row.heartbeat_at) for row in rows]


def fail_running(engine: Engine, job_id: int, attempt: int, message: str, now: dt.datetime) -> bool:
    """Fail a job that is still running ``attempt`` (a dead consumer's); False if it moved on."""
    with engine.begin() as connection:
        return bool(connection.execute(
            update(Job).where(_current(job_id, attempt)).values(status=FAILED, message=message, finished_at=naive_utc(now))
        ).rowcount)


def _best_effort(engine: Engine, statements: list[Update]) -> None:
    """Progress and heartbeats never stall or fail the work: on SQLite the work itself may hold
    the only write lock, so wait briefly and skip this one if the database stays busy."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA busy_timeout=200")
        try:
            for statement in statements:
                connection.execute(statement)
            connection.commit()
        except OperationalError:
            connection.rollback()
            log.debug("progress or heartbeat of a job skipped: database busy")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA busy_timeout=15000")
