"""The registry of task kinds, the failure messages, the settings, and one job run in-process."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.errors import HandbookError, ImportFailed
from portal.clock import FixedClock, naive_utc
from portal.config import from_environment
from portal.tasks import state
from portal.tasks.queue import QUEUE_UNAVAILABLE, QueueUnavailable, build_queue, make_huey, queue_file
from portal.tasks.registry import TaskContext, TaskRegistry, UnknownTaskKind
from portal.tasks.runner import INTERNAL_ERROR, Runner, failure_message
from portal.tasks.runs import TaskRun
from portal.tasks.sweep import CRASHED_MESSAGE, sweep
from tests.portal.tasks import sample_kinds
from tests.portal.tasks.conftest import engine_of, free_port


def _noop(context: TaskContext) -> str:
    return "ok"


def test_a_kind_is_found_by_the_name_it_was_registered_under() -> None:
    kinds = TaskRegistry()
    kinds.kind("reminders.bulk")(_noop)
    assert kinds.get("reminders.bulk") is _noop
    assert "reminders.bulk" in kinds
    assert kinds.kinds() == ["reminders.bulk"]


def test_a_kind_cannot_be_registered_twice_by_different_functions() -> None:
    kinds = TaskRegistry()
    kinds.add("publish", _noop)
    kinds.add("publish", _noop)  # the same function again (a module imported twice) is fine
    with pytest.raises(ValueError, match="already registered"):
        kinds.add("publish", lambda context: "other")


def test_an_unknown_kind_is_a_lookup_error() -> None:
    with pytest.raises(UnknownTaskKind):
        TaskRegistry().get("nothing")


def test_a_handbook_error_keeps_its_chinese_message_and_anything_else_is_internal() -> None:
    assert failure_message(ImportFailed("too large", sample_kinds.TOO_LARGE)) == sample_kinds.TOO_LARGE
    assert failure_message(HandbookError("plain")) == "操作失败。"
    assert failure_message(RuntimeError("boom")) == INTERNAL_ERROR == "内部错误，详情见服务器日志。"


def test_task_settings_come_from_the_environment_with_their_types() -> None:
    values = from_environment({
        "TASK_QUEUE_URL": "redis://127.0.0.1:6379/0", "TASK_WORKERS": "2", "TASK_STALE_SECONDS": "1.5",
        "TASK_MODULES": "a.tasks, b.tasks", "TASK_CONSUMER": "0",
    })
    assert values == {
        "TASK_QUEUE_URL": "redis://127.0.0.1:6379/0", "TASK_WORKERS": 2, "TASK_STALE_SECONDS": 1.5,
        "TASK_MODULES": ("a.tasks", "b.tasks"), "TASK_CONSUMER": False,
    }


def test_the_embedded_queue_lives_in_var_and_redis_is_chosen_by_url(tmp_path: Path) -> None:
    sqlite = make_huey({"HANDBOOK_ROOT": tmp_path})
    assert type(sqlite).__name__ == "SqliteHuey" and queue_file(tmp_path) == tmp_path / "var" / "tasks.sqlite3"
    assert queue_file(tmp_path).exists()
    assert type(make_huey({"HANDBOOK_ROOT": tmp_path, "TASK_QUEUE_URL": "redis://127.0.0.1:1/0"})).__name__ == "RedisHuey"
    with pytest.raises(ValueError, match="redis://"):
        make_huey({"HANDBOOK_ROOT": tmp_path, "TASK_QUEUE_URL": "amqp://x"})


def _view(session: Session, job_id: int) -> state.JobView:
    session.expire_all()
    job = state.view(session, job_id)
    assert job is not None
    return job


def _queued(session: Session, clock: FixedClock, kind: str, payload: dict[str, object]) -> int:
    job_id = state.create(session, clock, kind, payload, None)
    session.commit()
    return job_id


def test_a_job_runs_to_done_with_its_message(app: Flask, session: Session, clock: FixedClock) -> None:
    job_id = _queued(session, clock, "sample.steps", {"steps": 4})
    Runner(app)(job_id)
    job = _view(session, job_id)
    assert (job.status, job.progress, job.message, job.attempts) == ("done", 100, "完成 4 步（第 1 次执行）", 1)
    assert job.finished_at == naive_utc(clock.now())


def test_a_refusal_reaches_the_job_unchanged_and_a_crash_is_logged(
    app: Flask, session: Session, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    refused = _queued(session, clock, "sample.refuse", {})
    crashed = _queued(session, clock, "sample.crash", {})
    runner = Runner(app)
    with caplog.at_level(logging.INFO, logger="portal.tasks"):
        runner(refused)
        runner(crashed)
    assert _view(session, refused).message == sample_kinds.TOO_LARGE
    failed = _view(session, crashed)
    assert (failed.status, failed.message) == ("failed", INTERNAL_ERROR)
    crash_records = [r for r in caplog.records if r.exc_info and "crashed" in r.getMessage()]
    assert crash_records and "the sample task crashed on purpose" in caplog.text


def test_a_job_is_run_once_even_if_its_message_comes_twice(app: Flask, session: Session, clock: FixedClock) -> None:
    job_id = _queued(session, clock, "sample.steps", {"steps": 1})
    runner = Runner(app)
    runner(job_id)
    runner(job_id)
    assert _view(session, job_id).attempts == 1


def _running(session: Session, job_id: int, worker: str, heartbeat: dt.datetime) -> None:
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    state.claim(bind, job_id, worker, heartbeat)


def test_the_sweep_fails_dead_consumers_jobs_and_leaves_live_ones(app: Flask, session: Session, clock: FixedClock) -> None:
    host = socket.gethostname()
    now = clock.now()
    beat_long_ago = now - dt.timedelta(minutes=5)
    dead_here, alive_here, silent_elsewhere, beating_elsewhere = (
        _queued(session, clock, "sample.steps", {"steps": 1}) for _ in range(4)
    )
    _running(session, dead_here, f"{host}:999999999", now)
    _running(session, alive_here, f"{host}:{os.getpid()}", beat_long_ago)
    _running(session, silent_elsewhere, "other-host:123", beat_long_ago)
    _running(session, beating_elsewhere, "other-host:124", now - dt.timedelta(seconds=5))
    assert sweep(engine_of(app), clock, stale_seconds=60) == [dead_here, silent_elsewhere]
    assert {job_id: _view(session, job_id).status for job_id in (dead_here, alive_here, silent_elsewhere, beating_elsewhere)} == {
        dead_here: "failed", alive_here: "running", silent_elsewhere: "failed", beating_elsewhere: "running",
    }
    assert _view(session, dead_here).message == CRASHED_MESSAGE == "任务执行进程意外中止，可以重试。"


def test_enqueue_commits_the_job_then_hands_its_id_to_the_queue(
    task_app: Callable[..., Flask], session: Session, clock: FixedClock
) -> None:
    queue = build_queue(task_app().config)
    job_id = queue.enqueue(session, clock, "sample.steps", {"steps": 2}, None)
    session.expire_all()
    run = session.get(TaskRun, job_id)
    assert run is not None and run.payload == {"steps": 2} and run.queue_id
    assert _view(session, job_id).status == "queued"
    assert queue.pending() == 1


def test_only_a_failed_job_can_be_retried_and_unknown_kinds_are_refused(
    task_app: Callable[..., Flask], session: Session, clock: FixedClock
) -> None:
    queue = build_queue(task_app().config)
    with pytest.raises(ValueError, match="unknown task kind"):
        queue.enqueue(session, clock, "sample.nothing", {}, None)
    job_id = queue.enqueue(session, clock, "sample.steps", {"steps": 1}, None)
    with pytest.raises(state.NotRetryable) as refused:
        queue.retry(session, clock, job_id)
    assert refused.value.user_message == "只有失败的任务可以重试。"


def test_a_job_the_queue_cannot_take_is_failed_with_the_reason_and_stays_retryable(
    task_app: Callable[..., Flask], session: Session, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    queue = build_queue(task_app(TASK_QUEUE_URL=nobody_listens).config)
    with caplog.at_level(logging.ERROR, logger="portal.tasks"), pytest.raises(QueueUnavailable) as refused:
        queue.enqueue(session, clock, "sample.steps", {"steps": 1}, None)
    assert refused.value.user_message == QUEUE_UNAVAILABLE == "任务队列暂时不可用，请稍后重试。"
    job = _view(session, 1)
    assert (job.status, job.message, job.payload) == ("failed", QUEUE_UNAVAILABLE, {"steps": 1})
    with pytest.raises(QueueUnavailable):
        queue.retry(session, clock, job.id)  # still no queue: refused again, the job still failed
    assert _view(session, job.id).status == "failed"
