"""The quiz: HR writes questions per clause, the signer must pass before signing, a wrong answer shows the
clause again, results per question reach HR, and a revised clause flags its questions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.errors import ValidationFailed
from portal.access import Role
from portal.acks.models import Acknowledgement
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.lifecycle.models import QuizAnswer, QuizAttempt, QuizQuestion
from portal.lifecycle.quiz import clauses, parse_options
from tests.portal.conftest import PASSWORD, build_document

CLAUSES = ["员工应保守商业秘密。", "泄露客户资料的，公司有权解除劳动合同。"]


def test_options_are_one_a_line_with_the_right_ones_starred() -> None:
    assert parse_options("甲\n*乙\n\n＊丙 ") == (["甲", "乙", "丙"], [1, 2])
    with pytest.raises(ValidationFailed) as none_right:
        parse_options("甲\n乙")
    assert none_right.value.field_errors == {"options_text": "请在正确选项前加 *。"}
    with pytest.raises(ValidationFailed):
        parse_options("*只有一个")


def test_the_clauses_of_a_document_are_its_articles_with_their_text() -> None:
    found = clauses(build_document("secrets", "保密管理制度", CLAUSES))
    assert [(c.anchor, c.text) for c in found] == [("第一条", "第一条\n员工应保守商业秘密。"), ("第二条", "第二条\n" + CLAUSES[1])]


@pytest.fixture
def office(session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
           document: Callable[..., Any]) -> dict[str, Any]:
    publish("2026.1", document("secrets", "保密管理制度", CLAUSES))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    return {"hr": make_user("何人事", roles={Role.HR}, department="人力资源部"), "a": make_user("甲一"), "b": make_user("乙二")}


def signed_in(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD})
    return client


def add(client: FlaskClient, **fields: str) -> Any:
    data = {"action": "add", "clause_anchor": "第二条", "prompt": "泄露客户资料，公司可以解除劳动合同吗？",
            "options_text": "*可以\n不可以\n只能警告", **fields}
    return client.post("/reviews/secrets/quiz", data=data)


def answer(client: FlaskClient, question: QuizQuestion, choice: int) -> Any:
    return client.post("/regulations/secrets/quiz", data={f"q{question.id}": str(choice)})


def sign(client: FlaskClient, session: Session) -> Any:
    from portal.releases.models import Regulation

    regulation = session.scalars(select(Regulation).where(Regulation.slug == "secrets")).one()
    return client.post("/regulations/secrets/sign", data={"version_id": str(regulation.current_version_id), "confirm": "y",
                                                          "full_name": "甲一"})


@pytest.mark.parametrize(("fields", "message"), [
    ({"clause_anchor": "第九条"}, "请选择题目考查的条款。"),
    ({"prompt": "  "}, "请填写题目（不超过 500 字）。"),
    ({"options_text": "可以\n不可以"}, "请在正确选项前加 *。"),
])
def test_a_bad_question_is_refused_in_chinese(app: Flask, office: dict[str, Any], session: Session,
                                              fields: dict[str, str], message: str) -> None:
    response = add(signed_in(app, office["hr"]), **fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(QuizQuestion)) == 0


def test_the_signer_passes_the_quiz_before_the_signature_and_a_wrong_answer_shows_the_clause(
        app: Flask, office: dict[str, Any], session: Session, record_signer: Any) -> None:
    assert add(signed_in(app, office["hr"])).status_code == 302
    question = session.scalars(select(QuizQuestion)).one()
    a = signed_in(app, office["a"])
    page = a.get("/regulations/secrets").get_data(as_text=True)
    assert "签署前请先完成本制度的测验（答对 80% 以上）" in page and "disabled" in page
    refused = sign(a, session)
    assert refused.status_code == 422 and "请先完成本制度的测验（答对 80% 以上）再签署。" in refused.get_data(as_text=True)

    wrong = answer(a, question, 1)
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and "得分 0%，未通过" in text and CLAUSES[1] in text and "#第二条" in text
    assert sign(a, session).status_code == 422
    right = answer(a, question, 0)
    assert right.status_code == 302 and right.headers["Location"].endswith("/regulations/secrets#sign")
    assert "测验已通过。" in a.get("/regulations/secrets").get_data(as_text=True)
    assert sign(a, session).status_code == 302
    assert session.scalar(select(func.count()).select_from(Acknowledgement)) == 1
    assert session.scalar(select(func.count()).select_from(QuizAttempt)) == 2
    assert session.scalars(select(QuizAnswer.correct).order_by(QuizAnswer.attempt_id)).all() == [False, True]

    hr = signed_in(app, office["hr"])
    editor = hr.get("/reviews/secrets/quiz").get_data(as_text=True)
    assert "50%" in editor  # one of two answers wrong
    dashboard = hr.get("/hr/dashboard/").get_data(as_text=True)
    assert "测验中答错最多的题" in dashboard and "1 / 2 人次答错" in dashboard


def test_a_revised_clause_flags_its_questions_until_confirmed(app: Flask, office: dict[str, Any], session: Session,
                                                              publish: Callable[..., Any], document: Callable[..., Any]) -> None:
    hr = signed_in(app, office["hr"])
    add(hr)
    add(hr, clause_anchor="第一条", prompt="员工应保守什么？", options_text="*商业秘密\n个人爱好")
    publish("2026.2", document("secrets", "保密管理制度", [CLAUSES[0], "泄露客户资料的，公司有权解除劳动合同并追究赔偿责任。"]))
    editor = hr.get("/reviews/secrets/quiz").get_data(as_text=True)
    assert editor.count("条款已修订，待确认") == 1  # the question on 第二条; 第一条 did not change
    quiz_page = signed_in(app, office["a"]).get("/regulations/secrets/quiz").get_data(as_text=True)
    assert "员工应保守什么？" in quiz_page and "解除劳动合同吗" not in quiz_page  # flagged: left out
    flagged = session.scalars(select(QuizQuestion).where(QuizQuestion.clause_anchor == "第二条")).one()
    assert hr.post("/reviews/secrets/quiz", data={"action": "confirm", "question_id": str(flagged.id)}).status_code == 302
    assert "条款已修订，待确认" not in hr.get("/reviews/secrets/quiz").get_data(as_text=True)
    assert "解除劳动合同吗" in signed_in(app, office["a"]).get("/regulations/secrets/quiz").get_data(as_text=True)
    assert hr.post("/reviews/secrets/quiz", data={"action": "retire", "question_id": str(flagged.id)}).status_code == 302
    assert hr.post("/reviews/secrets/quiz", data={"action": "retire", "question_id": "999999"}).status_code == 404


def test_only_the_owner_and_hr_edit_the_quiz(app: Flask, office: dict[str, Any]) -> None:
    assert signed_in(app, office["a"]).get("/reviews/secrets/quiz").status_code == 404
    assert add(signed_in(app, office["a"])).status_code == 404
    assert signed_in(app, office["a"]).get("/regulations/secrets/quiz").status_code == 404  # no questions yet
