"""The portal's configuration: every option, its default and what it does, in one place.

The factory (:func:`portal.app.create_app`) starts from :data:`DEFAULTS`, then
applies ``instance/portal.cfg`` (if present), then the environment (read only
there, through :func:`from_environment`), then the mapping it was given.  From
the result it builds the portal's own options once, typed, as :class:`Settings`
(``app.extensions[SETTINGS_KEY]``; views and services read them as
``deps().settings``).  ``app.config`` keeps Flask's own keys and those of its
extensions (:data:`FLASK_DEFAULTS`); it also still carries the portal's options
under their upper-case names, for the task consumer, which reads the whole
mapping (its environment for child processes is built from it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from flask import Flask

SETTINGS_KEY = "portal.settings"

# Flask's own keys and those of its extensions (Flask-SQLAlchemy, Flask-WTF, Flask-Login).
FLASK_DEFAULTS: dict[str, Any] = {
    # SQLAlchemy URL; None means SQLite (WAL) in <root>/var/portal.sqlite3.
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Signs the session cookie and CSRF tokens; None means a random key kept in var/secret_key.
    "SECRET_KEY": None,
    # Session cookie: not readable by scripts, not sent on cross-site POSTs.
    "SESSION_COOKIE_NAME": "handbook_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # True forces the Secure flag; otherwise the cookie is Secure whenever the request came over HTTPS
    # (directly, or through a proxy counted in TRUSTED_PROXIES): portal.auth.cookie.
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=8),
    # CSRF tokens stay valid as long as the session.
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
}


@dataclass(frozen=True)
class Settings:
    """The portal's own options, typed, read once by the factory; each is the upper-case config key of its name."""

    handbook_root: Path
    """Project root: handbook/, site/, var/ live below it.  The CLI passes its own (default: the project's root)."""

    login_account_free_failures: int = 5
    """Login throttle: failures of one account (within the window) before each further attempt of it must wait ..."""
    login_ip_free_failures: int = 30
    """... failures from one IP address before each further attempt from that address (only) must wait ..."""
    login_delay_base_seconds: float = 2.0
    """... the first wait (seconds); each further failure doubles it ..."""
    login_delay_max_seconds: float = 300.0
    """... up to this (seconds): nobody can lock an account for longer than this by guessing ..."""
    login_window_seconds: int = 15 * 60
    """... and a streak with no failure for this long (seconds) is forgotten."""

    session_idle_minutes: int = 30
    """A session unused for this long (minutes) ends; 0 keeps idle sessions."""
    session_absolute_hours: int = 8
    """A session ends this long (hours) after its login, however busy it is; 0 keeps it until logout."""
    trusted_proxies: int = 0
    """Reverse proxies in front of the portal whose X-Forwarded-For/-Proto/-Host headers are believed
    (werkzeug ProxyFix).  0: none, the headers are ignored.  Behind one HTTPS proxy set 1: the client's
    address (login throttle, audit) and the scheme (the Secure cookie) then come from its headers."""

    password_min_length: int = 8
    """Shortest password accepted (new accounts, resets, changes, rosters)."""
    password_hash_profile: str = "strong"
    """Argon2 cost: "strong" in production; "fast" only for tests and benchmarks."""
    sign_requires_password: bool = False
    """Shared terminals: ask for the password again when signing."""
    ack_signing_key_path: Path | None = None
    """The Ed25519 key (PEM, mode 0600) that signs every acknowledgement record (portal.acks.keys).  None:
    <root>/var/ack-signing-key.pem.  Keep it outside the database and its backups, and back it up apart:
    without it no new signature can be made; with it, and database access, the records could be rewritten."""

    @property
    def signing_key_path(self) -> Path:
        return self.ack_signing_key_path or self.handbook_root / "var" / "ack-signing-key.pem"

    default_due_days: int = 30
    """Due period (days) for assignment rules (read by nothing today: the rule form defaults to its own 30)."""
    new_hire_due_days: int = 14
    """Due period (days) for a new hire's assignments."""
    revision_due_days: int = 30
    """Due period (days) to sign a substantive revision."""
    allow_self_approval: bool = False
    """Four eyes: a draft's author may not approve it.  True lets a small company approve its own drafts."""

    smtp_host: str = "127.0.0.1"
    """Outgoing mail for reminders: the SMTP server ..."""
    smtp_port: int = 25
    """... its port ..."""
    smtp_user: str = ""
    """... the account (empty: no login) ..."""
    smtp_password: str = ""
    """... its password ..."""
    smtp_starttls: bool = False
    """... whether to upgrade the connection with STARTTLS ..."""
    smtp_timeout: float = 10.0
    """... and how long (seconds) to wait for it."""
    mail_from: str = "handbook@localhost"
    """Sender address of the reminders."""
    portal_base_url: str = "http://127.0.0.1:8000"
    """Absolute address of the portal, for links in e-mails."""
    site_url_prefix: str = "/site"
    """URL prefix of the versioned MkDocs site (served from <root>/site by the portal)."""
    page_size: int = 50
    """Rows per page in long lists."""
    time_zone: str = "Asia/Shanghai"
    """IANA zone in which every date and time is shown and exported (storage stays UTC); due dates and
    "today" (overdue) are whole days in it (portal/localtime.py)."""

    task_queue_url: str | None = None
    """Task queue (portal/tasks, docs/tasks.md).  None keeps the queue in SQLite at <root>/var/tasks.sqlite3,
    for one host; "redis://host:6379/0" keeps it in Redis, shared by the portals of several hosts."""
    task_queue_name: str = "handbook"
    """The queue's name: its rows in the SQLite file, the prefix of its keys in Redis (portals sharing
    one Redis server for different databases need different names)."""
    task_workers: int = 1
    """Worker threads of one consumer.  One: long work (imports, publishing) is CPU-bound on small machines
    and SQLite has a single writer, so two tasks at once are not faster, only contend; tasks run in order."""
    task_heartbeat_seconds: float = 5.0
    """A running task writes a heartbeat this often (seconds) ..."""
    task_stale_seconds: float = 60.0
    """... and a task on another host whose heartbeat is older than this is failed by the sweep
    (a task of a dead consumer on this host is failed at once: its process is gone)."""
    task_sweep_seconds: float = 30.0
    """How often a consumer runs the sweep (it also runs it when it starts)."""
    task_poll_seconds: float = 1.0
    """Longest pause between two looks at an idle SQLite queue (Redis wakes the consumer at once)."""
    task_shutdown_seconds: float = 10.0
    """On stop, running tasks get this long to finish before the consumer leaves them (then failed, retryable)."""
    import_memory_mb: int = 2048
    """An upload's import runs in a child process with at most this much address space (MiB) ...
    (LibreOffice, which it may start, has its own cap: importers.wordbin)"""
    import_seconds: float = 600.0
    """... and this long (seconds); past either, the draft fails with the reason and the consumer lives on."""
    task_modules: tuple[str, ...] = ()
    """Extra modules the consumer imports so that they register their task kinds (env: comma-separated);
    the stages' own kinds are registered by portal.app.register_task_kinds."""
    task_consumer: bool = True
    """Whether `handbook serve` / `handbook demo` start a consumer beside the web workers
    (env TASK_CONSUMER=0 on hosts that leave the work to `handbook tasks consume` elsewhere)."""
    release_sync: bool = False
    """Several hosts sharing one database (portal/releases/sync.py): before serving the versioned site or
    search, and when its consumer starts, a host builds the release in force from the database if its own
    site/ or var/index/ lacks it.  One host (the default) publishes its files itself and needs no check."""

    ldap_url: str = ""
    """Company directory sign-in (portal/auth/directory.py, docs/sign-in.md): ldap:// or ldaps:// URL of the
    OpenLDAP / Active Directory server.  Empty: no directory, local accounts only ..."""
    ldap_bind_dn: str = ""
    """... the DN the portal binds with as the user, {login} being what they typed:
    "uid={login},ou=people,dc=example,dc=com", or for AD "{login}@corp.example.com" ..."""
    ldap_base_dn: str = ""
    """... where people and groups are searched ..."""
    ldap_user_filter: str = "(uid={login})"
    """... the filter that finds the person's own entry (AD: "(sAMAccountName={login})") ..."""
    ldap_attributes: tuple[str, ...] = ()
    """... portal field=directory attribute, overriding employee_no=employeeNumber, name=cn,
    department=departmentNumber, position=title, email=mail ..."""
    ldap_group_filter: str = "(&(objectClass=groupOfNames)(member={dn}))"
    """... the filter that finds the person's groups (AD: "(&(objectClass=group)(member={dn}))") ..."""
    ldap_group_roles: tuple[str, ...] = ()
    """... group cn=role (employee, manager, hr, approver, admin): the roles the directory manages ..."""
    ldap_active_filter: str = ""
    """... a filter the entry must also match to sign in (AD: "(!(userAccountControl:1.2.840.113556.1.4.803:=2))");
    a person who no longer matches is refused and their account deactivated ..."""
    ldap_timeout: float = 5.0
    """... and how long (seconds) to wait for the directory."""

    @property
    def zone(self) -> ZoneInfo:
        """The zone of :attr:`time_zone` (checked by the factory at start-up)."""
        return ZoneInfo(self.time_zone)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """The options from a merged configuration mapping (upper-case keys), converted to their types."""
        hints = typing.get_type_hints(cls)
        values = {
            field.name: _convert(hints[field.name], config[field.name.upper()])
            for field in dataclasses.fields(cls)
            if field.name.upper() in config
        }
        return cls(**values)


