"""Starting a background task in a thread and reporting its progress."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from domain.errors import HandbookError
from portal.clock import Clock, naive_utc
from portal.tasks.models import Task

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


def create_task(session: Session, clock: Clock, kind: str, created_by_id: int | None) -> Task:
    task = Task(kind=kind, status="queued", progress=0, created_by_id=created_by_id, created_at=naive_utc(clock.now()))
    session.add(task)
    session.flush()
    return task


def _update(factory: sessionmaker[Session], task_id: int, *, best_effort: bool = False, **values: object) -> None:
    """Write the task's state.  Progress is best effort: on SQLite the work itself may hold
    the only write lock, and a progress bar must never stall or fail the work."""
    engine = factory.kw["bind"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if best_effort and sqlite:
            connection.exec_driver_sql("PRAGMA busy_timeout=100")
        try:
            connection.execute(update(Task).where(Task.id == task_id).values(**values))
            connection.commit()
        except OperationalError:
            connection.rollback()
            if not best_effort:
                raise
            log.debug("progress of task %s skipped: database busy", task_id)
        finally:
            if best_effort and sqlite:
                connection.exec_driver_sql("PRAGMA busy_timeout=15000")


def run_task(
    factory: sessionmaker[Session],
    clock: Clock,
    task_id: int,
    work: Callable[[Session, Progress], str],
) -> None:
    """Run ``work`` in its own session; ``work`` reports progress and returns the final message."""

    def progress(percent: int, message: str) -> None:
        _update(factory, task_id, best_effort=True, status="running", progress=max(0, min(percent, 100)), message=message)

    progress(1, "开始")
    try:
        with factory() as session:
            message = work(session, progress)
            session.commit()
    except HandbookError as error:
        log.warning("task %s failed: %s", task_id, error)
        _update(factory, task_id, status="failed", message=error.user_message, finished_at=naive_utc(clock.now()))
        return
    except Exception:
        log.exception("task %s crashed", task_id)
        _update(factory, task_id, status="failed", message="内部错误，详情见服务器日志。", finished_at=naive_utc(clock.now()))
        return
    _update(factory, task_id, status="done", progress=100, message=message, finished_at=naive_utc(clock.now()))


def start_in_thread(
    factory: sessionmaker[Session],
    clock: Clock,
    task_id: int,
    work: Callable[[Session, Progress], str],
) -> threading.Thread:
    thread = threading.Thread(target=run_task, args=(factory, clock, task_id, work), daemon=True, name=f"task-{task_id}")
    thread.start()
    return thread
