"""My handbook (everyone) and the assignment rules (HR)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from domain.errors import ValidationFailed
from portal.access import ROLE_LABELS, Role, requires, signed_in
from portal.assignments.inputs import DeleteForm, RuleForm
from portal.assignments.models import SCOPE_LABELS, Assignment, AssignmentRule
from portal.assignments.services import (
    NewRule,
    RulePreview,
    check_targets,
    is_new_hire,
    known_targets,
    my_handbook,
    preview_rule,
    remove_rule,
    save_rule,
    validate_rule,
)
from portal.audit.services import record as audit
from portal.reading.titles import load_marks
from portal.releases.models import Regulation
from portal.web import apply_field_errors, attempt, client_ip, deps, me, options

bp = Blueprint("assignments", __name__, template_folder="templates")


@bp.route("/my")
@signed_in
def mine() -> str:
    d = deps()
    items = my_handbook(d.session, me(), d.clock.today())
    counts = {state: sum(1 for i in items if i.state == state) for state in ("overdue", "pending", "done")}
    return render_template("assignments/mine.html", items=items, counts=counts, today=d.clock.today(),
                           new_hire=is_new_hire(me(), d.clock.today(), d.settings.new_hire_due_days))


def _regulation_choices() -> list[tuple[int, str]]:
    d = deps()
    rows = d.session.execute(
        select(Regulation.id, Regulation.title).where(Regulation.retired.is_(False)).order_by(Regulation.position)
    ).all()
    marks = load_marks(d.session)  # 营销中心管理制度（之二）: three regulations share that title
    return [(0, "全部制度"), *((i, marks.name(t, i)) for i, t in rows)]


def _target_choices() -> list[SelectChoice]:
    """Only what exists: a misspelled department cannot be chosen."""
    departments, roles = known_targets(deps().session)
    return [
        SelectChoice("all:", "全体员工"),
        *(SelectChoice(f"department:{name}", f"{name}（{n} 人）", optgroup="部门") for name, n in departments.items()),
        *(SelectChoice(f"role:{role.value}", f"{label}（{roles[role.value]} 人）", optgroup="角色")
          for role, label in ROLE_LABELS.items() if role.value in roles),
        SelectChoice("user:", "个人（按工号）", optgroup="个人"),
    ]


def _rule_from(form: RuleForm) -> NewRule:
    scope, _, value = (form.target.data or "all:").partition(":")
    if scope == "user":
        value = (form.employee_no.data or "").strip()
    return NewRule(scope, value, form.regulation_id.data or None, form.due_days.data or 0, form.due_on.data,
                   form.read_order.data)


def _describe(rule: NewRule, title: str) -> str:
    """The audit line, in Chinese as the log shows it."""
    who = SCOPE_LABELS.get(rule.scope, rule.scope)
    if rule.scope == "role":
        who += "：" + next((label for r, label in ROLE_LABELS.items() if r.value == rule.scope_value), rule.scope_value)
    elif rule.scope_value:
        who += "：" + rule.scope_value
    due = f"截止 {rule.due_on.isoformat()}" if rule.due_on else f"期限 {rule.due_days} 天"
    order = f"，阅读顺序 {rule.read_order}" if rule.read_order else ""
    return f"{title}；{who}；{due}{order}"


@bp.route("/hr/rules", methods=["GET", "POST"])
@requires(Role.HR)
def rules() -> Response | str:
    d = deps()
    form = RuleForm()
    form.regulation_id.choices = options(_regulation_choices())
    form.target.choices = _target_choices()
    preview: RulePreview | None = None
    if form.validate_on_submit():
        new = _rule_from(form)
        title = dict(_regulation_choices()).get(new.regulation_id or 0, "全部制度")
        if form.action.data == "save":
            before = d.session.scalar(select(func.count(Assignment.id))) or 0
            with attempt(form) as outcome:
                rule = save_rule(d.session, d.clock, new, new_hire_days=d.settings.new_hire_due_days)
            if outcome.ok:
                added = (d.session.scalar(select(func.count(Assignment.id))) or 0) - before
                audit(d.session, d.clock, "rule_added", actor=me(), ip=client_ip(), target=f"规则 {rule.id}",
                      detail=_describe(new, title))
                flash(f"规则已保存，新增 {added} 项签署任务。", "success")
                return redirect(url_for("assignments.rules"))
        else:
            errors = validate_rule(new, d.clock.today()) or check_targets(d.session, new)
            if errors:
                apply_field_errors(form, ValidationFailed("rule preview refused", field_errors=errors))
            else:
                preview = preview_rule(d.session, new, d.clock.today())
    rows = d.session.execute(
        select(AssignmentRule, Regulation.title)
        .outerjoin(Regulation, Regulation.id == AssignmentRule.regulation_id)
        .order_by(AssignmentRule.id)
    ).all()
    total = d.session.scalar(select(func.count(Assignment.id))) or 0
    return render_template(
        "assignments/rules.html", form=form, rows=rows, total=total, scope_labels=SCOPE_LABELS, preview=preview,
        role_labels={r.value: label for r, label in ROLE_LABELS.items()}, delete_form=DeleteForm(),
    )


@bp.route("/hr/rules/<int:rule_id>/delete", methods=["POST"])
@requires(Role.HR)
def delete_rule(rule_id: int) -> Response:
    d = deps()
    if DeleteForm().validate_on_submit():
        remove_rule(d.session, d.clock, rule_id)
        audit(d.session, d.clock, "rule_removed", actor=me(), ip=client_ip(), target=f"规则 {rule_id}")
        flash("规则已删除；不再适用的任务已转入历史记录。", "success")
    return redirect(url_for("assignments.rules"))
