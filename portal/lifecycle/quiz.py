"""A short quiz on the clauses that matter: questions per clause, attempts graded on the server, a pass
mark before the signature counts, the clause shown again for a wrong answer, and per-question results.

A question keeps the clause text it was written on; when a revision changes that clause the question
is *flagged* (left out of the quiz and listed for HR) until it is confirmed for the new text or retired.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from domain.model import Document, Section
from portal.assignments.models import Assignment
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.errors import NotFound, ValidationFailed
from portal.lifecycle.models import QuizAnswer, QuizAttempt, QuizQuestion, RegulationCare
from portal.releases.models import Regulation, RegulationVersion


@dataclass(frozen=True)
class Clause:
    anchor: str
    label: str
    text: str


def clause_text(section: Section) -> str:
    """Pure: a clause as the question depends on it — its own text and that of its items."""
    return "\n".join(part for node in section.walk() for part in (node.label, node.text) if part)


def clauses(document: Document) -> list[Clause]:
    """Pure: the document's articles (or, in a document without articles, every numbered node), in order."""
    nodes = [node for top in document.sections for node in top.walk() if node.anchor]
    articles = [node for node in nodes if node.kind == "article"] or nodes
    return [Clause(node.anchor, node.label, clause_text(node)) for node in articles]


@dataclass(frozen=True)
class QuestionView:
    question: QuizQuestion
    options: list[str]
    correct: list[int]
    clause: Clause | None  # the clause in the current text (None: removed)
    flagged: bool  # the clause changed (or went) since the question was written

    @property
    def multiple(self) -> bool:
        return len(self.correct) > 1


def _view(question: QuizQuestion, current: dict[str, Clause]) -> QuestionView:
    clause = current.get(question.clause_anchor)
    return QuestionView(question, json.loads(question.options_json), json.loads(question.correct_json), clause,
                        clause is None or clause.text != question.clause_text)


def _current(session: Session, regulation: Regulation) -> tuple[RegulationVersion, dict[str, Clause]]:
    version = session.get(RegulationVersion, regulation.current_version_id)
    if version is None:
        raise NotFound(f"regulation {regulation.slug} has no version")
    return version, {c.anchor: c for c in clauses(version.document())}


def questions(session: Session, regulation: Regulation) -> list[QuestionView]:
    """Every active question, flagged ones included (HR's editor)."""
    _, current = _current(session, regulation)
    rows = session.scalars(select(QuizQuestion).where(QuizQuestion.regulation_id == regulation.id,
                                                      QuizQuestion.active.is_(True)).order_by(QuizQuestion.id))
    return [_view(q, current) for q in rows]


def quiz_for(session: Session, regulation: Regulation) -> list[QuestionView]:
    """The questions a signer answers: the active ones whose clause is unchanged."""
    return [q for q in questions(session, regulation) if not q.flagged]


@dataclass(frozen=True)
class NewQuestion:
    clause_anchor: str
    prompt: str
    options_text: str  # one option a line; the right ones start with *


def parse_options(text: str) -> tuple[list[str], list[int]]:
    """Pure: "甲\\n*乙\\n丙" → (["甲", "乙", "丙"], [1]); raises ValidationFailed in Chinese."""
    options: list[str] = []
    correct: list[int] = []
    for line in text.replace("\r", "").split("\n"):
        line = line.strip()
        if not line:
            continue
        if line.startswith(("*", "＊")):
            correct.append(len(options))
            line = line[1:].strip()
        options.append(line[:300])
    if not 2 <= len(options) <= 8:
        raise ValidationFailed("options count", field_errors={"options_text": "请填写 2 至 8 个选项，每行一个。"})
    if not correct:
        raise ValidationFailed("no right option", field_errors={"options_text": "请在正确选项前加 *。"})
    return options, correct


def add_question(session: Session, clock: Clock, regulation: Regulation, new: NewQuestion, actor: User, ip: str = "") -> QuizQuestion:
    version, current = _current(session, regulation)
    errors: dict[str, str] = {}
    clause = current.get(new.clause_anchor)
    if clause is None:
        errors["clause_anchor"] = "请选择题目考查的条款。"
    prompt = new.prompt.strip()
    if not prompt or len(prompt) > 500:
        errors["prompt"] = "请填写题目（不超过 500 字）。"
    if errors:
        raise ValidationFailed(f"question invalid: {sorted(errors)}", field_errors=errors)
    assert clause is not None
    options, correct = parse_options(new.options_text)
    question = QuizQuestion(regulation_id=regulation.id, version_id=version.id, clause_anchor=clause.anchor,
                            clause_text=clause.text, prompt=prompt, options_json=json.dumps(options, ensure_ascii=False),
                            correct_json=json.dumps(correct), active=True, created_by_id=actor.id,
                            created_at=naive_utc(clock.now()))
    session.add(question)
    audit(session, clock, "quiz_question_added", actor=actor, target=regulation.title, detail=f"{clause.label}：{prompt}", ip=ip)
    session.flush()
    return question


