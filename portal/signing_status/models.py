"""Completion counters: the dashboard's numbers, kept by the operations that change them.

One row per (department, regulation, version, due date).  ``version_id`` 0 counts the assignments
themselves; any other value counts the assignments of active people in that department whose person
signed that version.  The dashboard sums the rows of the versions that count for each regulation's
target (same baseline), so a revision needs no write here, and a past release can be read too.
The due date is kept so "overdue" (due before today) needs no daily job.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base

ASSIGNED = 0
"""The ``version_id`` of the rows that count assignments (version ids start at 1)."""


class CompletionCounter(Base):
    __tablename__ = "completion_counters"

    department: Mapped[str] = mapped_column(String(100), primary_key=True)
    regulation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
