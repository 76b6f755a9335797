"""Withdrawing one regulation from the web: its own action, with a reason, audited; the others stay."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.audit.models import AuditEvent
from portal.releases.models import Regulation


def _retired(session: Session) -> dict[str, bool]:
    session.expire_all()
    return {r.slug: r.retired for r in session.scalars(select(Regulation))}


def test_hr_withdraws_one_regulation_with_a_reason_and_the_others_stay(
    client: FlaskClient, session: Session, login: Callable[..., Any], make_user: Callable[..., Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    publish("2026.1", document("sales", "销售管理制度", ["回款须在三十日内完成。"]),
            document("meetings", "会议管理制度", ["例会每周一召开。"]))
    login(make_user("人事", roles={Role.HR}))
    page = client.get("/admin/regulations/sales/versions").get_data(as_text=True)
    assert "停用本制度" in page

    refused = client.post("/admin/regulations/sales/withdraw", data={"reason": "  "}, follow_redirects=True)
    assert refused.status_code == 200
    assert "停用制度必须填写原因。" in refused.get_data(as_text=True)
    assert _retired(session) == {"sales": False, "meetings": False}

    done = client.post("/admin/regulations/sales/withdraw", data={"reason": "业务已并入新制度"}, follow_redirects=True)
    body = done.get_data(as_text=True)
    assert "已停用《销售管理制度》" in body and "本制度已停用" in body
    assert _retired(session) == {"sales": True, "meetings": False}
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "withdraw")).one()
    assert event.target == "销售管理制度" and "业务已并入新制度" in event.detail and event.actor_label

    again = client.post("/admin/regulations/sales/withdraw", data={"reason": "再次"}, follow_redirects=True)
    assert again.status_code == 200 and "已经停用" in again.get_data(as_text=True)
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "withdraw")).all()) == 1
    assert "会议管理制度" in client.get("/regulations").get_data(as_text=True)


def test_only_hr_may_withdraw_and_an_unknown_regulation_is_404(
    client: FlaskClient, session: Session, login: Callable[..., Any], make_user: Callable[..., Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    publish("2026.1", document("sales", "销售管理制度", ["回款须在三十日内完成。"]))
    login(make_user("员工"))
    assert client.post("/admin/regulations/sales/withdraw", data={"reason": "x"}).status_code in (302, 403)
    assert _retired(session) == {"sales": False}
    client.post("/logout")
    login(make_user("人事", roles={Role.HR}))
    assert client.post("/admin/regulations/nope/withdraw", data={"reason": "x"}).status_code == 404