def _defaults_of_settings() -> dict[str, Any]:
    values: dict[str, Any] = {"HANDBOOK_ROOT": None}
    for field in dataclasses.fields(Settings):
        if field.default is not dataclasses.MISSING:
            values[field.name.upper()] = field.default
    return values


DEFAULTS: dict[str, Any] = {**FLASK_DEFAULTS, **_defaults_of_settings()}


def _convert(kind: Any, value: Any) -> Any:
    """``value`` (from defaults, portal.cfg, the environment or overrides) as the option's type."""
    if value is None:
        return None
    if isinstance(kind, types.UnionType):  # "X | None": the non-None member
        kind = next(member for member in typing.get_args(kind) if member is not type(None))
    if kind is bool:
        return value.strip().lower() in _TRUE if isinstance(value, str) else bool(value)
    if kind in (int, float, str, Path):
        return kind(value)
    if typing.get_origin(kind) is tuple:
        items = value.split(",") if isinstance(value, str) else value
        return tuple(str(item).strip() for item in items if str(item).strip())
    return value


_TRUE = {"1", "true", "yes", "on"}


def settings_of(app: Flask) -> Settings:
    """The app's options (built once by the factory)."""
    settings = app.extensions[SETTINGS_KEY]
    assert isinstance(settings, Settings)
    return settings


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
    "IMPORT_MEMORY_MB": "IMPORT_MEMORY_MB",
    "IMPORT_SECONDS": "IMPORT_SECONDS",
    "TASK_CONSUMER": "TASK_CONSUMER",
    "TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "SESSION_IDLE_MINUTES": "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS": "SESSION_ABSOLUTE_HOURS",
    "TIME_ZONE": "TIME_ZONE",
    "ACK_SIGNING_KEY_PATH": "ACK_SIGNING_KEY_PATH",
    "RELEASE_SYNC": "RELEASE_SYNC",
    "LDAP_URL": "LDAP_URL",
    "LDAP_BIND_DN": "LDAP_BIND_DN",
    "LDAP_BASE_DN": "LDAP_BASE_DN",
    "LDAP_USER_FILTER": "LDAP_USER_FILTER",
    "LDAP_ATTRIBUTES": "LDAP_ATTRIBUTES",
    "LDAP_GROUP_FILTER": "LDAP_GROUP_FILTER",
    "LDAP_GROUP_ROLES": "LDAP_GROUP_ROLES",
    "LDAP_ACTIVE_FILTER": "LDAP_ACTIVE_FILTER",
    "LDAP_TIMEOUT": "LDAP_TIMEOUT",
}

