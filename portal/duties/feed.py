"""A person's duties as an iCalendar file (RFC 5545), for a calendar application to subscribe to.

All-day events on the due day (no time zone to get wrong), a recurrence rule for recurring duties, and an
alarm the day before so the calendar itself reminds.  Event-relative duties (签订后三日内) have no day of
their own and are left out: the person's page lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from icalendar import Alarm, Calendar, Event

from knowledge.obligations import describe
from portal.duties.services import Duty


def summary_of(duty: Duty) -> str:
    what = duty.obligation.what
    return what if len(what) <= 40 else what[:39] + "…"


def calendar_of(name: str, duties: Sequence[Duty], today: dt.date, now: dt.datetime,
                link: Callable[[Duty], str]) -> bytes:
    """The feed; ``link`` gives a duty's clause URL (absolute), ``now`` the DTSTAMP (UTC)."""
    cal = Calendar()
    cal.add("prodid", "-//policy-handbook//duties//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{name}的职责")
    for duty in duties:
        event = _event(duty, today, now, link(duty))
        if event is not None:
            cal.add_component(event)
    body: bytes = cal.to_ical()
    return body


def _event(duty: Duty, today: dt.date, now: dt.datetime, url: str) -> Event | None:
    schedule = duty.obligation.schedule
    start = schedule.first_due(today)
    if start is None:
        return None
    event = Event()
    event.add("uid", f"{duty.key}@policy-handbook")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(days=1))
    event.add("summary", summary_of(duty))
    who = duty.obligation.who or "未写明"
    event.add("description", f"{duty.obligation.what}\n负责：{who}\n时限：{describe(schedule)}\n"
                             f"依据：《{duty.title}》{duty.anchor}\n{url}")
    event.add("url", url)
    rule = schedule.rrule()
    if rule:
        event.add("rrule", rule)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"明天到期：{summary_of(duty)}")
    alarm.add("trigger", dt.timedelta(days=-1))
    event.add_component(alarm)
    return event
