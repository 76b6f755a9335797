"""Migration 0011: the departments of each version and the draft's choice; a draft stored before keeps
"unchanged" for every regulation; and it can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from portal.migrate import alembic_config, upgrade


def test_0011_adds_the_version_departments_and_the_draft_choice_and_can_be_undone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine, "0012_followup")
    with engine.begin() as connection:  # a draft HR left before the upgrade
        connection.execute(text(
            "INSERT INTO release_drafts (version, title, effective, summary, status, editorial, release_json,"
            " matches_json, report_json, comment, created_at) VALUES"
            " ('2026.2', '', '2026-03-02', '', 'draft', 0, '', '{}', '{}', '', '2026-03-02 09:00:00')"
        ))
    upgrade(engine, "0011_applicability")
    assert inspect(engine).get_pk_constraint("regulation_version_departments")["constrained_columns"] == [
        "version_id", "department"]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT departments_json FROM release_drafts")).scalar_one() == "{}"
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0012_followup")
    assert "regulation_version_departments" not in inspect(engine).get_table_names()
    assert "departments_json" not in {c["name"] for c in inspect(engine).get_columns("release_drafts")}
    with engine.connect() as connection:  # the draft itself survives the round trip
        assert connection.execute(text("SELECT version FROM release_drafts")).scalar_one() == "2026.2"
    upgrade(engine)
    assert "regulation_version_departments" in inspect(engine).get_table_names()
    engine.dispose()
