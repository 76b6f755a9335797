"""Migration 0012: the follow-up's tables; and it can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect

from portal.migrate import alembic_config, upgrade

TABLES = {"followup_settings", "followup_runs", "followup_mails", "followup_claims"}


def test_0012_adds_the_followup_tables_and_can_be_undone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert inspect(engine).get_pk_constraint("followup_claims")["constrained_columns"] == ["key"]  # the once-only guard
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0010_people")
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
