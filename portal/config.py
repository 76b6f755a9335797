"""The portal's configuration: every option, its default and what it does, in one place.

The factory (:func:`portal.app.create_app`) starts from :data:`DEFAULTS`, then
applies ``instance/portal.cfg`` (if present), then the environment (read only
there, through :func:`from_environment`), then the mapping it was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Project root: handbook/, site/, var/ live below it.  The CLI passes its own.
    "HANDBOOK_ROOT": None,
    # SQLAlchemy URL; None means SQLite (WAL) in <root>/var/portal.sqlite3.
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Signs the session cookie and CSRF tokens; None means a random key kept in var/secret_key.
    "SECRET_KEY": None,
    # Session cookie: not readable by scripts, not sent on cross-site POSTs.
    "SESSION_COOKIE_NAME": "handbook_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Set to True behind HTTPS (env SESSION_COOKIE_SECURE=1).
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=8),
    # CSRF tokens stay valid as long as the session.
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    # Login rate limit: failures per account and per IP within the window lock the login.
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_IP": 30,
    "LOGIN_WINDOW_SECONDS": 15 * 60,
    "PASSWORD_MIN_LENGTH": 8,
    # Argon2 cost: "strong" in production; "fast" only for tests and benchmarks.
    "PASSWORD_HASH_PROFILE": "strong",
    # Shared terminals: ask for the password again when signing.
    "SIGN_REQUIRES_PASSWORD": False,
    # Due periods (days) for assignment rules, new hires and substantive revisions.
    "DEFAULT_DUE_DAYS": 30,
    "NEW_HIRE_DUE_DAYS": 14,
    "REVISION_DUE_DAYS": 30,
    # Four eyes: a draft's author may not approve it.  True lets a small company approve its own drafts.
    "ALLOW_SELF_APPROVAL": False,
    # Outgoing mail for reminders.
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": 25,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": False,
    "SMTP_TIMEOUT": 10.0,
    "MAIL_FROM": "handbook@localhost",
    # Absolute address of the portal, for links in e-mails.
    "PORTAL_BASE_URL": "http://127.0.0.1:8000",
    # URL prefix of the versioned MkDocs site (served from <root>/site by the portal).
    "SITE_URL_PREFIX": "/site",
    # Rows per page in long lists.
    "PAGE_SIZE": 50,
    # Task queue (portal/tasks, docs/tasks.md).  None keeps the queue in SQLite at <root>/var/tasks.sqlite3,
    # for one host; "redis://host:6379/0" keeps it in Redis, shared by the portals of several hosts.
    "TASK_QUEUE_URL": None,
    # The queue's name: its rows in the SQLite file, the prefix of its keys in Redis (portals sharing
    # one Redis server for different databases need different names).
    "TASK_QUEUE_NAME": "handbook",
    # Worker threads of one consumer.  One: long work (imports, publishing) is CPU-bound on small machines
    # and SQLite has a single writer, so two jobs at once are not faster, only contend; jobs run in order.
    "TASK_WORKERS": 1,
    # A running task writes a heartbeat this often (seconds) ...
    "TASK_HEARTBEAT_SECONDS": 5.0,
    # ... and a job on another host whose heartbeat is older than this is failed by the sweep
    # (a job of a dead consumer on this host is failed at once: its process is gone).
    "TASK_STALE_SECONDS": 60.0,
    # How often a consumer runs the sweep (it also runs it when it starts).
    "TASK_SWEEP_SECONDS": 30.0,
    # Longest pause between two looks at an idle SQLite queue (Redis wakes the consumer at once).
    "TASK_POLL_SECONDS": 1.0,
    # On stop, running tasks get this long to finish before the consumer leaves them (then failed, retryable).
    "TASK_SHUTDOWN_SECONDS": 10.0,
    # Extra modules the consumer imports so that they register their task kinds (env: comma-separated);
    # the stages' own kinds are registered by portal.app.register_task_kinds.
    "TASK_MODULES": (),
    # Whether `handbook serve` / `handbook demo` start a consumer beside the web workers
    # (env TASK_CONSUMER=0 on hosts that leave the work to `handbook tasks consume` elsewhere).
    "TASK_CONSUMER": True,
}

# Environment variables the factory reads, and the config key each sets.
ENVIRONMENT_KEYS: dict[str, str] = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "SMTP_HOST": "SMTP_HOST",
    "SMTP_PORT": "SMTP_PORT",
    "SMTP_USER": "SMTP_USER",
    "SMTP_PASSWORD": "SMTP_PASSWORD",
    "SMTP_STARTTLS": "SMTP_STARTTLS",
    "MAIL_FROM": "MAIL_FROM",
    "PORTAL_BASE_URL": "PORTAL_BASE_URL",
    "SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "SIGN_REQUIRES_PASSWORD": "SIGN_REQUIRES_PASSWORD",
    "TASK_QUEUE_URL": "TASK_QUEUE_URL",
    "TASK_QUEUE_NAME": "TASK_QUEUE_NAME",
    "TASK_WORKERS": "TASK_WORKERS",
    "TASK_HEARTBEAT_SECONDS": "TASK_HEARTBEAT_SECONDS",
    "TASK_STALE_SECONDS": "TASK_STALE_SECONDS",
    "TASK_SWEEP_SECONDS": "TASK_SWEEP_SECONDS",
    "TASK_POLL_SECONDS": "TASK_POLL_SECONDS",
    "TASK_SHUTDOWN_SECONDS": "TASK_SHUTDOWN_SECONDS",
    "TASK_MODULES": "TASK_MODULES",
    "TASK_CONSUMER": "TASK_CONSUMER",
}

_BOOLEAN_KEYS = {"SMTP_STARTTLS", "SESSION_COOKIE_SECURE", "SIGN_REQUIRES_PASSWORD", "TASK_CONSUMER"}
_INTEGER_KEYS = {"SMTP_PORT", "TASK_WORKERS"}
_FLOAT_KEYS = {
    "TASK_HEARTBEAT_SECONDS", "TASK_STALE_SECONDS", "TASK_SWEEP_SECONDS", "TASK_POLL_SECONDS", "TASK_SHUTDOWN_SECONDS",
}
_LIST_KEYS = {"TASK_MODULES"}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The config keys set by environment variables, converted to their types."""
    values: dict[str, Any] = {}
    for variable, key in ENVIRONMENT_KEYS.items():
        raw = environ.get(variable)
        if raw is None or raw == "":
            continue
        if key in _BOOLEAN_KEYS:
            values[key] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif key in _INTEGER_KEYS:
            values[key] = int(raw)
        elif key in _FLOAT_KEYS:
            values[key] = float(raw)
        elif key in _LIST_KEYS:
            values[key] = tuple(item.strip() for item in raw.split(",") if item.strip())
        else:
            values[key] = raw
    return values


def sqlite_url(root: Path) -> str:
    """The embedded default database: ``<root>/var/portal.sqlite3``."""
    return f"sqlite:///{root / 'var' / 'portal.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
