"""Administration pages: accounts and roles.

The other pages under /admin live with the package that owns them: the audit
log in ``portal.audit.views``, publishing and its task progress in
``portal.releases.views``, the chain check in ``portal.acks.views``.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from domain.errors import HandbookError, ValidationFailed
from portal.access import ROLE_LABELS, Role, requires
from portal.admin.inputs import PasswordResetForm, PersonForm, RosterApplyForm, RosterUploadForm
from portal.admin.rosters import stash, stashed
from portal.admin.services import departments_in_use, grantable_roles, merged_roles, person_for, set_active
from portal.assignments.models import HISTORY_REASONS
from portal.assignments.services import assignment_history, my_handbook
from portal.auth.inputs import UserForm
from portal.auth.models import User
from portal.auth.roster import apply_roster, preview_roster, read_table_bytes
from portal.auth.services import (
    NewUser,
    Profile,
    account_for,
    create_user,
    set_password,
    set_roles,
    update_profile,
)
from portal.converters import page_number
from portal.web import attempt, client_ip, deps, loads, me, options, save_now

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")


@bp.route("/users")
@requires(Role.HR)
def users() -> str:
    d = deps()
    q = request.args.get("q", "").strip()[:50]
    page = page_number(request.args)
    query = select(User)
    if q:
        query = query.where(or_(User.employee_no.contains(q), User.name.contains(q), User.department.contains(q)))
    total = d.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    size = d.settings.page_size
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
        with attempt(form, catch=(ValidationFailed,)) as outcome:
            user = create_user(
                d.session, d.clock, new, hash_profile=d.settings.password_hash_profile,
                new_hire_days=d.settings.new_hire_due_days, actor=me(), min_password=d.settings.password_min_length,
                ip=client_ip(),
            )
        if outcome.ok:
            flash(f"已创建账号 {user.employee_no} {user.name}，首次登录须修改密码。", "success")
            return redirect(url_for("admin.users", q=user.employee_no))
    return render_template("admin/new_user.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Role.HR)
@loads("user", person_for)
def edit_user(user: User) -> Response | str:
    d = deps()
    form = PersonForm(obj=user, data={"roles": [r.value for r in user.roles]})
    allowed = grantable_roles(me())
    form.roles.choices = options((r.value, label) for r, label in ROLE_LABELS.items() if r in allowed)
    if form.validate_on_submit():
        profile = Profile(form.name.data or "", form.email.data or "", form.department.data or "",
                          form.position.data or "", form.hire_date.data)
        chosen = frozenset(Role(r) for r in form.roles.data or [] if r in Role.__members__.values())
        with attempt(form, catch=(ValidationFailed,)) as outcome:
            changes = update_profile(d.session, d.clock, user, profile, actor=me(), ip=client_ip(),
                                     new_hire_days=d.settings.new_hire_due_days)
            roles = set_roles(d.session, d.clock, user, merged_roles(me(), user.roles, chosen), actor=me(), ip=client_ip())
            active = set_active(d.session, d.clock, user, bool(form.active.data), actor=me(), ip=client_ip())
        if outcome.ok:
            done = [c.text() for c in changes] + (["角色已更新"] if roles else []) + (["账号状态已更新"] if active else [])
            flash("已保存：" + "；".join(done) if done else "没有变化。", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "admin/edit_user.html", user=user, form=form, password_form=PasswordResetForm(),
        items=my_handbook(d.session, user, d.clock.today()), history=assignment_history(d.session, user.id),
        reasons=HISTORY_REASONS, departments=departments_in_use(d.session),
    )


@bp.route("/users/import", methods=["GET", "POST"])
@requires(Role.HR)
def import_users() -> str:
    """Upload, then the preview; nothing is created until the apply step."""
    d = deps()
    form = RosterUploadForm()
    preview, apply_form = None, None
    if form.validate_on_submit():
        upload = form.roster.data
        with attempt(form, catch=(HandbookError,)) as outcome:
            data = upload.read()
            rows = read_table_bytes(data, upload.filename or "")
            preview = preview_roster(d.session, rows, d.settings.password_min_length)
            kept = stash(_roster_folder(), me().id, data, upload.filename or "")
        if outcome.ok:
            apply_form = RosterApplyForm(data={"token": kept.token, "filename": (upload.filename or "")[:100]})
    return render_template("admin/import.html", form=form, preview=preview, apply_form=apply_form)


@bp.route("/users/import/apply", methods=["POST"])
@requires(Role.HR)
def apply_import() -> Response | str:
    d = deps()
    form = RosterApplyForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin.import_users"))
    name = (form.filename.data or "")[:100]
    with attempt(catch=(HandbookError,)) as outcome:
        kept = stashed(_roster_folder(), me().id, form.token.data or "")
        preview = preview_roster(d.session, read_table_bytes(kept.read(), kept.path.name), d.settings.password_min_length)
        created = apply_roster(d.session, d.clock, preview, hash_profile=d.settings.password_hash_profile,
                               new_hire_days=d.settings.new_hire_due_days, actor=me(), ip=client_ip(), source=name)
    if not outcome.ok:
        return redirect(url_for("admin.import_users"))
    save_now()  # the accounts exist before the file goes: a failed unlink must not undo them
    kept.path.unlink(missing_ok=True)
    return render_template("admin/imported.html", created=created, preview=preview, filename=name)


def _roster_folder() -> Path:
    return deps().settings.handbook_root / "var" / "rosters"


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires(Role.ADMIN)
@loads("user", account_for)
def reset_password(user: User) -> Response:
    d = deps()
    form = PasswordResetForm()
    if form.validate_on_submit():
        with attempt(catch=(ValidationFailed,)) as outcome:
            set_password(d.session, d.clock, user.employee_no, form.password.data, hash_profile=d.settings.password_hash_profile,
                         actor=me(), min_password=d.settings.password_min_length, ip=client_ip())
        if outcome.ok:
            flash("临时密码已设置，用户下次登录须修改。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
