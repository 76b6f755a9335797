"""Login, logout, password change and the list of one's sessions (thin: parse, call a service, answer)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask import session as cookie
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from domain.errors import ValidationFailed
from portal.access import public, signed_in
from portal.audit.services import record as audit
from portal.auth.directory import DirectoryUnavailable
from portal.auth.inputs import ChangePasswordForm, EndOthersForm, EndSessionForm, LoginForm
from portal.auth.models import User, UserSession
from portal.auth.services import authenticate, change_password
from portal.auth.sessions import (
    SESSION_KEY,
    SessionLimits,
    device_label,
    end_own_session,
    end_session,
    end_sessions_of,
    limits_from,
    limits_note,
    live_sessions,
    resume,
    start_session,
)
from portal.auth.signin import verifier_for
from portal.auth.throttle import ThrottlePolicy
from portal.config import Settings
from portal.errors import LoginFailed, LoginThrottled, NotFound
from portal.web import attempt, client_ip, deps, me, safe_next, user_agent

bp = Blueprint("auth", __name__, template_folder="templates")

_CURRENT = "portal_user_session"  # flask.g: the session row of this request, set by load_user

# What the login page says when a session ended by itself.
_TIMED_OUT = {
    "idle": "您已较长时间未操作，为安全起见已自动退出，请重新登录。",
    "expired": "本次登录已超过时限，请重新登录。",
}


def session_limits(settings: Settings) -> SessionLimits:
    return limits_from(settings.session_idle_minutes, settings.session_absolute_hours)


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(
        account_free=settings.login_account_free_failures,
        ip_free=settings.login_ip_free_failures,
        base=dt.timedelta(seconds=settings.login_delay_base_seconds),
        ceiling=dt.timedelta(seconds=settings.login_delay_max_seconds),
        window=dt.timedelta(seconds=settings.login_window_seconds),
    )


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``<id>.<token>`` and a live server-side session row of this cookie."""
    number, _, token = user_id.partition(".")
    if not (number.isascii() and number.isdigit()) or len(number) > 12:
        return None
    d = deps()
    user = d.session.get(User, int(number))
    if user is None or not user.active or user.session_token != token:
        return None
    found = resume(d.session, d.clock, cookie.get(SESSION_KEY), user.id, session_limits(d.settings))
    if found.row is None:
        cookie.clear()
        if found.reason in _TIMED_OUT:
            flash(_TIMED_OUT[found.reason], "info")
        return None
    setattr(g, _CURRENT, found.row)
    return user


def current_session() -> UserSession | None:
    """The server-side session of this request (signed-in requests only)."""
    _ = current_user.is_authenticated  # loads the user, and with it the row
    row = g.get(_CURRENT)
    return row if isinstance(row, UserSession) else None


def begin_session(user: User) -> None:
    """Sign this browser in with a fresh cookie: everything from before the login (the CSRF token
    included, Flask-WTF keeps it in the session) is dropped, so a token seen before login is useless after."""
    d = deps()
    cookie.clear()
    login_user(user)
    cookie[SESSION_KEY] = start_session(d.session, d.clock, user.id, ip=client_ip(), user_agent=user_agent())


def home_of(user: Any) -> str:
    """Where a person lands without a ``next``: HR and administrators on their dashboard, others on 我的手册."""
    return url_for("dashboard.index") if user.is_hr else url_for("assignments.mine")


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | str | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home_of(current_user)))
    target = safe_next(request.args.get("next"), url_for("assignments.mine"))
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        d = deps()
        try:
            user = authenticate(d.session, d.clock, form.employee_no.data, form.password.data, client_ip(),
                                throttle_policy(d.settings), verifier_for(d.settings, d.clock, client_ip()))
        except (LoginFailed, LoginThrottled, DirectoryUnavailable) as error:  # not a refused unit: the streak is kept
            flash(error.user_message, "error")
            if isinstance(error, LoginThrottled):
                status, headers = 429, {"Retry-After": str(math.ceil(error.wait.total_seconds()))}
        else:
            begin_session(user)
            target = safe_next(request.args.get("next"), home_of(user))
            if user.must_change_password:
                flash("首次登录，请先修改密码。", "info")
                return redirect(url_for("auth.change_password", next=target))
            return redirect(target)
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    d = deps()
    row = current_session()
    if row is not None:
        end_session(d.session, d.clock, row, "logout")
    audit(d.session, d.clock, "logout", actor=me(), ip=client_ip())
    logout_user()
    cookie.clear()
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
            begin_session(user)  # every session ended with the old password; this browser gets a new one
            flash("密码已修改，其他设备上的登录已结束。", "success")
            return redirect(safe_next(request.args.get("next"), home_of(user)))
    return render_template("auth/change_password.html", form=form, forced=me().must_change_password)


@bp.route("/account/sessions", endpoint="sessions")
@signed_in
def sessions_view() -> str:
    d = deps()
    limits = session_limits(d.settings)
    rows = live_sessions(d.session, d.clock, me().id, limits)
    here = current_session()
    return render_template(
        "auth/sessions.html", rows=rows, current_id=here.id if here else None, form=EndSessionForm(),
        others_form=EndOthersForm(), device=device_label, limits_note=limits_note(limits),
    )


@bp.route("/account/sessions/end", methods=["POST"], endpoint="end_session")
@signed_in
def end_session_view() -> Response:
    form = EndSessionForm()
    d = deps()
    here = current_session()
    chosen = form.chosen() if form.validate_on_submit() else None
    if chosen is None or (here is not None and chosen == here.id):
        flash("请选择要结束的其他设备上的登录；结束本设备的登录请点击“退出”。", "error")
    else:
        with attempt(catch=(NotFound,)) as outcome:
            end_own_session(d.session, d.clock, me().id, chosen)
        if outcome.ok:
            audit(d.session, d.clock, "session_ended", actor=me(), ip=client_ip(), detail="结束一个其他设备上的登录")
            flash("已结束该设备上的登录。", "success")
    return redirect(url_for("auth.sessions"))


@bp.route("/account/sessions/end-others", methods=["POST"], endpoint="end_other_sessions")
@signed_in
def end_other_sessions_view() -> Response:
    if EndOthersForm().validate_on_submit():
        d = deps()
        here = current_session()
        ended = end_sessions_of(d.session, d.clock, me().id, "ended", keep=here.id if here else None)
        audit(d.session, d.clock, "session_ended", actor=me(), ip=client_ip(), detail=f"结束其他设备上的 {ended} 个登录")
        flash(f"已结束其他设备上的 {ended} 个登录。" if ended else "没有其他设备上的登录。", "success")
    return redirect(url_for("auth.sessions"))
