"""Review pages: HR's overview and each regulation's owner and cycles; the owner's reviews and decision;
and the template globals the reading page, my handbook and the dashboard include."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal.access import Role, requires, signed_in
from portal.acks.models import Acknowledgement
from portal.assignments.models import SCOPE_LABELS
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import naive_utc
from portal.errors import HandbookError, NotFound
from portal.lifecycle import clause_acks, quiz
from portal.lifecycle.attestation import rule_cycles, save_rule_cycle
from portal.lifecycle.inputs import CsrfOnly, parse_care, parse_decision, parse_settings
from portal.lifecycle.models import OUTCOME_LABELS
from portal.lifecycle.reviews import (
    Standing,
    all_standings,
    decide,
    may_review,
    overdue_count,
    owned_by,
    regulation_by_slug,
    regulation_standing,
    review_history,
    save_care,
    settings_row,
)
from portal.lifecycle.schedule import STATE_LABELS
from portal.releases.models import Regulation, RegulationVersion
from portal.signing_status.queries import departments
from portal.web import attempt, client_ip, deps, me

bp = Blueprint("lifecycle", __name__, template_folder="templates")
ASSETS = Path(__file__).parent / "static"



def _standing_for(session: Session, user: User, slug: str) -> Standing:
    """A regulation's standing for someone who may review it: its owner, or HR (others: not found)."""
    standing = regulation_standing(session, regulation_by_slug(session, slug), deps().clock.today())
    if not may_review(user, standing):
        raise NotFound(f"user {user.id} does not review {slug}")
    return standing


def read_to_end_posted() -> bool:
    """The sign form's flag set by static/reading_gate.js once the end of the text was seen."""
    return request.form.get("read_to_end") == "1"


@bp.app_template_global("lifecycle_facts")
def _lifecycle_facts(regulation_id: int) -> dict[str, object] | None:
    """The reading page's owner line and, after the grace period, its 超过复审期限 notice."""
    d = deps()
    regulation = d.session.get(Regulation, regulation_id)
    if regulation is None or regulation.retired or regulation.current_version_id is None:
        return None
    standing = regulation_standing(d.session, regulation, d.clock.today())
    lapsed = standing.state == "lapsed" and not (standing.review and standing.review.outcome == "unchanged")
    return {"standing": standing, "lapsed": lapsed, "mine": current_user.is_authenticated and may_review(me(), standing)}


@bp.app_template_global("my_open_reviews")
def _my_open_reviews() -> int:
    d = deps()
    return sum(1 for s in owned_by(d.session, me(), d.clock.today()) if s.state != "ok" and not s.decided)


@bp.app_template_global("overdue_reviews")
def _overdue_reviews() -> int:
    d = deps()
    return overdue_count(d.session, d.clock.today())


def _overview(errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    d = deps()
    return render_template(
        "lifecycle/overview.html", standings=all_standings(d.session, d.clock.today()), settings=settings_row(d.session),
        states=STATE_LABELS, outcomes=OUTCOME_LABELS, form=CsrfOnly(), errors=errors or {}, today=d.clock.today(),
        rules=rule_cycles(d.session), scopes=SCOPE_LABELS,
    ), status


@bp.route("/hr/lifecycle")
@requires(Role.HR)
def overview() -> tuple[str, int]:
    return _overview()


@bp.route("/hr/lifecycle/settings", methods=["POST"])
@requires(Role.HR)
def save_settings() -> Response | tuple[str, int]:
    if not CsrfOnly().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("lifecycle.overview"))
    values, errors = parse_settings(request.form)
    if values is None:
        return _overview(errors, 400)
    d = deps()
    row = settings_row(d.session, for_update=True)
    row.lead_days, row.grace_days, row.reattest_due_days = values.lead_days, values.grace_days, values.reattest_due_days
    row.updated_at = naive_utc(d.clock.now())
    audit(d.session, d.clock, "lifecycle_settings", actor=me(), ip=client_ip(),
          detail=f"提前 {values.lead_days} 天通知负责人，逾期 {values.grace_days} 天后公示，重新确认期限 {values.reattest_due_days} 天")
    flash("复审设置已保存。", "success")
    return redirect(url_for("lifecycle.overview"))


