"""My handbook (everyone) and the assignment rules (HR)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from portal.access import ROLE_LABELS, Role, requires, signed_in
from portal.assignments.inputs import DeleteForm, RuleForm
from portal.assignments.models import SCOPE_LABELS, Assignment, AssignmentRule
from portal.assignments.services import NewRule, add_rule, my_handbook, remove_rule
from portal.audit.services import record as audit
from portal.reading.titles import load_marks
from portal.releases.models import Regulation
from portal.web import attempt, client_ip, deps, me, options

bp = Blueprint("assignments", __name__, template_folder="templates")


@bp.route("/my")
@signed_in
def mine() -> str:
    d = deps()
    items = my_handbook(d.session, me(), d.clock.today())
    counts = {state: sum(1 for i in items if i.state == state) for state in ("overdue", "pending", "done")}
    return render_template("assignments/mine.html", items=items, counts=counts, today=d.clock.today())


def _regulation_choices() -> list[tuple[int, str]]:
    d = deps()
    rows = d.session.execute(
        select(Regulation.id, Regulation.title).where(Regulation.retired.is_(False)).order_by(Regulation.position)
    ).all()
    marks = load_marks(d.session)  # 营销中心管理制度（之二）: three regulations share that title
    return [(0, "全部制度"), *((i, marks.name(t, i)) for i, t in rows)]


@bp.route("/hr/rules", methods=["GET", "POST"])
@requires(Role.HR)
def rules() -> Response | str:
    d = deps()
    form = RuleForm()
    form.regulation_id.choices = options(_regulation_choices())
    if form.validate_on_submit():
        new = NewRule(form.scope.data, form.scope_value.data or "", form.regulation_id.data or None, form.due_days.data)
        with attempt(form) as outcome:
            rule = add_rule(d.session, d.clock, new)
        if outcome.ok:
            audit(d.session, d.clock, "rule_added", actor=me(), ip=client_ip(), target=f"规则 {rule.id}",
                  detail=f"{new.scope}={new.scope_value} regulation={new.regulation_id} due={new.due_days}")
            flash("规则已添加，相关人员的签署任务已生成。", "success")
            return redirect(url_for("assignments.rules"))
    rows = d.session.execute(
        select(AssignmentRule, Regulation.title)
        .outerjoin(Regulation, Regulation.id == AssignmentRule.regulation_id)
        .order_by(AssignmentRule.id)
    ).all()
    total = d.session.scalar(select(func.count(Assignment.id))) or 0
    return render_template(
        "assignments/rules.html", form=form, rows=rows, total=total, scope_labels=SCOPE_LABELS,
        role_labels={r.value: label for r, label in ROLE_LABELS.items()}, delete_form=DeleteForm(),
    )


@bp.route("/hr/rules/<int:rule_id>/delete", methods=["POST"])
@requires(Role.HR)
def delete_rule(rule_id: int) -> Response:
    d = deps()
    if DeleteForm().validate_on_submit():
        remove_rule(d.session, rule_id)
        audit(d.session, d.clock, "rule_removed", actor=me(), ip=client_ip(), target=f"规则 {rule_id}")
        flash("规则已删除。", "success")
    return redirect(url_for("assignments.rules"))
