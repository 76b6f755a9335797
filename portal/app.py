"""The application factory.

``create_app`` calls one small function per concern (configuration,
extensions, blueprints, request hooks, error pages), as in flaskbb.  The
blueprints are imported plainly and listed once, in registration order, in
:func:`feature_blueprints`; the forms desk is always installed and is one of them.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, redirect, request, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from portal import config as portal_config
from portal.access import Role, check_every_view_declares_access
from portal.auth.cookie import HttpsAwareSessionInterface
from portal.clock import SystemClock
from portal.config import settings_of
from portal.converters import install_converters
from portal.extensions import csrf, db, login_manager
from portal.localtime import LocalClock, register_filters, zone_named
from portal.web import CLOCK_KEY, install_unit_of_work
from project.paths import Paths, resolve_root

log = logging.getLogger(__name__)

# Pages of the administration area (its tabs) that other packages own: the nav marks 管理 on them.
ADMIN_AREA_ENDPOINTS = frozenset(
    {"audit.audit_log", "audit.audit_export", "releases.publish", "releases.task", "releases.task_status", "acks.verify",
     "onboarding.new_hires", "reminders.index", "reminders.save_settings", "reminders.run_now", "reminders.task",
     "proofs.index", "proofs.start_export", "proofs.export", "acks.verify_job", "acks.verify_job_status"}
) | {"lifecycle.overview", "lifecycle.save_settings", "lifecycle.care", "lifecycle.save", "lifecycle.save_rule"} | {"search_page.insights"}

# While a password change is due, only these endpoints answer.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static", "errorpages.health",
                                        "errorpages.favicon"})


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config)
    configure_logging(app)
    configure_extensions(app)
    configure_proxies(app)
    configure_blueprints(app)
    configure_request_hooks(app)
    configure_release_sync(app)
    configure_templates(app)
    check_every_view_declares_access(app)
    install_unit_of_work(app)
    return app


def configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Defaults, then instance/portal.cfg, then the environment, then ``overrides``; the typed settings once."""
    app.config.from_mapping(portal_config.DEFAULTS)
    app.config.from_pyfile("portal.cfg", silent=True)
    app.config.from_mapping(portal_config.from_environment(os.environ))
    app.config.from_mapping(dict(overrides or {}))
    root = Path(app.config["HANDBOOK_ROOT"] or resolve_root(None))
    app.config["HANDBOOK_ROOT"] = root
    url = app.config["SQLALCHEMY_DATABASE_URI"] or portal_config.sqlite_url(root)
    app.config["SQLALCHEMY_DATABASE_URI"] = portal_config.normalise_database_url(url)
    if url.startswith("sqlite:///") and ":memory:" not in url:
        private_database_dir(Path(url.removeprefix("sqlite:///")), root / "var")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _persistent_secret(root / "var" / "secret_key")
    app.extensions[portal_config.SETTINGS_KEY] = portal_config.Settings.from_config(app.config)
    zone = zone_named(app.extensions[portal_config.SETTINGS_KEY].time_zone)
    app.extensions[CLOCK_KEY] = LocalClock(app.config.get("CLOCK") or SystemClock(), zone)


def private_database_dir(database: Path, var: Path) -> None:
    """The SQLite file, its WAL and the session key live in var/, which only the portal's user can read
    (password hashes and session tokens are in there), and the files themselves are 0600.  A database
    configured elsewhere keeps its folder's permissions (that folder is the operator's)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    if database.parent.resolve() == var.resolve():
        var.chmod(0o700)
    for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        if path.exists():
            path.chmod(0o600)


def _persistent_secret(path: Path) -> str:
    """A random key kept on disk, so that restarts and every worker share it."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.getLogger("portal").setLevel(logging.INFO)


def configure_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.session_interface = HttpsAwareSessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.session_protection = "basic"

    from portal.auth.views import load_user

    login_manager.user_loader(load_user)


