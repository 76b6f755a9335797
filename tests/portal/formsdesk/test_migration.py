"""The forms desk's migration sits on the portal's one linear chain and can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from portal.migrate import alembic_config, upgrade

TABLES = {"form_drafts", "form_documents", "minutes_recipients", "form_document_events"}


def test_the_chain_has_one_head_and_includes_the_forms_desk() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1
    revision = scripts.get_revision("0002_formsdesk")
    assert revision is not None and revision.down_revision is not None


def test_the_forms_desk_tables_are_created_and_dropped(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    revision = ScriptDirectory.from_config(alembic_config()).get_revision("0002_formsdesk")
    assert revision is not None
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), str(revision.down_revision))
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
