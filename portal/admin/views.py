"""Administration pages: accounts, roles, audit log, publishing with progress, chain check."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from domain.errors import ValidationFailed
from portal.access import ROLE_LABELS, Role, requires
from portal.acks.services import verify_chain
from portal.admin.inputs import PasswordResetForm, PublishForm, VerifyForm
from portal.admin.services import publish_file, set_active, summary
from portal.audit.services import ACTION_LABELS, AuditFilter, filtered_query, page_of_events
from portal.audit.services import record as audit
from portal.auth.inputs import RolesForm, UserForm
from portal.auth.models import User
from portal.auth.services import NewUser, create_user, set_password, set_roles
from portal.exports import csv_chunks
from portal.jobs.models import STATUS_LABELS, Job
from portal.jobs.services import Progress, create_job, start_in_thread
from portal.web import apply_field_errors, client_ip, deps, me, options, own_session

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")


@bp.route("/users")
@requires(Role.HR)
def users() -> str:
    d = deps()
    q = request.args.get("q", "").strip()[:50]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = select(User)
    if q:
        query = query.where(or_(User.employee_no.contains(q), User.name.contains(q), User.department.contains(q)))
    total = d.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    size = d.config["PAGE_SIZE"]
    rows = d.session.scalars(query.order_by(User.department, User.employee_no).offset((page - 1) * size).limit(size)).all()
    return render_template("admin/users.html", users=rows, q=q, page=page, total=total, size=size, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Role.HR)
def new_user() -> Response | str:
    form = UserForm()
    if not me().has_role(Role.ADMIN):  # only administrators hand out roles beyond employee
        form.roles.choices = options([(Role.EMPLOYEE.value, ROLE_LABELS[Role.EMPLOYEE])])
    if form.validate_on_submit():
        d = deps()
        new = NewUser(
            employee_no=form.employee_no.data.strip(), name=form.name.data.strip(), password=form.password.data,
            department=form.department.data or "", position=form.position.data or "", hire_date=form.hire_date.data,
            email=form.email.data or "", roles=frozenset(Role(r) for r in form.roles.data or []),
        )
        try:
            user = create_user(
                d.session, d.clock, new, hash_profile=d.config["PASSWORD_HASH_PROFILE"],
                new_hire_days=d.config["NEW_HIRE_DUE_DAYS"], actor=me(), min_password=d.config["PASSWORD_MIN_LENGTH"],
            )
        except ValidationFailed as error:
            d.session.rollback()
            if not apply_field_errors(form, error):
                flash(error.user_message, "error")
        else:
            d.session.commit()
            flash(f"已创建账号 {user.employee_no} {user.name}，首次登录须修改密码。", "success")
            return redirect(url_for("admin.users", q=user.employee_no))
    return render_template("admin/new_user.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_user(user_id: int) -> Response | str:
    d = deps()
    user = d.session.get(User, user_id)
    if user is None:
        abort(404)
    form = RolesForm(data={"roles": [r.value for r in user.roles], "active": user.active})
    if form.validate_on_submit():
        try:
            changed = set_roles(d.session, d.clock, user, frozenset(Role(r) for r in form.roles.data or []), actor=me(), ip=client_ip())
            changed = set_active(d.session, d.clock, user, bool(form.active.data), actor=me(), ip=client_ip()) or changed
        except ValidationFailed as error:
            d.session.rollback()
            flash(error.user_message, "error")
        else:
            d.session.commit()
            flash("已保存。" if changed else "没有变化。", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/edit_user.html", user=user, form=form, password_form=PasswordResetForm())


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires(Role.ADMIN)
def reset_password(user_id: int) -> Response:
    d = deps()
    user = d.session.get(User, user_id)
    if user is None:
        abort(404)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            set_password(d.session, d.clock, user.employee_no, form.password.data, hash_profile=d.config["PASSWORD_HASH_PROFILE"],
                         actor=me(), min_password=d.config["PASSWORD_MIN_LENGTH"])
        except ValidationFailed as error:
            d.session.rollback()
            flash(error.user_message, "error")
        else:
            d.session.commit()
            flash("临时密码已设置，用户下次登录须修改。", "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


def _audit_filter() -> AuditFilter:
    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    action = request.args.get("action", "")
    return AuditFilter(action if action in ACTION_LABELS else "", request.args.get("actor", "").strip()[:50], day("since"), day("until"))


@bp.route("/audit")
@requires(Role.ADMIN)
def audit_log() -> str:
    d = deps()
    criteria = _audit_filter()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    events, total = page_of_events(d.session, criteria, page, d.config["PAGE_SIZE"])
    return render_template(
        "admin/audit.html", events=events, total=total, page=page, size=d.config["PAGE_SIZE"], criteria=criteria,
        labels=ACTION_LABELS, args=request.args,
    )


@bp.route("/audit.csv")
@requires(Role.ADMIN)
def audit_export() -> Response:
    d = deps()
    criteria = _audit_filter()
    audit(d.session, d.clock, "export", actor=me(), ip=client_ip(), target="audit log")
    d.session.commit()
    stream_session = own_session()

    def rows() -> Iterator[tuple[Any, ...]]:
        with stream_session:
            for e in stream_session.scalars(filtered_query(criteria).execution_options(yield_per=2000)):
                yield (e.id, e.at, e.actor_label, ACTION_LABELS.get(e.action, e.action), e.target, e.detail, e.ip)

    header = ("编号", "时间（UTC）", "操作人", "操作", "对象", "详情", "IP")
    return Response(
        stream_with_context(csv_chunks(header, rows())), mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )


@bp.route("/publish", methods=["GET", "POST"])
@requires(Role.HR)
def publish() -> Response | str:
    form = PublishForm()
    if form.validate_on_submit():
        d = deps()
        upload_dir = Path(tempfile.mkdtemp(prefix="publish-", dir=_upload_root()))
        path = upload_dir / (secure_filename(form.file.data.filename) or "upload")
        if path.suffix == "":
            path = path.with_suffix(Path(form.file.data.filename).suffix.lower())
        form.file.data.save(path)
        job = create_job(d.session, d.clock, "publish", me().id)
        d.session.commit()
        version, effective, title, editorial = form.version.data.strip(), form.effective.data, form.title.data or "", bool(form.editorial.data)
        actor_id, due_days, clock = me().id, d.config["REVISION_DUE_DAYS"], d.clock

        def work(session: Session, progress: Progress) -> str:
            outcome = publish_file(
                session, clock, path, version=version, effective=effective, title=title, editorial=editorial,
                revision_due_days=due_days, actor_id=actor_id, progress=progress,
            )
            return summary(outcome)

        start_in_thread(d.session_factory(), clock, job.id, work)
        return redirect(url_for("admin.job", job_id=job.id))
    return render_template("admin/publish.html", form=form)


def _upload_root() -> Path:
    root = Path(current_app.config["HANDBOOK_ROOT"]) / "var" / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _job_or_404(job_id: int) -> Job:
    job = deps().session.get(Job, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@requires(Role.HR)
def job(job_id: int) -> str:
    return render_template("admin/job.html", job=_job_or_404(job_id), labels=STATUS_LABELS)


@bp.route("/jobs/<int:job_id>.json")
@requires(Role.HR)
def job_status(job_id: int) -> Response:
    job = _job_or_404(job_id)
    return jsonify(status=job.status, label=STATUS_LABELS.get(job.status, job.status), progress=job.progress, message=job.message)


@bp.route("/verify", methods=["GET", "POST"])
@requires(Role.ADMIN)
def verify() -> str:
    form = VerifyForm()
    report = verify_chain(deps().session) if form.validate_on_submit() else None
    return render_template("admin/verify.html", form=form, report=report)
