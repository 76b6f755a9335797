"""Follow-up that runs itself: a daily run reminds before and after the deadline, escalates to the
department manager, and mails HR a weekly summary (docs/reminders.md).

Idempotent by construction: every mail first *claims* the keys of what it covers (step, person,
regulation, due date) in ``followup_claims`` and commits; a second run — the same day, or another
host's at the same moment — fails that insert on the primary key and sends nothing for those keys.
Only then is the mail sent; a mail the server refused gives its keys back for the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.access import Role
from portal.auth.models import User, UserRole
from portal.clock import Clock, naive_utc
from portal.reading.titles import TitleMarks, same_title_marks
from portal.releases.models import Regulation
from portal.reminders.models import FollowupClaim, FollowupMail, FollowupRun, FollowupSettings
from portal.reminders.services import EVERYONE, SmtpSettings, smtp_connection
from portal.signing_status.queries import StatusRow, completion_matrix, status_rows

log = logging.getLogger(__name__)

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAILS = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates" / "mail"),
                    autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


@dataclass(frozen=True)
class Schedule:
    """The settings as values (pure checks below); read from ``followup_settings``."""

    enabled: bool = True
    run_hour: int = 9
    quiet_weekdays: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[dt.date] = frozenset()
    before_days: int = 3
    after_days: int = 1
    escalate_days: int = 7
    summary_weekday: int = 0

    def is_quiet(self, day: dt.date) -> bool:
        return day.weekday() in self.quiet_weekdays or day in self.holidays

    def due_now(self, local_now: dt.datetime) -> bool:
        """Whether the scheduled run of this local day should start (it then runs once that day)."""
        return self.enabled and local_now.hour >= self.run_hour and not self.is_quiet(local_now.date())

    def steps(self, due_on: dt.date, today: dt.date) -> list[str]:
        """The reminder steps an unsigned item has reached today (0 days in a setting turns its step off)."""
        late = (today - due_on).days
        steps = []
        if self.before_days > 0 and -self.before_days <= late <= 0:
            steps.append("before")
        if self.after_days > 0 and late >= self.after_days:
            steps.append("after")
        if self.escalate_days > 0 and late >= self.escalate_days:
            steps.append("escalation")
        return steps

    def summary_due(self, today: dt.date) -> bool:
        return today.weekday() >= self.summary_weekday

    def quiet_text(self) -> str:
        return "、".join(WEEKDAYS[d] for d in sorted(self.quiet_weekdays)) or "无"


def parse_holidays(text: str) -> frozenset[dt.date]:
    """One ISO date a line (blank lines ignored); raises ValueError with the bad line."""
    days = set()
    for line in text.replace("，", "\n").replace(",", "\n").splitlines():
        if line.strip():
            days.add(dt.date.fromisoformat(line.strip()))
    return frozenset(days)


def settings_row(session: Session, *, for_update: bool = False) -> FollowupSettings:
    """The saved row, or one holding the defaults (added to the session only to be saved)."""
    row = session.get(FollowupSettings, 1)
    if row is None:
        defaults = Schedule()
        row = FollowupSettings(id=1, enabled=defaults.enabled, run_hour=defaults.run_hour, quiet_weekdays="5,6", holidays="",
                               before_days=defaults.before_days, after_days=defaults.after_days,
                               escalate_days=defaults.escalate_days, summary_weekday=defaults.summary_weekday)
        if for_update:
            session.add(row)
    return row


def load_schedule(session: Session) -> Schedule:
    row = session.get(FollowupSettings, 1)
    if row is None:
        return Schedule()
    return Schedule(
        enabled=row.enabled, run_hour=row.run_hour,
        quiet_weekdays=frozenset(int(d) for d in row.quiet_weekdays.split(",") if d.strip()),
        holidays=parse_holidays(row.holidays), before_days=row.before_days, after_days=row.after_days,
        escalate_days=row.escalate_days, summary_weekday=row.summary_weekday,
    )


@dataclass(frozen=True)
class Letter:
    """One mail to write: its recipient, its keys, and the words."""

    kind: str
    recipient: User
    keys: tuple[str, ...]
    subject: str
    body: str
    items: int


@dataclass
class RunOutcome:
    sent: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failed: int = 0
    no_email: int = 0
    already: int = 0
    no_manager: list[str] = field(default_factory=list)

    def text(self) -> str:
        parts = [f"截止前提醒 {self.sent['before']} 封", f"逾期提醒 {self.sent['after']} 封",
                 f"上报部门经理 {self.sent['escalation']} 封", f"每周汇总 {self.sent['summary']} 封"]
        tail = f"；发送失败 {self.failed} 封，无邮箱 {self.no_email} 人"
        if self.no_manager:
            tail += f"；无部门经理：{'、'.join(sorted(set(self.no_manager)))}"
        return "已发送：" + "，".join(parts) + tail + "。"


@dataclass(frozen=True)
class Context:
    """What writing the letters needs besides the data: the day, the zone, the link base, the titles."""

    today: dt.date
    zone: dt.tzinfo
    base_url: str
    marks: TitleMarks

    def title(self, row: StatusRow) -> str:
        return self.marks.name(row.regulation, row.regulation_id)

    def link(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


def zone_of(clock: Clock) -> dt.tzinfo:
    """The portal's zone: the app's clock is a LocalClock (portal/localtime.py)."""
    zone = getattr(clock, "zone", None)
    return zone if isinstance(zone, dt.tzinfo) else dt.UTC


def local_today(clock: Clock) -> dt.date:
    return clock.now().astimezone(zone_of(clock)).date()


def title_marks(session: Session) -> TitleMarks:
    """The 之一/之二 marks the pages show (portal/reading/titles.py), outside a request."""
    rows = session.execute(select(Regulation.id, Regulation.slug, Regulation.title).order_by(Regulation.position, Regulation.id)).all()
    return same_title_marks((int(i), str(s), str(t)) for i, s, t in rows)


def _key(step: str, row: StatusRow) -> str:
    return f"{step}:{row.employee_no}:{row.regulation_id}:{row.due_on.isoformat()}"


def _render(template: str, **values: object) -> str:
    return MAILS.get_template(template).render(**values)


def _people(session: Session) -> dict[str, User]:
    return {u.employee_no: u for u in session.scalars(select(User).where(User.active.is_(True)))}


def _with_role(session: Session, role: Role) -> list[User]:
    query = select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == role.value, User.active.is_(True))
    return list(session.scalars(query.order_by(User.employee_no)))


def personal_letters(session: Session, schedule: Schedule, ctx: Context, claimed: set[str]) -> list[Letter]:
    """Before- and after-deadline reminders: one mail per person and step, listing the new items."""
    people = _people(session)
    grouped: dict[tuple[str, str], list[StatusRow]] = defaultdict(list)
    for row in status_rows(session, EVERYONE, ctx.today, only="unsigned"):
        for step in schedule.steps(row.due_on, ctx.today):
            if step != "escalation" and _key(step, row) not in claimed:
                grouped[(row.employee_no, step)].append(row)
    letters = []
    for (employee_no, step), rows in grouped.items():
        person = people[employee_no]
        late = step == "after"
        subject = (f"【制度签署提醒】您有 {len(rows)} 项制度已逾期未签署" if late
                   else f"【制度签署提醒】您有 {len(rows)} 项制度即将到期")
        items = [(ctx.title(r), r.version, r.due_on.isoformat(), (ctx.today - r.due_on).days) for r in rows]
        body = _render("followup_person.txt", person=person, items=items, late=late, link=ctx.link("/my"))
        letters.append(Letter(step, person, tuple(_key(step, r) for r in rows), subject, body, len(rows)))
    return letters


def escalation_letters(session: Session, schedule: Schedule, ctx: Context, claimed: set[str],
                       outcome: RunOutcome) -> list[Letter]:
    """Items overdue ``escalate_days`` or more: one mail per department manager, listing their people."""
    managers: dict[str, list[User]] = defaultdict(list)
    for manager in _with_role(session, Role.MANAGER):
        managers[manager.department].append(manager)
    by_department: dict[str, list[StatusRow]] = defaultdict(list)
    for row in status_rows(session, EVERYONE, ctx.today, only="overdue"):
        if "escalation" in schedule.steps(row.due_on, ctx.today) and _key("escalation", row) not in claimed:
            by_department[row.department].append(row)
    letters = []
    for department, rows in by_department.items():
        if not managers.get(department):
            outcome.no_manager.append(department or "未填部门")
            continue
        items = [(r.name, r.employee_no, ctx.title(r), r.due_on.isoformat(), (ctx.today - r.due_on).days) for r in rows]
        for manager in managers[department]:
            keys = tuple(f"{_key('escalation', r)}:{manager.employee_no}" for r in rows)
            body = _render("followup_escalation.txt", manager=manager, department=department, items=items,
                           days=schedule.escalate_days, link=ctx.link("/hr/dashboard"))
            subject = f"【制度签署上报】{department}有 {len(rows)} 项签署逾期 {schedule.escalate_days} 天以上"
            letters.append(Letter("escalation", manager, keys, subject, body, len(rows)))
    return [letter for letter in letters if not set(letter.keys) <= claimed]


def summary_letters(session: Session, schedule: Schedule, ctx: Context, claimed: set[str]) -> list[Letter]:
    """The weekly summary to every HR account: counts per department and the overdue list."""
    if not schedule.summary_due(ctx.today):
        return []
    year, week, _ = ctx.today.isocalendar()
    matrix = completion_matrix(session, EVERYONE, ctx.today)
    departments = [(d, matrix.by_department(d)) for d in matrix.departments]
    overdue = [(r.department, r.name, r.employee_no, ctx.title(r), r.due_on.isoformat(), (ctx.today - r.due_on).days)
               for r in status_rows(session, EVERYONE, ctx.today, only="overdue")]
    letters = []
    for hr in _with_role(session, Role.HR):
        key = f"summary:{year}-W{week:02d}:{hr.employee_no}"
        if key in claimed:
            continue
        body = _render("followup_summary.txt", person=hr, departments=departments, total=matrix.total,
                       overdue=overdue, today=ctx.today.isoformat(), link=ctx.link("/hr/dashboard"))
        subject = f"【制度签署周报】{year} 年第 {week} 周：逾期 {len(overdue)} 项"
        letters.append(Letter("summary", hr, (key,), subject, body, len(overdue)))
    return letters


def _message(letter: Letter, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = letter.subject
    message["From"] = sender
    message["To"] = formataddr((letter.recipient.name, letter.recipient.email))
    message["Message-ID"] = make_msgid(domain="handbook.local")
    message.set_content(letter.body)
    return message


def _claim(session: Session, clock: Clock, letter: Letter, task_id: int | None) -> FollowupMail | None:
    """Record the mail and its keys, committed; None when another run holds any of the keys."""
    mail = FollowupMail(at=naive_utc(clock.now()), kind=letter.kind, recipient_id=letter.recipient.id,
                        recipient=letter.recipient.name, email=letter.recipient.email, subject=letter.subject[:200],
                        items=letter.items, status="sending", task_id=task_id)
    session.add(mail)
    try:
        session.flush()
        session.add_all(FollowupClaim(key=key, mail_id=mail.id) for key in letter.keys)
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return mail


def _deliver(session: Session, server: smtplib.SMTP, letter: Letter, mail: FollowupMail, sender: str) -> bool:
    try:
        server.send_message(_message(letter, sender))
        mail.status = "sent"
    except smtplib.SMTPException:
        log.warning("follow-up mail %s to %s refused", mail.id, letter.recipient.employee_no, exc_info=True)
        mail.status = "failed"
        session.execute(delete(FollowupClaim).where(FollowupClaim.mail_id == mail.id))  # retried next run
    session.commit()
    return mail.status == "sent"


def claimed_keys(session: Session) -> set[str]:
    return set(session.scalars(select(FollowupClaim.key)))


def run_followup(session: Session, clock: Clock, smtp: SmtpSettings, base_url: str, *,
                 task_id: int | None = None, progress: Callable[[int, str], None] | None = None) -> RunOutcome:
    """One run: write every letter due today, claim it, send it.  Safe to run any number of times."""
    report = progress or (lambda percent, message: None)
    schedule = load_schedule(session)
    ctx = Context(local_today(clock), zone_of(clock), base_url, title_marks(session))
    outcome = RunOutcome()
    claimed = claimed_keys(session)
    report(10, "正在整理需要提醒的人员")
    letters = [*personal_letters(session, schedule, ctx, claimed), *escalation_letters(session, schedule, ctx, claimed, outcome),
               *summary_letters(session, schedule, ctx, claimed)]
    sendable = [letter for letter in letters if letter.recipient.email]
    outcome.no_email = len({letter.recipient.employee_no for letter in letters if not letter.recipient.email})
    session.commit()  # end the reading transaction before the claims
    if sendable:
        with smtp_connection(smtp) as server:
            for number, letter in enumerate(sendable, start=1):
                _send_one(session, clock, server, letter, smtp.sender, task_id, outcome)
                report(10 + 85 * number // len(sendable), f"已处理 {number}/{len(sendable)} 封邮件")
    return outcome


def _send_one(session: Session, clock: Clock, server: smtplib.SMTP, letter: Letter, sender: str,
              task_id: int | None, outcome: RunOutcome) -> None:
    mail = _claim(session, clock, letter, task_id)
    if mail is None:
        outcome.already += 1
    elif _deliver(session, server, letter, mail, sender):
        outcome.sent[letter.kind] += 1
    else:
        outcome.failed += 1


def claim_day(session: Session, clock: Clock) -> dt.date | None:
    """The scheduled run of today, if it is due and nobody queued it yet (committed; unique per day)."""
    local_now = clock.now().astimezone(zone_of(clock))
    if not load_schedule(session).due_now(local_now):
        return None
    day = local_now.date()
    if session.get(FollowupRun, day) is not None:
        return None
    session.add(FollowupRun(run_day=day, queued_at=naive_utc(clock.now())))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return day


def recent_mails(session: Session, limit: int = 100) -> list[FollowupMail]:
    return list(session.scalars(select(FollowupMail).order_by(FollowupMail.id.desc()).limit(limit)))


def recent_runs(session: Session, limit: int = 14) -> list[FollowupRun]:
    return list(session.scalars(select(FollowupRun).order_by(FollowupRun.run_day.desc()).limit(limit)))