def _question_of(session: Session, regulation: Regulation, question_id: int) -> QuizQuestion:
    question = session.get(QuizQuestion, question_id)
    if question is None or question.regulation_id != regulation.id or not question.active:
        raise NotFound(f"question {question_id} of {regulation.slug}")
    return question


def confirm_question(session: Session, clock: Clock, regulation: Regulation, question_id: int, actor: User, ip: str = "") -> None:
    """The question still tests the revised clause: take the new clause text as its own."""
    question = _question_of(session, regulation, question_id)
    version, current = _current(session, regulation)
    clause = current.get(question.clause_anchor)
    if clause is None:
        raise ValidationFailed("clause removed", "该条款已在新版本中删除，请删除本题或另写新题。")
    question.clause_text, question.version_id = clause.text, version.id
    audit(session, clock, "quiz_question_confirmed", actor=actor, target=regulation.title, detail=question.prompt, ip=ip)


def retire_question(session: Session, clock: Clock, regulation: Regulation, question_id: int, actor: User, ip: str = "") -> None:
    question = _question_of(session, regulation, question_id)
    question.active = False  # kept: earlier attempts' answers still point at it
    audit(session, clock, "quiz_question_removed", actor=actor, target=regulation.title, detail=question.prompt, ip=ip)


@dataclass(frozen=True)
class Graded:
    attempt: QuizAttempt
    wrong: list[QuestionView]  # each with the clause to read again


def pass_percent(session: Session, regulation_id: int) -> int:
    care = session.get(RegulationCare, regulation_id)
    return care.quiz_pass_percent if care else 80


def grade(session: Session, clock: Clock, regulation: Regulation, user: User, answers: dict[int, list[int]]) -> Graded:
    """Grade one attempt on the server (answers: question id → chosen option indexes)."""
    quiz = quiz_for(session, regulation)
    if not quiz:
        raise NotFound(f"{regulation.slug} has no quiz")
    wrong = [q for q in quiz if sorted(answers.get(q.question.id, [])) != sorted(q.correct)]
    score = round(100 * (len(quiz) - len(wrong)) / len(quiz))
    version = session.get(RegulationVersion, regulation.current_version_id)
    assert version is not None
    attempt = QuizAttempt(user_id=user.id, regulation_id=regulation.id, version_id=version.id, at=naive_utc(clock.now()),
                          score=score, passed=score >= pass_percent(session, regulation.id))
    session.add(attempt)
    session.flush()
    for q in quiz:
        session.add(QuizAnswer(attempt_id=attempt.id, question_id=q.question.id, correct=q not in wrong))
    session.flush()
    return Graded(attempt, wrong)


def has_passed(session: Session, user_id: int, version: RegulationVersion) -> bool:
    """A passed attempt on this text (same baseline) in the current re-attestation round."""
    since = session.scalar(select(Assignment.signed_since).where(
        Assignment.user_id == user_id, Assignment.regulation_id == version.regulation_id))
    query = (select(QuizAttempt.id).join(RegulationVersion, RegulationVersion.id == QuizAttempt.version_id)
             .where(QuizAttempt.user_id == user_id, QuizAttempt.passed.is_(True),
                    RegulationVersion.baseline_version_id == version.baseline_version_id))
    if since is not None:
        query = query.where(QuizAttempt.at >= since)
    return session.scalar(query.limit(1)) is not None


@dataclass(frozen=True)
class QuestionResult:
    question: QuestionView
    answered: int
    right: int

    @property
    def percent_wrong(self) -> float:
        return 100.0 * (self.answered - self.right) / self.answered if self.answered else 0.0


def results(session: Session, regulation: Regulation) -> list[QuestionResult]:
    """Per question: how many answered, how many right — the rule people misunderstand comes first."""
    views = {q.question.id: q for q in questions(session, regulation)}
    rows = session.execute(
        select(QuizAnswer.question_id, func.count(), func.sum(case((QuizAnswer.correct.is_(True), 1), else_=0)))
        .where(QuizAnswer.question_id.in_(list(views)))
        .group_by(QuizAnswer.question_id)
    ).all() if views else []
    counts = {qid: (int(n), int(r or 0)) for qid, n, r in rows}
    found = [QuestionResult(v, *counts.get(qid, (0, 0))) for qid, v in views.items()]
    return sorted(found, key=lambda r: -r.percent_wrong)


def most_missed(session: Session, limit: int = 3, since: dt.datetime | None = None) -> list[tuple[str, str, int, int]]:
    """Across regulations: (regulation title, question, answered, wrong) of the most-missed questions."""
    wrong = func.sum(case((QuizAnswer.correct.is_(False), 1), else_=0))
    query = (select(Regulation.title, QuizQuestion.prompt, func.count(), wrong)
             .select_from(QuizAnswer).join(QuizQuestion, QuizQuestion.id == QuizAnswer.question_id)
             .join(Regulation, Regulation.id == QuizQuestion.regulation_id)
             .where(QuizQuestion.active.is_(True))
             .group_by(Regulation.title, QuizQuestion.id, QuizQuestion.prompt)
             .having(wrong > 0).order_by(wrong.desc()).limit(limit))
    return [(title, prompt, int(n), int(w or 0)) for title, prompt, n, w in session.execute(query).all()]
