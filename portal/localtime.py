"""Times as people read them: stored UTC shown in the configured zone (``TIME_ZONE``), and its "today".

The database keeps naive UTC (:func:`portal.clock.naive_utc`); everything a person sees or exports
goes through :func:`to_local`, the Jinja filters ``local`` / ``local_date`` registered by the app
factory, or the ``zone`` argument of :mod:`portal.exports`.  Due dates are whole days in the zone, so
the app's clock answers ``today()`` with the local date (:class:`LocalClock`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import HandbookError
from portal.clock import Clock

if TYPE_CHECKING:
    from flask import Flask

MINUTES = "%Y-%m-%d %H:%M"
SECONDS = "%Y-%m-%d %H:%M:%S"


def zone_named(name: str) -> ZoneInfo:
    """The zone of an IANA name ("Asia/Shanghai", "UTC"); a bad name stops the portal at start-up."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise HandbookError(f"Unknown TIME_ZONE {name!r}", user_message=f"未知的时区：{name}") from error


def to_local(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Pure: a stored time (naive means UTC) in ``zone``, without tzinfo (spreadsheets want naive)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


def format_local(moment: dt.datetime | dt.date | None, zone: dt.tzinfo, pattern: str = MINUTES) -> str:
    """Pure: "2026-01-02 04:00" for a stored UTC time; a plain date is already a local whole day."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        return to_local(moment, zone).strftime(pattern)
    return moment.isoformat()


def local_date(moment: dt.datetime | dt.date | None, zone: dt.tzinfo) -> str:
    """Pure: the local calendar day of a stored time ("2026-01-02"), or a date as it is."""
    return format_local(moment, zone, "%Y-%m-%d")


class LocalClock:
    """A clock whose ``today()`` is the date in ``zone``: due dates and "overdue" are local whole days."""

    def __init__(self, inner: Clock, zone: dt.tzinfo) -> None:
        self.inner = inner
        self.zone = zone

    def now(self) -> dt.datetime:
        return self.inner.now()

    def today(self) -> dt.date:
        return self.inner.now().astimezone(self.zone).date()


def register_filters(app: Flask, zone: dt.tzinfo) -> None:
    """``{{ ack.signed_at|local }}``, ``|local(seconds=True)``, ``|local_date`` in every template."""

    def local(moment: dt.datetime | dt.date | None, seconds: bool = False) -> str:
        return format_local(moment, zone, SECONDS if seconds else MINUTES)

    def day(moment: dt.datetime | dt.date | None) -> str:
        return local_date(moment, zone)

    app.jinja_env.filters["local"] = local
    app.jinja_env.filters["local_date"] = day
