"""制度冲突 (HR): the candidates of the release in force side by side, marked one by one; and migration 0014."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.conflicts.models import ConflictMark
from portal.migrate import alembic_config, upgrade


def arrange(publish: Callable[..., Any], document: Callable[..., Any], make_user: Callable[..., User]) -> User:
    publish("2026.1",
            document("leave", "休假管理办法", ["为规范休假，制定本办法。", "员工婚假为三天。", "员工丧假为三天。"]),
            document("attendance", "员工考勤管理制度", ["员工婚假为十天。", "员工丧假为三天。",
                                                    "各部门考勤员应于每月3日前将上月考勤表报送人力资源部。"]),
            document("hr-rules", "人事管理制度", ["每月5日前，各部门将上月考勤表报人力资源部。"]))
    return make_user("王人事", roles={Role.HR}, department="人力资源部")


def ids_on(page: str) -> list[str]:
    return re.findall(r'name="candidate" value="([0-9a-f]{64})"', page)


def test_hr_sees_each_candidate_side_by_side_and_marks_it(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User], session: Session,
) -> None:
    login(arrange(publish, document, make_user))
    page = unquote(client.get("/hr/conflicts").get_data(as_text=True))
    assert page.count('class="card conflict"') == 2  # 婚假 三天/十天, 考勤表 3日/5日; 丧假 agrees
    assert "同为“婚假”的数量或期限：《休假管理办法》第二条为“三天”，《员工考勤管理制度》第一条为“十天”。" in page
    assert 'href="/regulations/leave#第二条">《休假管理办法》第二条' in page
    assert 'href="/regulations/attendance#第一条">《员工考勤管理制度》第一条' in page
    assert "待确认 2" in page
    first, second = ids_on(page)

    refused = client.post("/hr/conflicts/mark", data={"candidate": first, "status": "conflict", "note": " "},
                          follow_redirects=True)
    assert "请写明说明" in refused.get_data(as_text=True)
    assert session.scalar(select(ConflictMark)) is None

    client.post("/hr/conflicts/mark", data={"candidate": first, "status": "conflict", "note": "以《休假管理办法》为准，考勤制度下次修订"})
    done = client.post("/hr/conflicts/mark", data={"candidate": second, "status": "not-conflict", "note": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "已标记为“不是冲突”" in done and "待确认 0" in done
    marks = {m.key_sha256: m for m in session.scalars(select(ConflictMark))}
    assert marks[first].status == "conflict" and "为准" in marks[first].note
    assert marks[second].status == "not-conflict"
    marked = client.get("/hr/conflicts?status=conflict").get_data(as_text=True)
    assert ids_on(marked) == [first] and "以《休假管理办法》为准" in marked
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "conflict_marked").order_by(AuditEvent.id)).all()
    assert [e.detail for e in events] == ["确属冲突：以《休假管理办法》为准，考勤制度下次修订", "不是冲突"]
    assert [e.ip for e in events] == ["127.0.0.1"] * 2 and events[0].target == "leave#第二条 / attendance#第一条"


def test_odd_marks_are_refused_in_chinese(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    login(arrange(publish, document, make_user))
    first = ids_on(client.get("/hr/conflicts").get_data(as_text=True))[0]
    for data, message in (({"candidate": first, "status": "maybe"}, "请选择一种处理结果"),
                          ({"candidate": "0" * 64, "status": "resolved"}, "该候选已不在现行制度中"),
                          ({"candidate": first, "status": "resolved", "note": "长" * 2001}, "不能超过 2000 字"),
                          ({}, "请选择一种处理结果")):
        answer = client.post("/hr/conflicts/mark", data=data, follow_redirects=True)
        assert answer.status_code == 200 and message in answer.get_data(as_text=True)
    assert client.get("/hr/conflicts?status=<x>").status_code == 200


def test_an_employee_may_not_see_the_page(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    arrange(publish, document, make_user)
    login(make_user("员工甲"))
    assert client.get("/hr/conflicts").status_code == 403


TABLES = {"duty_feeds", "duty_reminders", "duty_reminder_runs", "conflict_marks"}


def test_0014_adds_its_tables_and_can_be_undone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert inspect(engine).get_pk_constraint("duty_reminders")["constrained_columns"] == ["user_id", "duty_key", "due_on"]
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0013_completion_counters")
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
