"""Reminders before each due day, sent by the task consumer (as the signing follow-up, portal/reminders).

Once a local day, from ``RUN_HOUR``, the consumer's periodic check queues one run (claimed in
``duty_reminder_runs``, so two hosts queue it once).  The run mails each person with an address the duties
of theirs falling due within their lead time (``LEAD_DAYS``).  Each (person, duty, due day) is *claimed*
in ``duty_reminders`` and committed before the mail goes; a second run finds the keys taken and sends
nothing for them; a mail the server refused gives its keys back for the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge.obligations import describe
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.duties.models import DutyReminder, DutyReminderRun
from portal.duties.services import Duty, duties_in_force, duties_of_person
from portal.reminders.services import SmtpSettings, smtp_connection

log = logging.getLogger(__name__)

RUN_HOUR = 8
# How many days ahead a duty is announced, by how often it recurs (a daily duty needs no reminder).
LEAD_DAYS = {"weekly": 1, "monthly": 3, "quarterly": 7, "half-yearly": 7, "yearly": 14, "once": 7}


@dataclass(frozen=True)
class Due:
    day: dt.date
    duty: Duty


def due_soon(duties: Sequence[Duty], today: dt.date) -> list[Due]:
    """The duties whose next due day is within their lead time from today (today included), soonest first."""
    out = []
    for duty in duties:
        lead = LEAD_DAYS.get(duty.obligation.schedule.kind)
        if lead is None:
            continue
        day = duty.obligation.schedule.first_due(today)
        if day is not None and (day - today).days <= lead:
            out.append(Due(day, duty))
    return sorted(out, key=lambda d: (d.day, d.duty.key))


@dataclass(frozen=True)
class RunOutcome:
    mails: int
    items: int
    failed: int

    def text(self) -> str:
        done = f"已发送 {self.mails} 封职责提醒，共 {self.items} 项。"
        return done + (f"{self.failed} 封发送失败，下次运行时重试。" if self.failed else "")


def local_now(clock: Clock) -> dt.datetime:
    zone = getattr(clock, "zone", None)
    return clock.now().astimezone(zone if isinstance(zone, dt.tzinfo) else dt.UTC)


def claim_day(session: Session, clock: Clock) -> dt.date | None:
    """Today's run if its hour has come and nobody queued it yet (committed; one per day)."""
    now = local_now(clock)
    if now.hour < RUN_HOUR or session.get(DutyReminderRun, now.date()) is not None:
        return None
    session.add(DutyReminderRun(run_day=now.date(), queued_at=naive_utc(clock.now())))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return now.date()


def _claim(session: Session, clock: Clock, user: User, items: list[Due], task_id: int | None) -> list[Due]:
    """The items nobody has reminded this person of yet, now claimed (each committed on its own)."""
    claimed = []
    for item in items:
        session.add(DutyReminder(user_id=user.id, duty_key=item.duty.key[:200], due_on=item.day,
                                 sent_at=naive_utc(clock.now()), task_id=task_id))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        claimed.append(item)
    return claimed


def _give_back(session: Session, user: User, items: list[Due]) -> None:
    for item in items:
        session.execute(delete(DutyReminder).where(DutyReminder.user_id == user.id,
                                                   DutyReminder.duty_key == item.duty.key[:200],
                                                   DutyReminder.due_on == item.day))
    session.commit()


def compose(user: User, items: list[Due], sender: str, base_url: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"【职责提醒】您有 {len(items)} 项职责即将到期"
    message["From"] = sender
    message["To"] = formataddr((user.name, user.email))
    message["Message-ID"] = make_msgid(domain="handbook.local")
    lines = [f"{user.name}，您好：", "", "以下制度规定的职责即将到期："]
    for item in items:
        duty = item.duty
        link = f"{base_url.rstrip('/')}/regulations/{duty.slug}" + (f"#{duty.anchor}" if duty.anchor else "")
        lines += ["", f"· {item.day:%Y-%m-%d}（{describe(duty.obligation.schedule)}）{duty.obligation.what}",
                  f"  依据：《{duty.title}》{duty.anchor or '序言'}  {link}"]
    lines += ["", f"全部职责与日历订阅：{base_url.rstrip('/')}/my/duties", "", "此邮件由制度手册门户自动发送。"]
    message.set_content("\n".join(lines))
    return message


def run_reminders(session: Session, clock: Clock, smtp: SmtpSettings, base_url: str,
                  task_id: int | None = None) -> RunOutcome:
    today = local_now(clock).date()
    duties = duties_in_force(session)
    users = session.scalars(select(User).where(User.active.is_(True), User.email != "").order_by(User.id)).all()
    mails = items_sent = failed = 0
    for user in users:
        items = _claim(session, clock, user, due_soon(duties_of_person(duties, user), today), task_id)
        if not items:
            continue
        try:
            with smtp_connection(smtp) as server:
                server.send_message(compose(user, items, smtp.sender, base_url))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("duty reminder to user %s failed: %s", user.id, exc)
            _give_back(session, user, items)
            failed += 1
            continue
        mails, items_sent = mails + 1, items_sent + len(items)
    return RunOutcome(mails, items_sent, failed)