@bp.route("/hr/lifecycle/rules", methods=["POST"])
@requires(Role.HR)
def save_rule() -> Response | tuple[str, int]:
    """One assignment rule's re-attestation interval (``rule_id`` and ``months`` in the form)."""
    if not CsrfOnly().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("lifecycle.overview"))
    rule_id, months = request.form.get("rule_id", ""), (request.form.get("months") or "").strip()
    if not (rule_id.isdigit() and len(rule_id) < 10):
        raise NotFound(f"rule {rule_id!r}")
    if not (months.isdigit() and int(months) <= 120):
        return _overview({f"rule_{rule_id}": "重新确认周期须为 0 至 120 之间的整数。"}, 400)
    d = deps()
    save_rule_cycle(d.session, d.clock, int(rule_id), int(months), me(), client_ip())
    flash("规则的重新确认周期已保存。", "success")
    return redirect(url_for("lifecycle.overview"))


def _care_page(slug: str, errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    d = deps()
    regulation = regulation_by_slug(d.session, slug)
    standing = regulation_standing(d.session, regulation, d.clock.today())
    return render_template(
        "lifecycle/care.html", s=standing, departments=departments(d.session), history=review_history(d.session, regulation.id),
        states=STATE_LABELS, outcomes=OUTCOME_LABELS, form=CsrfOnly(), errors=errors or {},
    ), status


@bp.route("/hr/lifecycle/<slug>")
@requires(Role.HR)
def care(slug: str) -> tuple[str, int]:
    return _care_page(slug)


@bp.route("/hr/lifecycle/<slug>", methods=["POST"])
@requires(Role.HR)
def save(slug: str) -> Response | tuple[str, int]:
    if not CsrfOnly().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("lifecycle.care", slug=slug))
    d = deps()
    regulation = regulation_by_slug(d.session, slug)
    values, errors = parse_care(request.form, departments(d.session))
    if values is None:
        return _care_page(slug, errors, 400)
    with attempt(show=False) as outcome:
        save_care(d.session, d.clock, regulation, values, me(), client_ip())
    if not outcome.ok:
        fields = getattr(outcome.error, "field_errors", {}) or {"owner_employee_no": outcome.error.user_message if outcome.error else ""}
        return _care_page(slug, fields, 400)
    flash(f"《{regulation.title}》的负责人与周期已保存。", "success")
    return redirect(url_for("lifecycle.care", slug=slug))


@bp.route("/my/reviews")
@signed_in
def mine() -> str:
    d = deps()
    return render_template("lifecycle/mine.html", standings=owned_by(d.session, me(), d.clock.today()),
                           states=STATE_LABELS, outcomes=OUTCOME_LABELS)


def _review_page(standing: Standing, errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    d = deps()
    return render_template(
        "lifecycle/review.html", s=standing, history=review_history(d.session, standing.regulation.id), states=STATE_LABELS,
        outcomes=OUTCOME_LABELS, form=CsrfOnly(), errors=errors or {},
    ), status


@bp.route("/reviews/<slug>")
@signed_in
def review(slug: str) -> tuple[str, int]:
    return _review_page(_standing_for(deps().session, me(), slug))


@bp.route("/reviews/<slug>", methods=["POST"])
@signed_in
def decide_review(slug: str) -> Response | tuple[str, int]:
    d = deps()
    standing = _standing_for(d.session, me(), slug)
    if not CsrfOnly().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("lifecycle.review", slug=slug))
    outcome, note, errors = parse_decision(request.form)
    if errors:
        return _review_page(standing, errors, 400)
    with attempt(catch=(HandbookError,), unless=(NotFound,)) as done:
        decide(d.session, d.clock, standing, me(), outcome, note, client_ip())
    if not done.ok:
        return _review_page(regulation_standing(d.session, standing.regulation, d.clock.today()), status=400)
    if outcome == "unchanged":
        flash(f"已确认《{standing.regulation.title}》无需修订，下次复审日期已顺延。", "success")
    else:
        flash("已记录修订意见。修订稿按发布流程提交：人力资源部上传修订稿，审批人批准后发布。", "success")
    return redirect(url_for("lifecycle.review", slug=slug))




@bp.route("/lifecycle/reading_gate.js")
@signed_in
def reading_gate_script() -> Response:
    return send_from_directory(ASSETS, "reading_gate.js", mimetype="text/javascript", max_age=300)


# --- the quiz -------------------------------------------------------------------------------------------


