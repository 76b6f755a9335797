"""After a publish: one mail to each person who must now read and sign a new or revised regulation."""

from __future__ import annotations

import smtplib
from collections import defaultdict
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.services import record as audit
from portal.clock import Clock
from portal.releases.models import Regulation
from portal.releases.services import PublishOutcome
from portal.reminders.services import EVERYONE, SmtpSettings, smtp_connection
from portal.signing_status.queries import StatusRow, status_rows


def compose_notice(person: StatusRow, items: list[StatusRow], version: str, summary: str, sender: str,
                   portal_url: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"【制度发布】请阅读并签署 {len(items)} 项新发布或修订的制度"
    message["From"] = sender
    message["To"] = formataddr((person.name, person.email))
    message["Message-ID"] = make_msgid(domain="handbook.local")
    lines = [f"{person.name}（工号 {person.employee_no}）您好：", "", f"制度手册已发布版本 {version}。"]
    if summary:
        lines += [f"变更摘要：{summary}"]
    lines += ["", "以下制度需要您阅读并签署："]
    lines += [f"  · 《{item.regulation}》（版本 {item.version}），请于 {item.due_on.isoformat()} 前签署" for item in items]
    lines += ["", f"请登录制度手册门户签署：{portal_url.rstrip('/')}/my", "", "人力资源部"]
    message.set_content("\n".join(lines))
    return message


def notify_publication(
    session: Session, clock: Clock, smtp: SmtpSettings, portal_url: str, outcome: PublishOutcome, summary: str = ""
) -> int:
    """Mail the people with an unsigned assignment of a regulation this release made new or substantive."""
    changed = {d.slug for d in outcome.documents if d.status in ("new", "substantive")}
    if not changed:
        return 0
    ids = set(session.scalars(select(Regulation.id).where(Regulation.slug.in_(changed))))
    people: dict[str, list[StatusRow]] = defaultdict(list)
    for row in status_rows(session, EVERYONE, clock.today(), only="unsigned"):
        if row.regulation_id in ids and row.email:
            people[row.employee_no].append(row)
    sent = 0
    if people:
        with smtp_connection(smtp) as server:
            for items in people.values():
                try:
                    server.send_message(compose_notice(items[0], items, outcome.version, summary, smtp.sender, portal_url))
                    sent += 1
                except smtplib.SMTPException:
                    continue
    audit(session, clock, "publish_notice", target=f"版本 {outcome.version}", detail=f"已通知 {sent} 人")
    return sent