_BOOLEAN_KEYS = {"SMTP_STARTTLS", "SESSION_COOKIE_SECURE", "SIGN_REQUIRES_PASSWORD", "TASK_CONSUMER",
                 "RELEASE_SYNC"}
_INTEGER_KEYS = {"SMTP_PORT", "TASK_WORKERS", "IMPORT_MEMORY_MB", "TRUSTED_PROXIES", "SESSION_IDLE_MINUTES",
                 "SESSION_ABSOLUTE_HOURS"}
_FLOAT_KEYS = {
    "TASK_HEARTBEAT_SECONDS", "TASK_STALE_SECONDS", "TASK_SWEEP_SECONDS", "TASK_POLL_SECONDS", "TASK_SHUTDOWN_SECONDS",
    "IMPORT_SECONDS",
}
_LIST_KEYS = {"TASK_MODULES"}
_LIST_KEYS |= {"LDAP_ATTRIBUTES", "LDAP_GROUP_ROLES"}
_FLOAT_KEYS |= {"LDAP_TIMEOUT"}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The config keys set by environment variables, converted to their types."""
    values: dict[str, Any] = {}
    for variable, key in ENVIRONMENT_KEYS.items():
        raw = environ.get(variable)
        if raw is None or raw == "":
            continue
        if key in _BOOLEAN_KEYS:
            values[key] = raw.strip().lower() in _TRUE
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
