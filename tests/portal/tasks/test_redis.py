"""Several hosts: the same queue through RedisHuey on a real redis-server."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.clock import FixedClock
from portal.tasks.queue import queue_file, queue_for
from tests.portal.tasks.conftest import wait_for

pytestmark = pytest.mark.slow


def test_a_job_runs_through_redis_when_the_setting_says_so(
    task_app: Callable[..., Flask], session: Session, clock: FixedClock, redis_url: str,
    start_consumer: Callable[..., subprocess.Popen[bytes]], tmp_path: Path,
) -> None:
    app = task_app(TASK_QUEUE_URL=redis_url, TASK_QUEUE_NAME="handbook-test")
    queue = queue_for(app)
    assert type(queue.huey).__name__ == "RedisHuey"
    job_id = queue.enqueue(session, clock, "sample.steps", {"steps": 3}, None)
    assert queue.pending() == 1
    start_consumer(TASK_QUEUE_URL=redis_url, TASK_QUEUE_NAME="handbook-test")
    done = wait_for(app, job_id, lambda job: job.status == "done")
    assert (done.progress, done.message) == (100, "完成 3 步（第 1 次执行）")
    assert queue.pending() == 0
    assert not queue_file(tmp_path).exists()  # nothing went through the embedded queue