def _quiz_editor(standing: Standing, errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    d = deps()
    regulation = standing.regulation
    return render_template(
        "lifecycle/quiz_editor.html", s=standing, questions=quiz.questions(d.session, regulation),
        results=quiz.results(d.session, regulation), clauses=quiz.clauses(standing.version.document()),
        form=CsrfOnly(), errors=errors or {},
    ), status


@bp.route("/reviews/<slug>/quiz")
@signed_in
def quiz_editor(slug: str) -> tuple[str, int]:
    return _quiz_editor(_standing_for(deps().session, me(), slug))


@bp.route("/reviews/<slug>/quiz", methods=["POST"])
@signed_in
def edit_quiz(slug: str) -> Response | tuple[str, int]:
    """Add a question, or confirm / remove one (``action`` and ``question_id`` in the form)."""
    d = deps()
    standing = _standing_for(d.session, me(), slug)
    if not CsrfOnly().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("lifecycle.quiz_editor", slug=slug))
    action = request.form.get("action", "add")
    question_id = request.form.get("question_id", "")
    with attempt(show=False, unless=(NotFound,)) as done:
        if action == "add":
            quiz.add_question(d.session, d.clock, standing.regulation, quiz.NewQuestion(
                (request.form.get("clause_anchor") or "")[:100], (request.form.get("prompt") or "").replace("\x00", ""),
                (request.form.get("options_text") or "").replace("\x00", "")[:5000]), me(), client_ip())
        elif action in ("confirm", "retire") and question_id.isdigit() and len(question_id) < 10:
            change = quiz.confirm_question if action == "confirm" else quiz.retire_question
            change(d.session, d.clock, standing.regulation, int(question_id), me(), client_ip())
        else:
            raise NotFound(f"quiz action {action!r} / {question_id!r}")
    if not done.ok:
        error = done.error
        fields = getattr(error, "field_errors", {}) or {"form": error.user_message if error else ""}
        return _quiz_editor(standing, fields, 400)
    flash({"add": "题目已添加。", "confirm": "已确认题目适用于新版本条款。", "retire": "题目已删除。"}[action], "success")
    return redirect(url_for("lifecycle.quiz_editor", slug=slug))


def _quiz_page(slug: str, graded: quiz.Graded | None = None, status: int = 200) -> tuple[str, int]:
    d = deps()
    regulation = regulation_by_slug(d.session, slug)
    questions = quiz.quiz_for(d.session, regulation)
    if not questions:
        raise NotFound(f"{slug} has no quiz")
    return render_template("lifecycle/quiz.html", regulation=regulation, questions=questions, graded=graded,
                           pass_percent=quiz.pass_percent(d.session, regulation.id), form=CsrfOnly()), status


@bp.route("/regulations/<slug>/quiz")
@signed_in
def quiz_page(slug: str) -> tuple[str, int]:
    return _quiz_page(slug)


@bp.route("/regulations/<slug>/quiz", methods=["POST"])
@signed_in
def answer_quiz(slug: str) -> Response | tuple[str, int]:
    d = deps()
    if not CsrfOnly().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("lifecycle.quiz_page", slug=slug))
    regulation = regulation_by_slug(d.session, slug)
    answers = {}
    for key in request.form:
        if key.startswith("q") and key[1:].isdigit() and len(key) < 12:
            answers[int(key[1:])] = [int(v) for v in request.form.getlist(key) if v.isdigit() and len(v) < 3]
    graded = quiz.grade(d.session, d.clock, regulation, me(), answers)
    if graded.attempt.passed:
        flash(f"测验通过（得分 {graded.attempt.score}%），现在可以签署。", "success")
        return redirect(url_for("reading.regulation", slug=slug) + "#sign")
    return _quiz_page(slug, graded, 200)


@bp.app_template_global("clause_split")
def _clause_split(version: RegulationVersion) -> clause_acks.PendingSplit | None:
    return clause_acks.pending_split(deps().session, me().id, version)


@bp.app_template_global("receipt_clauses")
def _receipt_clauses(ack: Acknowledgement) -> list[clause_acks.ClauseLine] | None:
    return clause_acks.clause_lines(deps().session, ack)


@bp.app_template_global("most_missed_questions")
def _most_missed_questions() -> list[tuple[str, str, int, int]]:
    return quiz.most_missed(deps().session)
