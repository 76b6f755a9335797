"""Calendar dates as people write them: 2026-03-01, 2026/3/1, 2026年3月1日.

The one date parser of the project: the forms and the roster reader both read
dates through :func:`parse_date`.  A text that is no date raises
:class:`NotADate`; a date that does not exist (2026-02-30) raises
:class:`NoSuchDay`.  Both are :class:`ValueError`, so a caller that does not
care which may catch that.
"""

from __future__ import annotations

import datetime as dt
import re

DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)
# Spreadsheets exported by hand often write 2026.3.1; the roster has always accepted it.
DOTTED_FORM = re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})")


class NotADate(ValueError):
    """The text is in none of the accepted forms."""


class NoSuchDay(ValueError):
    """The text has a date's form but names a day the calendar does not have."""


def parse_date(text: str, *, dotted: bool = False) -> dt.date:
    """The date ``text`` names; ``dotted`` also accepts ``2026.3.1``."""
    forms = (*DATE_FORMS, DOTTED_FORM) if dotted else DATE_FORMS
    for form in forms:
        if match := form.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise NoSuchDay(text) from exc
    raise NotADate(text)
