"""A small world with one object of every kind a route takes, for the walks over every route."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.assignments.models import AssignmentRule
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.releases.drafts import NewDraft, create_draft
from portal.releases.models import RegulationVersion
from portal.tasks.services import create_task

ROLES: tuple[Role | None, ...] = (None, Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.APPROVER, Role.ADMIN)


def build_world(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
                document: Callable[..., Any]) -> dict[str, Any]:
    """A published regulation, a rule, one account per role, a signature, a task and a draft; and the
    values that fill every route's parameters with objects that exist."""
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    users = {role: make_user(f"{role.value}用户", roles={role}) for role in Role}
    version = session.scalars(select(RegulationVersion)).one()
    ack = sign(session, clock, SignRequest(users[Role.EMPLOYEE].id, version.id, True, users[Role.EMPLOYEE].name, "1.1.1.1", "t"), signer=record_signer)
    task = create_task(session, clock, "publish", users[Role.HR].id)
    draft = create_draft(session, clock, NewDraft("2026.9", dt.date(2026, 9, 1)), users[Role.HR])
    session.commit()
    rule = session.scalars(select(AssignmentRule)).one()
    return {
        "users": users,
        "values": {"slug": "sales", "label": "2026.1", "ack_id": ack.id, "user_id": users[Role.EMPLOYEE].id,
                   "rule_id": rule.id, "task_id": task.id, "draft_id": draft.id, "fmt": "csv", "path": "index.html",
                   "token": "no-such-token",
                   "log_id": 1, "rank": 1, "synonym_id": 1, "gap_id": 1},
    }
