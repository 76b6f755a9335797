"""The daily lifecycle run (a task queued once a local day by the consumer's periodic check):
open the owners' review tasks that have come due and mail each owner once; open re-attestation rounds."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.clock import Clock, naive_utc
from portal.lifecycle.attestation import open_rounds
from portal.lifecycle.models import LifecycleRun
from portal.lifecycle.reviews import Standing, all_standings, open_review, settings_row
from portal.reminders.services import SmtpSettings, smtp_connection

log = logging.getLogger(__name__)


def zone_of(clock: Clock) -> dt.tzinfo:
    """The portal's zone: the app's clock is a LocalClock (portal/localtime.py)."""
    zone = getattr(clock, "zone", None)
    return zone if isinstance(zone, dt.tzinfo) else dt.UTC


@dataclass(frozen=True)
class DailyOutcome:
    reviews_opened: int
    owners_mailed: int
    mail_failures: int
    rounds_opened: int

    def text(self) -> str:
        return (f"新开复审任务 {self.reviews_opened} 项，通知负责人 {self.owners_mailed} 封"
                + (f"（{self.mail_failures} 封发送失败）" if self.mail_failures else "")
                + f"；重新确认 {self.rounds_opened} 人次。")


def review_mail(standing: Standing, base_url: str, sender: str) -> EmailMessage:
    assert standing.owner is not None
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((standing.owner.name, standing.owner.email))
    message["Subject"] = f"制度复审：《{standing.regulation.title}》请于 {standing.due_on.isoformat()} 前完成复审"
    message["Message-ID"] = make_msgid(domain="handbook")
    message.set_content(
        f"{standing.owner.name}：\n\n"
        f"您负责的《{standing.regulation.title}》（版本 {standing.version.label}）应于 {standing.due_on.isoformat()} 前复审。\n"
        f"请阅读现行文本，确认无需修订，或提出修订稿：\n{base_url.rstrip('/')}/my/reviews\n"
    )
    return message


def open_due_reviews(session: Session, clock: Clock, smtp: SmtpSettings | None, base_url: str) -> tuple[int, int, int]:
    """Reviews whose window has opened get their row (the owner's task); each new one is mailed once."""
    opened = mailed = failed = 0
    letters = []
    for standing in all_standings(session, clock.today()):
        if standing.state == "ok" or standing.review is not None:
            continue
        review = open_review(session, clock, standing)
        opened += 1
        if standing.owner is not None and standing.owner.email and not review.mailed:
            letters.append((review, standing))
    session.commit()  # the tasks exist whatever the mail server does
    if letters and smtp is not None:
        try:
            with smtp_connection(smtp) as server:
                for review, standing in letters:
                    try:
                        server.send_message(review_mail(standing, base_url, smtp.sender))
                    except smtplib.SMTPException as error:
                        log.warning("review mail to user %s refused: %s", standing.owner.id if standing.owner else 0, error)
                        failed += 1
                        continue
                    review.mailed = True
                    mailed += 1
        except (OSError, smtplib.SMTPException) as error:
            log.warning("review mails not sent, SMTP unavailable: %s", error)
            failed += len(letters) - mailed
        session.commit()
    return opened, mailed, failed


def run_daily(session: Session, clock: Clock, smtp: SmtpSettings | None, base_url: str) -> DailyOutcome:
    opened, mailed, failed = open_due_reviews(session, clock, smtp, base_url)
    rounds = open_rounds(session, clock, zone_of(clock), settings_row(session).reattest_due_days)
    session.commit()
    log.info("lifecycle run: %d reviews opened, %d mailed, %d re-attestation rounds", opened, mailed, len(rounds))
    return DailyOutcome(opened, mailed, failed, len(rounds))


def claim_day(session: Session, clock: Clock) -> dt.date | None:
    """Today's (local) run, if nobody queued it yet (committed; unique per day across hosts)."""
    day = clock.now().astimezone(zone_of(clock)).date()
    if session.get(LifecycleRun, day) is not None:
        return None
    session.add(LifecycleRun(run_day=day, queued_at=naive_utc(clock.now())))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return day
