"""Fixtures for the portal: a fresh database per test, an app, a client and factories.

The database is SQLite (a migrated template file copied per test) unless
``DATABASE_URL`` is set (``scripts/with-postgres``): then the schema is
migrated once and every table is emptied before each test, with triggers
disabled for the cleanup only (``session_replication_role = replica``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from domain.model import Document, Release, Section, SectionKind, SourceRef
from portal.access import Role
from portal.acks.keys import RecordSigner, create_key, load_signer
from portal.app import create_app
from portal.auth.models import User
from portal.auth.services import NewUser, create_user
from portal.clock import FixedClock
from portal.extensions import db
from portal.migrate import upgrade
from portal.releases.services import PublishOutcome, PublishRequest, publish_release

PASSWORD = "correct-horse-42"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database URL (PostgreSQL) or a template file path (SQLite), migrated to head once."""
    if _is_postgres():
        url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        engine.dispose()
        return url
    template = tmp_path_factory.mktemp("db") / "template.sqlite3"
    engine = create_engine(f"sqlite:///{template}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return str(template)


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
        ).scalars().all()
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        connection.execute(text("INSERT INTO ack_chain_head (id, last_ack_id, last_hash, count) VALUES (1, 0, :h, 0)"), {"h": "0" * 64})
    engine.dispose()


@pytest.fixture
def database_url(migrated_database: str, tmp_path: Path) -> str:
    if _is_postgres():
        _empty_postgres(migrated_database)
        return migrated_database
    copy = tmp_path / "portal.sqlite3"
    shutil.copyfile(migrated_database, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def make_app(database_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_PROFILE": "fast",
            "WTF_CSRF_ENABLED": False,
            "CLOCK": clock,
            "HANDBOOK_ROOT": tmp_path,
            "SMTP_PORT": 1,
            # Tests move the fixed clock by hours and days under signed-in clients; the session tests
            # (tests/portal/auth/test_sessions.py) set the timeouts they check.
            "SESSION_IDLE_MINUTES": 0,
            "SESSION_ABSOLUTE_HOURS": 0,
            **overrides,
        }
        app = create_app(config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session of its own (not the request's), for arranging and checking data."""
    with app.app_context():
        engine = db.engine
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        yield session


@pytest.fixture
def make_user(session: Session, clock: FixedClock) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def create(
        name: str = "",
        *,
        roles: set[Role] | None = None,
        department: str = "销售部",
        hire_date: dt.date | None = None,
        must_change_password: bool = False,
        email: str | None = None,
        employee_no: str | None = None,
        password: str = PASSWORD,
    ) -> User:
        number = next(counter)
        user = create_user(
            session,
            clock,
            NewUser(
                employee_no=employee_no or f"E{number:04d}",
                name=name or f"员工{number}",
                password=password,
                department=department,
                position="专员",
                hire_date=hire_date,
                email=email if email is not None else f"e{number}@example.com",
                roles=frozenset(roles or {Role.EMPLOYEE}),
                must_change_password=must_change_password,
            ),
            hash_profile="fast",
        )
        session.commit()
        return user

    return create


def build_document(slug: str, title: str, clauses: list[str], *, kind: str = "regulation") -> Document:
    """A small regulation: one chapter holding ``第N条`` articles with the given texts."""
    numerals = "一二三四五六七八九十"
    articles = tuple(
        Section(level=2, number=f"第{numerals[i]}条", title="", text=body, kind=SectionKind.ARTICLE, anchor=f"第{numerals[i]}条")
        for i, body in enumerate(clauses)
    )
    chapter = Section(level=1, number="第一章", title="总则", text="", kind=SectionKind.CHAPTER, anchor="第一章", children=articles)
    return Document(slug=slug, title=title, kind=kind, preamble="", sections=(chapter,), source=SourceRef("test.txt", "0" * 64))  # type: ignore[arg-type]


@pytest.fixture
def document() -> Callable[..., Document]:
    return build_document


@pytest.fixture
def publish(session: Session, clock: FixedClock) -> Callable[..., PublishOutcome]:
    def run(version: str, *documents: Document, effective: dt.date | None = None, editorial: bool = False) -> PublishOutcome:
        release = Release(version=version, title="测试手册", effective=effective or clock.today(), documents=documents)
        outcome = publish_release(session, clock, PublishRequest(release, editorial=editorial))
        session.commit()
        return outcome

    return run


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], Any]:
    def sign_in(user: User, password: str = PASSWORD) -> Any:
        return client.post("/login", data={"employee_no": user.employee_no, "password": password})

    return sign_in


class Inbox:
    """What a real SMTP server on loopback (aiosmtpd) received: the envelopes, in order."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        self.received.set()
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd's Controller cannot start on port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def record_signer(tmp_path: Path) -> RecordSigner:
    """The key the portal under test signs records with (its default path below the test's root)."""
    path = tmp_path / "var" / "ack-signing-key.pem"
    return load_signer(path) if path.exists() else create_key(path)
