"""Migration 0015: the lifecycle tables and ``assignments.signed_since``; and it can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect

from portal.migrate import alembic_config, upgrade

TABLES = {"regulation_care", "regulation_reviews", "lifecycle_settings", "lifecycle_runs", "reading_starts", "ack_readings",
          "quiz_questions", "quiz_attempts", "quiz_answers", "rule_reattestation",
          "ack_clause_sets"}


def _assignment_columns(engine: object) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("assignments")}


def test_0015_adds_the_lifecycle_tables_and_can_be_undone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert "signed_since" in _assignment_columns(engine)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0014_obligations")
    assert not TABLES & set(inspect(engine).get_table_names())
    assert "signed_since" not in _assignment_columns(engine)
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
