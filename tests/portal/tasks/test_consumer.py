"""A real consumer process on the embedded SQLite queue: jobs run, report progress, survive a kill -9."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.clock import FixedClock
from portal.tasks.queue import queue_file, queue_for
from portal.tasks.runner import STOPPED_MESSAGE
from portal.tasks.sweep import CRASHED_MESSAGE
from tests.portal.tasks.conftest import wait_for

pytestmark = pytest.mark.slow


def test_a_queued_job_runs_in_the_consumer_with_progress_visible_elsewhere(
    task_app: Callable[..., Flask], session: Session, clock: FixedClock,
    start_consumer: Callable[..., subprocess.Popen[bytes]], tmp_path: Path,
) -> None:
    app = task_app()
    gate = tmp_path / "gate"
    job_id = queue_for(app).enqueue(session, clock, "sample.steps", {"steps": 4, "gate": str(gate)}, None)
    assert queue_file(tmp_path).is_file()
    start_consumer()
    halfway = wait_for(app, job_id, lambda job: job.message == "等待放行")
    assert (halfway.status, halfway.progress) == ("running", 50)
    gate.touch()
    done = wait_for(app, job_id, lambda job: job.status == "done")
    assert (done.progress, done.message) == (100, "完成 4 步（第 1 次执行）")


def test_a_job_of_a_killed_consumer_is_failed_by_the_sweep_and_a_retry_succeeds(
    task_app: Callable[..., Flask], session: Session, clock: FixedClock,
    start_consumer: Callable[..., subprocess.Popen[bytes]], tmp_path: Path,
) -> None:
    app = task_app()
    gate = tmp_path / "gate"
    queue = queue_for(app)
    job_id = queue.enqueue(session, clock, "sample.steps", {"steps": 2, "gate": str(gate)}, None)
    first = start_consumer()
    wait_for(app, job_id, lambda job: job.message == "等待放行")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    start_consumer()  # its start-up sweep finds the dead pid
    failed = wait_for(app, job_id, lambda job: job.status == "failed")
    assert failed.message == CRASHED_MESSAGE
    gate.touch()
    queue.retry(session, clock, job_id)
    done = wait_for(app, job_id, lambda job: job.status == "done")
    assert (done.message, done.attempts) == ("完成 2 步（第 2 次执行）", 2)


def test_a_consumer_stopped_with_sigterm_fails_its_unfinished_job_as_retryable(
    task_app: Callable[..., Flask], session: Session, clock: FixedClock,
    start_consumer: Callable[..., subprocess.Popen[bytes]], tmp_path: Path,
) -> None:
    app = task_app()
    gate = tmp_path / "gate"
    job_id = queue_for(app).enqueue(session, clock, "sample.steps", {"steps": 2, "gate": str(gate)}, None)
    consumer = start_consumer()
    wait_for(app, job_id, lambda job: job.message == "等待放行")
    consumer.send_signal(signal.SIGTERM)  # stop at once: the job is left unfinished, and says so
    assert consumer.wait(10) == 0
    stopped = wait_for(app, job_id, lambda job: job.status == "failed")
    assert stopped.message == STOPPED_MESSAGE
