"""The durable queue: huey, built from the configuration, carrying job ids only.

:func:`build_queue` makes a :class:`TaskQueue` for one configuration (SQLite file
``<root>/var/tasks.sqlite3`` by default, Redis when ``TASK_QUEUE_URL`` says so);
:func:`queue_for` keeps one per Flask app.  Callers use::

    queue = queue_for(current_app)
    job_id = queue.enqueue(session, clock, "publish", {"draft_id": 7}, created_by_id=user.id)
    queue.retry(session, clock, job_id)

The job's row is committed before its id is handed to huey, so the consumer always
finds it; the function that does the work is looked up by kind in the consumer
(:mod:`portal.tasks.registry`), so the queue knows no stage.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy.orm import Session

from domain.errors import HandbookError
from portal.clock import Clock
from portal.tasks import state
from portal.tasks.registry import import_kind_modules, registry

log = logging.getLogger(__name__)

EXTENSION_KEY = "portal.tasks.queue"
# The one huey task: "run the job with this id".
RUN_JOB = "handbook.run_job"
QUEUE_UNAVAILABLE = "任务队列暂时不可用，请稍后重试。"


class QueueUnavailable(HandbookError):
    user_message = QUEUE_UNAVAILABLE


def queue_file(root: Path) -> Path:
    """Where the embedded queue keeps its messages."""
    return root / "var" / "tasks.sqlite3"


def make_huey(config: Mapping[str, Any]) -> Huey:
    """SqliteHuey in ``<root>/var/tasks.sqlite3``, or RedisHuey for ``TASK_QUEUE_URL=redis://...``."""
    name = str(config.get("TASK_QUEUE_NAME") or "handbook")
    url = config.get("TASK_QUEUE_URL")
    # Results are not stored: the outcome lives in the job's row, visible from every host.
    if url:
        if not str(url).startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"TASK_QUEUE_URL must be a redis:// URL, not {url!r}")
        return RedisHuey(name, url=str(url), results=False, utc=True)
    path = queue_file(Path(config["HANDBOOK_ROOT"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    # strict_fifo: jobs run in the order they were enqueued (row ids are never reused).
    return SqliteHuey(name, filename=str(path), results=False, utc=True, strict_fifo=True)


class TaskQueue:
    """A huey instance with the portal's one task registered on it."""

    def __init__(self, huey: Huey) -> None:
        self.huey = huey
        # Set in the consumer only (portal.tasks.runner): what running a job id means there.
        self.executor: Callable[[int], None] | None = None
        self._run_job = huey.task(name=RUN_JOB)(self._execute)

    def _execute(self, job_id: int) -> None:
        if self.executor is None:
            raise RuntimeError("this process is not a task consumer")
        self.executor(job_id)

    def send(self, job_id: int) -> str:
        """Hand a committed job's id to huey; returns huey's message id."""
        message = self._run_job.s(job_id)
        self.huey.enqueue(message)
        return str(message.id)

    def pending(self) -> int:
        return int(self.huey.pending_count())

    def enqueue(
        self, session: Session, clock: Clock, kind: str, payload: Mapping[str, Any], created_by_id: int | None = None
    ) -> int:
        """Create a queued job for ``kind`` with ``payload`` (JSON), commit it, hand it to the queue.

        Commits ``session`` (with whatever else the caller added).  If the queue cannot take
        it, the job is marked failed (retryable) and :class:`QueueUnavailable` is raised.
        """
        if kind not in registry:
            raise ValueError(f"unknown task kind {kind!r}; registered: {', '.join(registry.kinds()) or 'none'}")
        json.dumps(payload)  # a TypeError here, before anything is written
        job_id = state.create(session, clock, kind, payload, created_by_id)
        session.commit()
        self._hand_over(session, clock, job_id)
        return job_id

    def retry(self, session: Session, clock: Clock, job_id: int) -> None:
        """Run a failed job again with the same payload (raises :class:`~portal.tasks.state.NotRetryable`)."""
        state.reset_for_retry(session, job_id)
        session.commit()
        self._hand_over(session, clock, job_id)

    def _hand_over(self, session: Session, clock: Clock, job_id: int) -> None:
        try:
            queue_id = self.send(job_id)
        except Exception as error:
            log.exception("job %s could not be handed to the task queue", job_id)
            state.fail_unqueued(session, clock, job_id, QUEUE_UNAVAILABLE)
            session.commit()
            raise QueueUnavailable(f"task queue refused job {job_id}: {error}") from error
        state.set_queue_id(session, job_id, queue_id)
        session.commit()


def build_queue(config: Mapping[str, Any]) -> TaskQueue:
    """The queue for one configuration; also imports the modules that register task kinds."""
    import_kind_modules(config.get("TASK_MODULES") or ())
    return TaskQueue(make_huey(config))


def queue_for(app: Flask) -> TaskQueue:
    """The app's queue, built on first use (in each worker process, after gunicorn's fork)."""
    queue = app.extensions.get(EXTENSION_KEY)
    if queue is None:
        queue = app.extensions[EXTENSION_KEY] = build_queue(app.config)
    assert isinstance(queue, TaskQueue)
    return queue
