"""Login, logout and password change (thin: parse, call a service, answer)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from domain.errors import ValidationFailed
from portal.access import public, signed_in
from portal.audit.services import record as audit
from portal.auth.inputs import ChangePasswordForm, LoginForm
from portal.auth.models import User
from portal.auth.services import RateLimit, authenticate, change_password
from portal.errors import LoginFailed, LoginLocked
from portal.extensions import db
from portal.web import attempt, client_ip, deps, me, safe_next

bp = Blueprint("auth", __name__, template_folder="templates")


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``<id>.<session token>``; a changed token ends the session."""
    number, _, token = user_id.partition(".")
    if not number.isdigit():
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _rate_limit() -> RateLimit:
    settings = deps().settings
    return RateLimit(
        per_account=settings.login_max_failures_per_account,
        per_ip=settings.login_max_failures_per_ip,
        window=dt.timedelta(seconds=settings.login_window_seconds),
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | str | tuple[str, int]:
    target = safe_next(request.args.get("next"), url_for("assignments.mine"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        d = deps()
        try:
            user = authenticate(d.session, d.clock, form.employee_no.data, form.password.data, client_ip(), _rate_limit())
        except (LoginFailed, LoginLocked) as error:  # not a refused unit: the failure count is kept
            flash(error.user_message, "error")
            status = 429 if isinstance(error, LoginLocked) else 200
        else:
            login_user(user)
            if user.must_change_password:
                flash("首次登录，请先修改密码。", "info")
                return redirect(url_for("auth.change_password", next=target))
            return redirect(target)
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    d = deps()
    audit(d.session, d.clock, "logout", actor=me(), ip=client_ip())
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@signed_in
def change_password_view() -> Response | str:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        d = deps()
        user = me()
        with attempt(form, catch=(ValidationFailed,), show=False) as outcome:
            change_password(
                d.session, d.clock, user, form.current_password.data, form.new_password.data,
                hash_profile=d.settings.password_hash_profile, min_password=d.settings.password_min_length,
                ip=client_ip(),
            )
        if outcome.ok:
            login_user(user)  # the session token changed with the password
            flash("密码已修改。", "success")
            return redirect(safe_next(request.args.get("next"), url_for("assignments.mine")))
    return render_template("auth/change_password.html", form=form, forced=me().must_change_password)
