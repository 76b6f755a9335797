"""Administration pages: accounts and roles.

The other pages under /admin live with the package that owns them: the audit
log in ``portal.audit.views``, publishing and its task progress in
``portal.releases.views``, the chain check in ``portal.acks.views``.
"""

from __future__ import annotations

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

from domain.errors import ValidationFailed
from portal.access import ROLE_LABELS, Role, requires
from portal.admin.inputs import PasswordResetForm
from portal.admin.services import set_active
from portal.auth.inputs import RolesForm, UserForm
from portal.auth.models import User
from portal.auth.services import NewUser, account_for, create_user, set_password, set_roles
from portal.converters import page_number
from portal.web import attempt, client_ip, deps, loads, me, options

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
@requires(Role.ADMIN)
@loads("user", account_for)
def edit_user(user: User) -> Response | str:
    d = deps()
    form = RolesForm(data={"roles": [r.value for r in user.roles], "active": user.active})
    if form.validate_on_submit():
        with attempt(catch=(ValidationFailed,)) as outcome:
            changed = set_roles(d.session, d.clock, user, frozenset(Role(r) for r in form.roles.data or []), actor=me(), ip=client_ip())
            changed = set_active(d.session, d.clock, user, bool(form.active.data), actor=me(), ip=client_ip()) or changed
        if outcome.ok:
            flash("已保存。" if changed else "没有变化。", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/edit_user.html", user=user, form=form, password_form=PasswordResetForm())


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
