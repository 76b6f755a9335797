"""HR's follow-up page: the schedule and its settings, "run now" (a task), the runs and every mail sent."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.access import Role, requires
from portal.audit.services import record as audit
from portal.clock import naive_utc
from portal.reminders.followup import (
    WEEKDAYS,
    load_schedule,
    local_today,
    recent_mails,
    recent_runs,
    settings_row,
)
from portal.reminders.inputs import CsrfOnly, parse_settings
from portal.reminders.models import KIND_LABELS, MAIL_STATUS_LABELS
from portal.tasks.models import STATUS_LABELS, Task
from portal.tasks.queue import queue_for
from portal.web import client_ip, deps, me

bp = Blueprint("reminders", __name__, template_folder="templates", url_prefix="/hr/followup")


def _page(errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    d = deps()
    html = render_template(
        "reminders/followup.html", settings=settings_row(d.session), schedule=load_schedule(d.session),
        today=local_today(d.clock), runs=recent_runs(d.session), mails=recent_mails(d.session), form=CsrfOnly(),
        errors=errors or {}, weekdays=WEEKDAYS, kinds=KIND_LABELS, mail_status=MAIL_STATUS_LABELS,
        zone=d.settings.time_zone,
    )
    return html, status


@bp.route("")
@requires(Role.HR)
def index() -> tuple[str, int]:
    return _page()


@bp.route("/settings", methods=["POST"])
@requires(Role.HR)
def save_settings() -> Response | tuple[str, int]:
    if not CsrfOnly().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("reminders.index"))
    values, errors = parse_settings(request.form, request.form.getlist("quiet_weekdays"))
    if values is None:
        return _page(errors, 400)
    d = deps()
    row = settings_row(d.session, for_update=True)
    for name, value in vars(values).items():
        setattr(row, name, value)
    row.updated_at = naive_utc(d.clock.now())
    audit(d.session, d.clock, "followup_settings", actor=me(), ip=client_ip(),
          detail=f"每日 {values.run_hour} 时，截止前 {values.before_days} 天、逾期 {values.after_days} 天提醒，"
                 f"逾期 {values.escalate_days} 天上报，{'启用' if values.enabled else '停用'}")
    flash("自动提醒设置已保存。", "success")
    return redirect(url_for("reminders.index"))


@bp.route("/run", methods=["POST"])
@requires(Role.HR)
def run_now() -> Response:
    if not CsrfOnly().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("reminders.index"))
    d = deps()
    payload = {"base_url": request.host_url, "actor_id": me().id, "ip": client_ip()}
    task_id = queue_for(current_app).enqueue(d.session, d.clock, "followup", payload, me().id)
    return redirect(url_for("reminders.task", task_id=task_id))


@bp.route("/tasks/<int:task_id>")
@requires(Role.HR)
def task(task_id: int) -> str:
    found = deps().session.get(Task, task_id)
    if found is None or found.kind != "followup":
        abort(404)
    return render_template("reminders/task.html", task=found, labels=STATUS_LABELS)
