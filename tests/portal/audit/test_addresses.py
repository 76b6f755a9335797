"""Every audited action done in the browser carries the client's address, and its details read in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.audit.models import AuditEvent
from portal.auth.models import User

# The English the log used to carry ("sent 4, no e-mail 0, failed 0", "dashboard unsigned.csv", "audit log").
ENGLISH_WORDS = re.compile(r"\b(sent|failed|recipients|release|rule|dashboard|audit|log|unsigned|matrix)\b", re.IGNORECASE)


def _last(session: Session, action: str) -> AuditEvent | None:
    session.expire_all()
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())).first()


def test_creating_an_account_and_resetting_its_password_record_the_address(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session
) -> None:
    login(make_user("管理员", roles={Role.ADMIN}))
    form = {"employee_no": "N1", "name": "新同事", "department": "销售部", "password": "first-pass-1", "roles": ["employee"]}
    assert client.post("/admin/users/new", data=form).status_code == 302
    assert getattr(_last(session, "user_created"), "ip", None) == "127.0.0.1"
    newcomer = session.scalars(select(User).where(User.employee_no == "N1")).one()
    assert client.post(f"/admin/users/{newcomer.id}/password", data={"password": "temporary-pass-1"}).status_code == 302
    assert getattr(_last(session, "password_set"), "ip", None) == "127.0.0.1"


def test_reminder_and_export_details_have_no_english_words(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session
) -> None:
    login(make_user("人事", roles={Role.HR}))
    client.post("/hr/dashboard/remind", data={})
    client.get("/hr/dashboard/export.csv?kind=unsigned")
    client.get("/hr/dashboard/export.xlsx")
    for action in ("reminder", "export"):
        event = _last(session, action)
        assert event is not None, action
        assert not ENGLISH_WORDS.search(f"{event.target} {event.detail}"), (event.target, event.detail)
    assert _last(session, "export").target == "签署情况（完成情况）.xlsx"
