"""Failing the jobs whose consumer died (SIGKILL, power loss): they stay retryable.

A running job records its consumer's ``<host>:<pid>`` and a heartbeat.  A job of
this host whose process is gone is failed at once; a job of another host is failed
when its heartbeat is older than ``stale_seconds`` (that host may be down).  A job
whose process is alive is never touched, however long its last write waits for a
busy SQLite database.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from pathlib import Path

from sqlalchemy import Engine

from portal.clock import Clock, naive_utc
from portal.tasks import state

log = logging.getLogger(__name__)

CRASHED_MESSAGE = "任务执行进程意外中止，可以重试。"


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is a live process on this host (a zombie is not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_dead(job: state.RunningJob, host: str, now: dt.datetime, stale_seconds: float) -> bool:
    worker_host, _, pid = (job.worker or "").rpartition(":")
    if worker_host == host and pid.isdigit():
        return not process_alive(int(pid))
    heartbeat = job.heartbeat_at
    return heartbeat is None or heartbeat < naive_utc(now) - dt.timedelta(seconds=stale_seconds)


def sweep(engine: Engine, clock: Clock, stale_seconds: float, host: str | None = None) -> list[int]:
    """Fail the running jobs whose consumer is gone; returns their ids."""
    host = host or socket.gethostname()
    now = clock.now()
    failed = []
    for job in state.running(engine):
        if _is_dead(job, host, now, stale_seconds) and state.fail_running(
            engine, job.job_id, job.attempt, CRASHED_MESSAGE, now
        ):
            log.warning("job %s: its consumer %s is gone; marked failed", job.job_id, job.worker)
            failed.append(job.job_id)
    return failed
