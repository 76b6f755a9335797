"""The one date parser."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.dates import NoSuchDay, NotADate, parse_date


@pytest.mark.parametrize("text", ["2026-03-01", "2026-3-1", "2026/3/1", "2026/03/01", "2026年3月1日"])
def test_the_three_written_forms_name_the_same_day(text: str) -> None:
    assert parse_date(text) == dt.date(2026, 3, 1)


def test_the_dotted_form_is_read_only_when_asked_for() -> None:
    assert parse_date("2026.3.1", dotted=True) == dt.date(2026, 3, 1)
    with pytest.raises(NotADate):
        parse_date("2026.3.1")


@pytest.mark.parametrize("text", ["", "2026", "3/1/2026", "2026-03", "二〇二六年三月一日", " 2026-03-01"])
def test_texts_in_no_accepted_form_are_not_dates(text: str) -> None:
    with pytest.raises(NotADate):
        parse_date(text)


def test_a_day_the_calendar_lacks_is_told_apart_from_a_bad_form() -> None:
    with pytest.raises(NoSuchDay):
        parse_date("2026-02-30")
    with pytest.raises(ValueError):
        parse_date("2026/13/01")
