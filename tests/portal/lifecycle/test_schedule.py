"""The pure date arithmetic of review cycles and re-attestation."""

from __future__ import annotations

import datetime as dt

from portal.lifecycle.schedule import Cycle, add_months, reattest_due


def test_months_are_added_by_the_calendar_and_the_31st_shrinks_to_the_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)
    assert add_months(dt.date(2026, 3, 2), 12) == dt.date(2027, 3, 2)


def test_a_review_runs_from_the_later_of_the_effective_day_and_the_last_confirmation() -> None:
    cycle = Cycle(review_months=12, lead_days=30, grace_days=30)
    assert cycle.due_on(dt.date(2026, 3, 2), None) == dt.date(2027, 3, 2)
    assert cycle.due_on(dt.date(2026, 3, 2), dt.date(2027, 2, 10)) == dt.date(2028, 2, 10)
    assert cycle.due_on(dt.date(2026, 3, 2), dt.date(2025, 1, 1)) == dt.date(2027, 3, 2)  # a new version since


def test_the_state_moves_from_ok_to_due_to_overdue_to_lapsed() -> None:
    cycle = Cycle(review_months=12, lead_days=30, grace_days=10)
    due = dt.date(2027, 3, 2)
    assert cycle.state(due, dt.date(2027, 1, 30)) == "ok"
    assert cycle.state(due, dt.date(2027, 1, 31)) == "due"  # the owner's task opens 30 days before
    assert cycle.state(due, due) == "due"
    assert cycle.state(due, dt.date(2027, 3, 3)) == "overdue"
    assert cycle.state(due, dt.date(2027, 3, 12)) == "overdue"
    assert cycle.state(due, dt.date(2027, 3, 13)) == "lapsed"


def test_a_yearly_re_attestation_falls_a_year_after_the_last_signature() -> None:
    assert reattest_due(dt.date(2026, 3, 2), 12) == dt.date(2027, 3, 2)
    assert reattest_due(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
