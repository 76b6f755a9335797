"""What the queue needs to know of a job beyond its visible state: payload, attempts, heartbeat.

One row per job run through the queue, beside the job's row (``jobs``: status,
progress, message), which the pages show.  Jobs of the old thread runner have none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base


class TaskRun(Base):
    __tablename__ = "task_runs"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    # The arguments of the task function, kept so that a retry runs the same work.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # huey's id of the latest message for this job (a retry sends a new one).
    queue_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # "<host>:<pid>" of the consumer running it, and its last sign of life.
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
