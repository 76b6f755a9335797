"""Running one job in the consumer: claim it, beat, call its function, record the outcome.

A :class:`~domain.errors.HandbookError` fails the job with its ``user_message``
unchanged (the importer's "file too large" reaches HR as written); any other
exception fails it with a generic message and its traceback goes to the log.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from domain.errors import HandbookError
from portal.clock import Clock
from portal.extensions import db
from portal.tasks import state
from portal.tasks.registry import TaskContext, TaskRegistry, registry
from portal.web import CLOCK_KEY

log = logging.getLogger(__name__)

INTERNAL_ERROR = "内部错误，详情见服务器日志。"
DONE_MESSAGE = "已完成。"
STOPPED_MESSAGE = "任务执行进程已停止，任务未完成，可以重试。"


def failure_message(error: BaseException) -> str:
    """What the job's page says about an exception raised by its function."""
    if isinstance(error, HandbookError):
        return error.user_message
    return INTERNAL_ERROR


def worker_identity() -> str:
    """``<host>:<pid>`` of this process, recorded on the jobs it runs (the sweep reads it)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Runner:
    """Executes job ids for one app (its database, clock, configuration) in the consumer process."""

    def __init__(self, app: Flask, kinds: TaskRegistry = registry) -> None:
        self.app = app
        self.kinds = kinds
        with app.app_context():
            self.engine: Engine = db.engine
        self.clock: Clock = app.extensions[CLOCK_KEY]
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.heartbeat_seconds = float(app.config["TASK_HEARTBEAT_SECONDS"])
        self.worker = worker_identity()
        self._in_flight: dict[int, int] = {}  # job id → attempt
        self._lock = threading.Lock()

    def in_flight(self) -> dict[int, int]:
        with self._lock:
            return dict(self._in_flight)

    def __call__(self, job_id: int) -> None:
        claim = state.claim(self.engine, job_id, self.worker, self.clock.now())
        if claim is None:
            log.info("job %s is not queued any more; message ignored", job_id)
            return
        with self._lock:
            self._in_flight[job_id] = claim.attempt
        try:
            with self._beating(claim):
                ok, message = self._run(claim)
            if not state.finish(self.engine, job_id, claim.attempt, ok=ok, message=message, now=self.clock.now()):
                log.warning("job %s finished after it had been failed by a sweep; outcome dropped", job_id)
        finally:
            with self._lock:
                self._in_flight.pop(job_id, None)

    def _run(self, claim: state.Claim) -> tuple[bool, str]:
        def progress(percent: int, message: str) -> None:
            state.progress(self.engine, claim.job_id, claim.attempt, percent, message, self.clock.now())

        log.info("job %s (%s) attempt %s started", claim.job_id, claim.kind, claim.attempt)
        try:
            function = self.kinds.get(claim.kind)
            with self.app.app_context(), self.sessions() as session:
                context = TaskContext(
                    job_id=claim.job_id, kind=claim.kind, payload=claim.payload, session=session, clock=self.clock,
                    config=self.app.config, root=Path(self.app.config["HANDBOOK_ROOT"]), progress=progress,
                    attempt=claim.attempt,
                )
                message = function(context)
                session.commit()
        except HandbookError as error:
            log.warning("job %s (%s) failed: %s", claim.job_id, claim.kind, error)
            return False, failure_message(error)
        except Exception as error:
            log.exception("job %s (%s) crashed", claim.job_id, claim.kind)
            return False, failure_message(error)
        log.info("job %s (%s) done", claim.job_id, claim.kind)
        return True, message or DONE_MESSAGE

    @contextmanager
    def _beating(self, claim: state.Claim) -> Iterator[None]:
        """A thread that writes the job's heartbeat while its function runs."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(self.heartbeat_seconds):
                try:
                    state.heartbeat(self.engine, claim.job_id, claim.attempt, self.clock.now())
                except Exception:  # a missed beat is not fatal; the next one may pass
                    log.warning("heartbeat of job %s failed", claim.job_id, exc_info=True)

        thread = threading.Thread(target=beat, name=f"heartbeat-{claim.job_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(self.heartbeat_seconds + 1)

    def abandon_in_flight(self, message: str = STOPPED_MESSAGE) -> list[int]:
        """On the way out: fail the jobs this process leaves unfinished (retryable)."""
        failed = []
        for job_id, attempt in self.in_flight().items():
            if state.fail_running(self.engine, job_id, attempt, message, self.clock.now()):
                failed.append(job_id)
                log.warning("job %s left unfinished by the stopping consumer: marked failed", job_id)
        return failed
