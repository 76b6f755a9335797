"""Signing a regulation version: the form's rules, the hash chain, append-only storage, verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from domain.canonical import content_hash
from portal.acks.chain import ChainFields, record_hash
from portal.acks.models import GENESIS_HASH, Acknowledgement
from portal.acks.services import SignRequest, sign, verify_chain
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.errors import AlreadySigned, ValidationFailed
from portal.releases.models import Regulation, RegulationVersion


@pytest.fixture
def handbook(publish: Callable[..., Any], document: Callable[..., Any], session: Session, clock: FixedClock) -> RegulationVersion:
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。", "回款须在三十日内完成。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    version = session.scalars(select(RegulationVersion)).one()
    return version


def _request(user_id: int, version_id: int, name: str, **changes: Any) -> SignRequest:
    values: dict[str, Any] = {
        "user_id": user_id, "version_id": version_id, "confirmed": True, "typed_name": name,
        "ip": "10.0.0.8", "user_agent": "pytest", **changes,
    }
    return SignRequest(**values)


def test_signature_stores_the_version_text_hash_and_links_to_the_previous_record(record_signer: Any,
    session: Session, clock: FixedClock, make_user: Callable[..., Any], handbook: RegulationVersion, document: Callable[..., Any]
) -> None:
    first, second = make_user("张三"), make_user("李四")
    a = sign(session, clock, _request(first.id, handbook.id, "张三"), signer=record_signer)
    b = sign(session, clock, _request(second.id, handbook.id, "李四"), signer=record_signer)
    session.commit()
    expected_sha = content_hash(document("sales", "销售管理制度", ["销售人员应遵守合同。", "回款须在三十日内完成。"]))
    assert a.text_sha256 == b.text_sha256 == expected_sha
    assert a.prev_hash == GENESIS_HASH
    assert b.prev_hash == a.record_hash
    assert a.record_hash == record_hash(
        ChainFields(first.id, handbook.regulation_id, handbook.id, expected_sha, "张三", a.signed_at, "10.0.0.8", "pytest", GENESIS_HASH)
    )
    assert verify_chain(session, record_signer.verifier).ok


def test_name_must_match_the_account_ignoring_spaces(record_signer: Any,
    session: Session, clock: FixedClock, make_user: Callable[..., Any], handbook: RegulationVersion
) -> None:
    user = make_user("欧阳 娜娜")
    with pytest.raises(ValidationFailed) as refused:
        sign(session, clock, _request(user.id, handbook.id, "欧阳娜"), signer=record_signer)
    assert "full_name" in refused.value.field_errors
    session.rollback()
    assert sign(session, clock, _request(user.id, handbook.id, " 欧阳娜娜 "), signer=record_signer).id


def test_unconfirmed_statement_and_wrong_password_are_refused(record_signer: Any,
    session: Session, clock: FixedClock, make_user: Callable[..., Any], handbook: RegulationVersion
) -> None:
    user = make_user("王五")
    with pytest.raises(ValidationFailed) as refused:
        sign(session, clock, _request(user.id, handbook.id, "王五", confirmed=False, password="wrong"), require_password=True, signer=record_signer)
    assert set(refused.value.field_errors) == {"confirm", "password"}


def test_signing_the_same_version_twice_is_refused(record_signer: Any,
    session: Session, clock: FixedClock, make_user: Callable[..., Any], handbook: RegulationVersion
) -> None:
    user = make_user("赵六")
    sign(session, clock, _request(user.id, handbook.id, "赵六"), signer=record_signer)
    session.commit()
    with pytest.raises(AlreadySigned):
        sign(session, clock, _request(user.id, handbook.id, "赵六"), signer=record_signer)


def test_database_refuses_to_update_or_delete_an_acknowledgement(record_signer: Any,
    session: Session, clock: FixedClock, make_user: Callable[..., Any], handbook: RegulationVersion
) -> None:
    user = make_user("钱七")
    ack = sign(session, clock, _request(user.id, handbook.id, "钱七"), signer=record_signer)
    session.commit()
    for statement in ("UPDATE acknowledgements SET ip = '1.2.3.4' WHERE id = :id", "DELETE FROM acknowledgements WHERE id = :id"):
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement), {"id": ack.id})
        session.rollback()
    assert session.get(Acknowledgement, ack.id) is not None


def _drop_guard(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER acknowledgements_no_update"))
    else:
        session.execute(text("DROP TRIGGER acknowledgements_no_update_delete ON acknowledgements"))


def _restore_guard(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(
            "CREATE TRIGGER acknowledgements_no_update BEFORE UPDATE ON acknowledgements "
            "BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END"
        ))
    else:
        session.execute(text(
            "CREATE TRIGGER acknowledgements_no_update_delete BEFORE UPDATE OR DELETE ON acknowledgements "
            "FOR EACH ROW EXECUTE FUNCTION acknowledgements_append_only()"
        ))
    session.commit()


def test_verify_names_the_first_record_altered_directly_in_the_database(record_signer: Any,
    session: Session, clock: FixedClock, make_user: Callable[..., Any], handbook: RegulationVersion, runner: Any,
    tmp_path: Any,
) -> None:
    users = [make_user(f"员工{i}") for i in range(4)]
    acks = []
    for user in users:
        clock.advance(dt.timedelta(minutes=5))
        acks.append(sign(session, clock, _request(user.id, handbook.id, user.name), signer=record_signer))
    session.commit()
    assert verify_chain(session, record_signer.verifier).ok
    _drop_guard(session)
    try:
        session.execute(text("UPDATE acknowledgements SET signed_at = :t WHERE id = :id"),
                        {"t": dt.datetime(2026, 1, 1, 8, 0), "id": acks[1].id})
        session.commit()
        report = verify_chain(session, record_signer.verifier)
        assert not report.ok
        assert report.first_break is not None and report.first_break.record_id == acks[1].id
        from cli.main import main

        url = session.get_bind().url.render_as_string(hide_password=False)
        result = runner.invoke(main, ["--root", str(tmp_path), "acks", "verify"], env={"DATABASE_URL": url})
        assert result.exit_code == 1
        assert f"#{acks[1].id}" in result.output and "被改动" in result.output
    finally:
        _restore_guard(session)


def test_verify_command_reports_an_intact_chain(record_signer: Any,
    session: Session, clock: FixedClock, make_user: Callable[..., Any], handbook: RegulationVersion, runner: Any, tmp_path: Any
) -> None:
    from cli.main import main

    user = make_user("周九")
    sign(session, clock, _request(user.id, handbook.id, "周九"), signer=record_signer)
    session.commit()
    url = session.get_bind().url.render_as_string(hide_password=False)
    result = runner.invoke(main, ["--root", str(tmp_path), "acks", "verify"], env={"DATABASE_URL": url})
    assert result.exit_code == 0 and "1 条记录校验通过" in result.output


def test_signing_through_the_reading_page_shows_the_receipt(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], handbook: RegulationVersion, session: Session
) -> None:
    user = make_user("孙八")
    login(user)
    page = client.get("/regulations/sales")
    assert "本人已阅读并理解《销售管理制度》（版本 2026.1），承诺遵守" in page.get_data(as_text=True)
    refused = client.post("/regulations/sales/sign", data={"version_id": handbook.id, "confirm": "y", "full_name": "别人"})
    assert refused.status_code == 422
    assert "请输入与账号一致的姓名" in refused.get_data(as_text=True)
    done = client.post("/regulations/sales/sign", data={"version_id": handbook.id, "confirm": "y", "full_name": "孙八"}, follow_redirects=True)
    assert done.status_code == 200
    assert "签署凭证" in done.get_data(as_text=True)
    stored = session.scalars(select(Acknowledgement).where(Acknowledgement.user_id == user.id)).one()
    assert stored.user_agent.startswith("Werkzeug")
    regulation = session.scalars(select(Regulation)).one()
    assert stored.regulation_id == regulation.id


def test_shared_terminals_ask_for_the_password_again(
    make_app: Callable[..., Any], make_user: Callable[..., Any], handbook: RegulationVersion
) -> None:
    client = make_app(SIGN_REQUIRES_PASSWORD=True).test_client()
    user = make_user("吴十")
    client.post("/login", data={"employee_no": user.employee_no, "password": "correct-horse-42"})
    assert "请再次输入登录密码" in client.get("/regulations/sales").get_data(as_text=True)
    form = {"version_id": handbook.id, "confirm": "y", "full_name": "吴十", "password": "wrong"}
    refused = client.post("/regulations/sales/sign", data=form)
    assert refused.status_code == 422 and "密码不正确" in refused.get_data(as_text=True)
    accepted = client.post("/regulations/sales/sign", data={**form, "password": "correct-horse-42"})
    assert accepted.status_code == 302 and "/my/signatures/" in accepted.headers["Location"]


def test_verify_names_a_signed_version_whose_text_was_edited_in_the_database(record_signer: Any,
    session: Session, clock: FixedClock, make_user: Callable[..., Any], handbook: RegulationVersion
) -> None:
    # Issue 9, finding 3: editing document_json (三十日 → 九十日) passed, because verify compared stored hashes only.
    user = make_user("吴十")
    sign(session, clock, _request(user.id, handbook.id, "吴十"), signer=record_signer)
    session.commit()
    assert verify_chain(session, record_signer.verifier).ok
    edited = handbook.document_json.replace("三十日", "九十日")
    assert edited != handbook.document_json
    session.execute(text("UPDATE regulation_versions SET document_json = :j WHERE id = :id"),
                    {"j": edited, "id": handbook.id})
    session.commit()
    report = verify_chain(session, record_signer.verifier)
    assert not report.ok and report.first_break is not None
    assert "销售管理制度" in report.first_break.reason and "文本已被改动" in report.first_break.reason
