"""portal.web: one unit of work per request (commit on return, roll back on a raise or a refusal)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, get_flashed_messages
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound as HttpNotFound

from domain.errors import HandbookError, NotFound, ValidationFailed
from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.clock import FixedClock
from portal.extensions import db
from portal.web import attempt, refuse, unit_of_work


def _events(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(AuditEvent.id))) or 0


def test_every_view_of_the_app_runs_in_a_unit_of_work(app: Flask) -> None:
    for endpoint, view in app.view_functions.items():
        if not endpoint.endswith("static"):
            assert getattr(view, "__wrapped__", None) is not None, endpoint
            assert getattr(view, "__access__", None) is not None, endpoint


def test_a_view_that_returns_is_committed(app: Flask, session: Session, clock: FixedClock) -> None:
    def view() -> str:
        record(db.session(), clock, "logout", target="kept")
        return "ok"

    with app.test_request_context():
        assert unit_of_work(view)() == "ok"
    assert _events(session) == 1


def test_a_view_that_raises_is_rolled_back(app: Flask, session: Session, clock: FixedClock) -> None:
    def view() -> str:
        record(db.session(), clock, "logout")
        db.session().flush()
        raise HttpNotFound()

    with app.test_request_context(), pytest.raises(HttpNotFound):
        unit_of_work(view)()
    assert _events(session) == 0


def test_a_refused_unit_commits_nothing_of_it(app: Flask, session: Session, clock: FixedClock) -> None:
    def view() -> str:
        record(db.session(), clock, "logout")
        refuse()
        record(db.session(), clock, "logout")
        return "refused"

    with app.test_request_context():
        assert unit_of_work(view)() == "refused"
    assert _events(session) == 0


def test_attempt_rolls_back_and_flashes_the_chinese_message(app: Flask, session: Session, clock: FixedClock) -> None:
    def view() -> str:
        with attempt() as outcome:
            record(db.session(), clock, "logout")
            raise HandbookError("refused", "不可以。")
        assert isinstance(outcome.error, HandbookError) and not outcome.ok
        return "page"

    with app.test_request_context():
        assert unit_of_work(view)() == "page"
        assert get_flashed_messages(with_categories=True) == [("error", "不可以。")]
    assert _events(session) == 0


def test_attempt_lets_other_kinds_through_to_the_error_pages(app: Flask) -> None:
    with app.test_request_context():
        with pytest.raises(NotFound), attempt(unless=(NotFound,)):
            raise NotFound("gone")
        with pytest.raises(NotFound), attempt(catch=(ValidationFailed,)):
            raise NotFound("gone")
        assert get_flashed_messages() == []


def test_attempt_puts_field_errors_on_the_form(app: Flask) -> None:
    class Field:
        def __init__(self) -> None:
            self.errors: list[str] = []

    class Form:
        def __init__(self) -> None:
            self.name = Field()

    form = Form()
    error = ValidationFailed("bad", "有误。", field_errors={"name": "必填。"})
    with app.test_request_context():
        with attempt(form) as outcome:
            raise error
        assert outcome.error is error
        assert form.name.errors == ["必填。"]
        assert get_flashed_messages() == []


def test_handlers_declare_the_object_they_act_on_and_its_check(app: Any) -> None:
    def declared(endpoint: str) -> str | None:
        view = app.view_functions[endpoint]
        while view is not None:
            if hasattr(view, "__loads__"):
                return str(view.__loads__[0])
            view = getattr(view, "__wrapped__", None)
        return None

    assert declared("acks.receipt") == "ack"
    assert declared("formsdesk.document") == "found" and declared("formsdesk.document_docx") == "found"
    assert declared("releases.draft") == "item"
    assert all(declared(e) == "found" for e in ("formsdesk.review", "formsdesk.distribute", "formsdesk.confirm"))
    assert declared("admin.edit_user") == "user" and declared("admin.reset_password") == "user"


def test_someone_elses_receipt_does_not_exist_for_you(record_signer: Any,
    client: Any, login: Any, make_user: Any, session: Any, clock: Any, publish: Any, document: Any
) -> None:
    from sqlalchemy import select

    from portal.acks.services import SignRequest, sign
    from portal.releases.models import RegulationVersion

    publish("2026.1", document("sales", "销售管理制度", ["甲。"]))
    owner, other = make_user("甲"), make_user("乙")
    version = session.scalars(select(RegulationVersion)).one()
    ack = sign(session, clock, SignRequest(owner.id, version.id, True, "甲", "1.1.1.1", "t"), signer=record_signer)
    session.commit()
    login(other)
    assert client.get(f"/my/signatures/{ack.id}").status_code == 404
    client.post("/logout")
    login(owner)
    assert client.get(f"/my/signatures/{ack.id}").status_code == 200
