"""Migration 0010: fixed-date and ordered rules, the assignment history; and it can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect

from portal.migrate import alembic_config, upgrade


def test_0010_adds_the_rule_columns_and_the_history_and_can_be_undone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("assignment_rules")}
    assert {"due_on", "read_order"} <= columns and "assignment_history" in inspect(engine).get_table_names()
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0009_ack_signatures")
    columns = {c["name"] for c in inspect(engine).get_columns("assignment_rules")}
    assert not {"due_on", "read_order"} & columns and "assignment_history" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "assignment_history" in inspect(engine).get_table_names()
    engine.dispose()
