"""Fixtures for the task queue: a consumer child process for the test's root, a real redis-server.

The consumer runs ``python -m portal.tasks.consumer`` on the test's database and root
(so its SQLite queue is ``<tmp>/var/tasks.sqlite3``), with fast heartbeats and sweeps.
redis-server is installed by scripts/setup; a machine without it fails these tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from portal.extensions import db
from portal.tasks import state
from tests.portal.tasks import sample_kinds

REPO = Path(__file__).resolve().parents[3]
FAST = {
    "TASK_HEARTBEAT_SECONDS": "0.2",
    "TASK_STALE_SECONDS": "2",
    "TASK_SWEEP_SECONDS": "1",
    "TASK_POLL_SECONDS": "0.1",
    "TASK_SHUTDOWN_SECONDS": "2",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def task_environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ, **FAST, "DATABASE_URL": database_url, "TASK_MODULES": sample_kinds.MODULE,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])), **extra,
    }


@pytest.fixture
def task_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """An app whose queue knows the sample kinds (and, given ``TASK_QUEUE_URL``, uses Redis)."""

    def build(**overrides: object) -> Flask:
        return make_app(TASK_MODULES=(sample_kinds.MODULE,), **overrides)

    return build


def engine_of(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


def wait_for(app: Flask, job_id: int, done: Callable[[state.JobView], bool], timeout: float = 20.0) -> state.JobView:
    """Poll the job from a fresh session each time (as a page reload does) until ``done``."""
    factory = sessionmaker(bind=engine_of(app))
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        with factory() as session:
            seen = state.view(session, job_id)
        if seen is not None and done(seen):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not get there in {timeout} s; last seen: {seen}")


@pytest.fixture
def start_consumer(database_url: str, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start consumer children for the test's root; each is stopped (or killed) at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"consumer-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "portal.tasks.consumer", "--root", str(tmp_path)],
            cwd=REPO, env=task_environment(database_url, **extra), stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def session_of() -> Callable[[Flask], Session]:
    def open_session(app: Flask) -> Session:
        return sessionmaker(bind=engine_of(app), expire_on_commit=False)()

    return open_session


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on a free loopback port, without persistence, for this test only."""
    server = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if server is None:
        pytest.fail("redis-server is not installed: run scripts/setup (it installs the Debian package redis-server)")
    import redis

    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path), "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(10)
