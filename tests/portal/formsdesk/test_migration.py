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


def test_the_number_counters_start_after_the_numbers_already_taken(tmp_path: Path) -> None:
    from sqlalchemy import text

    engine = create_engine(f"sqlite:///{tmp_path / 'n.sqlite3'}")
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0005_release_drafts")
        connection.execute(text("INSERT INTO users (id, employee_no, name, department, position, email, password_hash, "
                                "must_change_password, active, session_token, created_at) VALUES "
                                "(1, 'E1', '甲', '', '', '', 'x', 0, 1, 't', '2026-01-01')"))
        for i, number in enumerate(["HY-2026-0003", "HY-2026-0012", "HT-2025-0007"], start=1):
            connection.execute(text("INSERT INTO form_documents (id, number, form_slug, title, department, author_id, "
                                    "values_json, status, revision, created_at, updated_at) VALUES "
                                    f"({i}, '{number}', 'x', 't', 'd', 1, '{{}}', 'submitted', 1, '2026-01-01', '2026-01-01')"))
    upgrade(engine)
    with engine.connect() as connection:
        counters = dict(connection.execute(text("SELECT name, last FROM number_sequences")).all())
    assert counters == {"form:HY-2026": 12, "form:HT-2025": 7}
    engine.dispose()
