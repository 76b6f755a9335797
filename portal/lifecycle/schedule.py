"""Pure date arithmetic of review cycles and re-attestation rounds (values in, values out)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

STATE_LABELS = {"ok": "正常", "due": "待复审", "overdue": "已逾期", "lapsed": "超过复审期限"}


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month (2026-01-31 + 1 → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Cycle:
    """The review rules in force: interval, when the owner's task opens, the grace before readers are told."""

    review_months: int
    lead_days: int
    grace_days: int

    def due_on(self, in_force_since: dt.date, reviewed_on: dt.date | None) -> dt.date:
        """The next review: ``review_months`` after the later of the text's effective day and the last confirmation."""
        start = max(in_force_since, reviewed_on) if reviewed_on else in_force_since
        return add_months(start, self.review_months)

    def opens_on(self, due_on: dt.date) -> dt.date:
        return due_on - dt.timedelta(days=self.lead_days)

    def state(self, due_on: dt.date, today: dt.date) -> str:
        """ok → due (the owner's task is open) → overdue (HR sees it) → lapsed (every reader sees it)."""
        if today > due_on + dt.timedelta(days=self.grace_days):
            return "lapsed"
        if today > due_on:
            return "overdue"
        if today >= self.opens_on(due_on):
            return "due"
        return "ok"


def reattest_due(last_signed_on: dt.date, months: int) -> dt.date:
    """The day a person is asked again: ``months`` after the local day of their last counting signature."""
    return add_months(last_signed_on, months)