def configure_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto/-Host from exactly the configured number of proxies (0: none), so the
    client's address (throttle, audit, sessions) and the scheme (the Secure cookie) are the real ones."""
    hops = settings_of(app).trusted_proxies
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def feature_blueprints() -> list[Blueprint]:
    """The feature blueprints, in registration order."""
    from portal.acks.views import bp as acks
    from portal.admin.views import bp as admin
    from portal.api.views import bp as api
    from portal.api.views import pages as api_tokens
    from portal.assignments.views import bp as assignments
    from portal.audit.views import bp as audit
    from portal.auth.views import bp as auth
    from portal.conflicts.views import bp as conflicts
    from portal.dashboard.views import bp as dashboard
    from portal.duties.views import bp as duties
    from portal.errorpages import bp as errorpages
    from portal.formsdesk.views import bp as formsdesk
    from portal.lifecycle.views import bp as lifecycle
    from portal.onboarding.views import bp as onboarding
    from portal.proofs.views import bp as proofs
    from portal.reading.views import bp as reading
    from portal.releases.views import bp as releases
    from portal.reminders.views import bp as reminders
    from portal.search_page.views import bp as search_page

    return [auth, reading, acks, assignments, dashboard, admin, audit, releases, search_page, errorpages, formsdesk, onboarding, reminders, proofs, duties, conflicts,
            lifecycle, api, api_tokens]


def configure_blueprints(app: Flask) -> None:
    install_converters(app)
    for blueprint in feature_blueprints():
        app.register_blueprint(blueprint)
    register_task_kinds()


def register_task_kinds() -> None:
    """The stages' long work, registered with the task registry (as blueprints are with the app)."""
    import portal.acks.tasks
    import portal.api.tasks
    import portal.duties.tasks
    import portal.lifecycle.tasks
    import portal.proofs.exports
    import portal.releases.tasks
    import portal.reminders.tasks  # noqa: F401  (import registers: followup and its daily schedule)


def configure_request_hooks(app: Flask) -> None:
    @app.before_request
    def force_password_change() -> Response | None:
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS
        ):
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        if current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def nav_items() -> list[tuple[str, str, str, bool]]:
    """(endpoint, label, url, active) of the navigation for the current user.

    An item is active on its own endpoint, and on any page of its blueprint
    when no other item shares that blueprint.
    """
    from flask import current_app

    items: list[tuple[str, str]] = [("assignments.mine", "我的手册"), ("reading.index", "制度")]
    items.append(("search_page.search", "检索"))
    items.append(("duties.calendar_page", "职责日历"))
    if "formsdesk.index" in current_app.view_functions:
        items.append(("formsdesk.index", "表单"))
    if current_user.has_role(Role.MANAGER) or current_user.is_hr:
        items.append(("dashboard.index", "签署看板"))
    if current_user.is_hr:
        items += [("assignments.rules", "分配规则"), ("admin.users", "管理")]
        items.append(("conflicts.index", "制度冲突"))
    blueprints = [endpoint.split(".")[0] for endpoint, _ in items]
    here = request.endpoint or ""
    if here in ADMIN_AREA_ENDPOINTS:
        here = "admin." + here

    def active(endpoint: str) -> bool:
        blueprint = endpoint.split(".")[0]
        return here == endpoint or (blueprints.count(blueprint) == 1 and here.split(".")[0] == blueprint)

    return [(endpoint, label, url_for(endpoint), active(endpoint)) for endpoint, label in items]


def configure_templates(app: Flask) -> None:
    @app.context_processor
    def navigation() -> dict[str, Any]:
        if not current_user.is_authenticated:
            return {"nav": []}
        return {"nav": nav_items()}

    app.jinja_env.globals["Role"] = Role
    register_filters(app, settings_of(app).zone)


def configure_release_sync(app: Flask) -> None:
    """Several hosts: the versioned site and search wait for this host's copy of the release in force."""
    if settings_of(app).release_sync:
        from portal.releases.sync import register

        register(app, Paths(settings_of(app).handbook_root))
