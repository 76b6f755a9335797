"""The demo: the real handbook imported, demo accounts, a few signatures, rules and overdue items.

Idempotent: running it again imports release files not yet published and
leaves existing accounts and signatures alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.serialize import handbook_from_dict
from portal.access import Role
from portal.acks.keys import RecordSigner
from portal.acks.services import SignRequest, sign
from portal.assignments.models import Assignment, AssignmentRule
from portal.assignments.services import NewRule, add_rule
from portal.auth.models import User
from portal.auth.services import NewUser, create_user, find_user
from portal.clock import Clock
from portal.errors import HandbookError
from portal.releases.models import Regulation, ReleaseRecord
from portal.releases.services import PublishOutcome, PublishRequest, publish_release
from portal.releases.sources import load_release, release_files, release_of
from portal.signing_status import counters

DEFAULT_VERSION = "2026.1"
DEFAULT_EFFECTIVE = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class DemoAccount:
    employee_no: str
    name: str
    password: str
    department: str
    position: str
    roles: frozenset[Role]
    must_change: bool = False
    hired_days_ago: int = 400


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("A0001", "周管理", "Admin@2026", "信息部", "系统管理员", frozenset({Role.ADMIN})),
    DemoAccount("H0001", "王芳", "Hr@2026pass", "人力资源部", "人事经理", frozenset({Role.HR})),
    DemoAccount("M0001", "李强", "Manager@2026", "销售部", "销售经理", frozenset({Role.MANAGER})),
    DemoAccount("E1001", "张伟", "Staff@2026", "销售部", "销售代表", frozenset({Role.EMPLOYEE})),
    DemoAccount("E1002", "刘洋", "Staff@2026", "销售部", "销售代表", frozenset({Role.EMPLOYEE})),
    DemoAccount("E2001", "陈静", "Staff@2026", "市场部", "市场专员", frozenset({Role.EMPLOYEE})),
    DemoAccount("E2002", "杨帆", "Staff@2026", "市场部", "策划专员", frozenset({Role.EMPLOYEE})),
    DemoAccount("E3001", "赵敏", "Staff@2026", "客户服务部", "客服专员", frozenset({Role.EMPLOYEE})),
    DemoAccount("E1003", "林新", "Welcome@2026", "销售部", "销售代表（新员工）", frozenset({Role.EMPLOYEE}), True, 0),
)


def import_handbook(session: Session, clock: Clock, handbook_dir: Path) -> list[PublishOutcome]:
    """Publish every ``releases/<v>.json`` not yet in the database; else ``model.json`` as 2026.1."""
    published = set(session.scalars(select(ReleaseRecord.version)).all())
    outcomes = []
    files = release_files(handbook_dir / "releases")
    for path in files:
        release = load_release(path)
        if release.version in published:
            continue
        outcomes.append(publish_release(session, clock, PublishRequest(release)))
        session.commit()
    model = handbook_dir / "model.json"
    if not files and not published and model.is_file():
        import json

        handbook = handbook_from_dict(json.loads(model.read_text(encoding="utf-8")))
        release = release_of(handbook, DEFAULT_VERSION, DEFAULT_EFFECTIVE, "管理制度手册")
        outcomes.append(publish_release(session, clock, PublishRequest(release)))
        session.commit()
    return outcomes


def create_accounts(session: Session, clock: Clock, hash_profile: str) -> list[DemoAccount]:
    created = []
    for account in ACCOUNTS:
        if find_user(session, account.employee_no) is not None:
            continue
        create_user(
            session, clock,
            NewUser(
                employee_no=account.employee_no, name=account.name, password=account.password,
                department=account.department, position=account.position,
                hire_date=clock.today() - dt.timedelta(days=account.hired_days_ago),
                email=f"{account.employee_no.lower()}@example.com", roles=account.roles,
                must_change_password=account.must_change,
            ),
            hash_profile=hash_profile,
        )
        created.append(account)
    session.commit()
    return created


def create_rules(session: Session, clock: Clock) -> None:
    if session.scalar(select(AssignmentRule.id).limit(1)) is not None:
        return
    regulations = session.scalars(
        select(Regulation).where(Regulation.retired.is_(False)).order_by(Regulation.position)
    ).all()
    for regulation in regulations:
        if regulation.kind != "job-descriptions":
            add_rule(session, clock, NewRule("all", "", regulation.id, 30))
    session.commit()


def seed_activity(session: Session, clock: Clock, signer: RecordSigner) -> None:
    """A few signatures and overdue items, so that the dashboard has something to show."""
    regulations = session.scalars(select(Regulation).where(Regulation.retired.is_(False)).order_by(Regulation.position)).all()
    if not regulations:
        return
    for employee_no, count in (("E1001", len(regulations)), ("E2001", 2), ("M0001", 1), ("E3001", 1)):
        user = find_user(session, employee_no)
        if user is None:
            continue
        for regulation in regulations[:count]:
            try:
                sign(session, clock, SignRequest(user.id, regulation.current_version_id or 0, True, user.name, "127.0.0.1", "demo"),
                     signer=signer)
                session.commit()
            except HandbookError:
                session.rollback()
    late = [u.id for u in session.scalars(select(User).where(User.employee_no.in_(("E1002", "E2002", "E3001")))).all()]
    session.execute(update(Assignment).where(Assignment.user_id.in_(late)).values(due_on=clock.today() - dt.timedelta(days=3)))
    counters.rebuild(session)  # the due dates were moved behind the services' back
    session.commit()
