"""Composing and sending reminders through the configured SMTP server (smtplib)."""

from __future__ import annotations

import smtplib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy.orm import Session

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock
from portal.signing_status.queries import DashboardFilter, StatusRow, status_rows

EVERYONE = DashboardFilter()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0
    sender: str = "handbook@localhost"

    @classmethod
    def from_config(cls, config: dict[str, object]) -> SmtpSettings:
        return cls(
            host=str(config["SMTP_HOST"]),
            port=int(str(config["SMTP_PORT"])),
            user=str(config["SMTP_USER"] or ""),
            password=str(config["SMTP_PASSWORD"] or ""),
            starttls=bool(config["SMTP_STARTTLS"]),
            timeout=float(str(config["SMTP_TIMEOUT"])),
            sender=str(config["MAIL_FROM"]),
        )


@contextmanager
def smtp_connection(smtp: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """One connection to the configured server, with STARTTLS and login when configured."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.user:
            server.login(smtp.user, smtp.password)
        yield server


@dataclass(frozen=True)
class ReminderOutcome:
    sent: int
    skipped_no_email: int
    failed: tuple[str, ...]


def compose(person: StatusRow, items: list[StatusRow], sender: str, portal_url: str) -> EmailMessage:
    """One message per person, listing every overdue regulation with its due date."""
    message = EmailMessage()
    message["Subject"] = f"【制度签署提醒】您有 {len(items)} 项制度逾期未签署"
    message["From"] = sender
    message["To"] = formataddr((person.name, person.email))
    message["Message-ID"] = make_msgid(domain="handbook.local")
    lines = [f"{person.name}（工号 {person.employee_no}）您好：", "", "以下制度已超过签署期限，请尽快阅读并签署："]
    lines += [f"  · 《{item.regulation}》（版本 {item.version}），截止日期 {item.due_on.isoformat()}" for item in items]
    lines += ["", f"请登录制度手册门户签署：{portal_url.rstrip('/')}/my", "", "人力资源部"]
    message.set_content("\n".join(lines))
    return message


def overdue_by_person(session: Session, criteria: DashboardFilter, clock: Clock) -> dict[str, list[StatusRow]]:
    grouped: dict[str, list[StatusRow]] = defaultdict(list)
    for row in status_rows(session, criteria, clock.today(), only="overdue"):
        grouped[row.employee_no].append(row)
    return dict(grouped)


def send_reminders(
    session: Session,
    clock: Clock,
    smtp: SmtpSettings,
    portal_url: str,
    criteria: DashboardFilter = EVERYONE,
    *,
    actor: User | None = None,
) -> ReminderOutcome:
    """Mail everyone with overdue items (within ``criteria``) over one SMTP connection."""
    people = overdue_by_person(session, criteria, clock)
    sendable = {no: items for no, items in people.items() if items[0].email}
    failed: list[str] = []
    if sendable:
        with smtp_connection(smtp) as server:
            for employee_no, items in sendable.items():
                try:
                    server.send_message(compose(items[0], items, smtp.sender, portal_url))
                except smtplib.SMTPException:
                    failed.append(employee_no)
    outcome = ReminderOutcome(len(sendable) - len(failed), len(people) - len(sendable), tuple(failed))
    audit(
        session, clock, "reminder", actor=actor,
        detail=f"已发送 {outcome.sent} 人，无邮箱 {outcome.skipped_no_email} 人，发送失败 {len(failed)} 人",
    )
    return outcome
