"""Migration 0006: the session and throttle tables replace login_failures, and it can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect

from portal.migrate import alembic_config, upgrade


def test_0006_creates_the_session_tables_and_can_be_undone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"user_sessions", "login_throttles"} <= tables and "login_failures" not in tables
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0005_release_drafts")
    tables = set(inspect(engine).get_table_names())
    assert "login_failures" in tables and not {"user_sessions", "login_throttles"} & tables
    upgrade(engine)
    assert {"user_sessions", "login_throttles"} <= set(inspect(engine).get_table_names())
    engine.dispose()
