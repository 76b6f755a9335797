"""``handbook serve`` starts a consumer beside gunicorn and stops it with the server."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.clock import FixedClock
from portal.tasks.queue import queue_for
from portal.tasks.runs import TaskRun
from portal.tasks.sweep import process_alive
from tests.portal.tasks.conftest import REPO, free_port, task_environment, wait_for

pytestmark = pytest.mark.slow


def test_serve_runs_queued_jobs_and_stops_its_consumer_when_it_stops(
    task_app: Callable[..., Flask], session: Session, clock: FixedClock, database_url: str, tmp_path: Path,
) -> None:
    app = task_app()
    job_id = queue_for(app).enqueue(session, clock, "sample.steps", {"steps": 2}, None)
    arguments = ["--root", str(tmp_path), "serve", "--port", str(free_port()), "--workers", "1"]
    server = subprocess.Popen(
        [sys.executable, "-c", "from cli.main import main; main()", *arguments],
        cwd=REPO, env=task_environment(database_url, SECRET_KEY="serve-test"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(app, job_id, lambda job: job.status == "done", timeout=60)
    finally:
        server.terminate()
        server.wait(30)
    session.expire_all()
    run = session.get(TaskRun, job_id)
    assert run is not None and run.worker
    consumer_pid = int(run.worker.rpartition(":")[2])
    deadline = time.monotonic() + 10
    while process_alive(consumer_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not process_alive(consumer_pid)
