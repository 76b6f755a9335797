"""Running the Alembic migrations programmatically (start-up, ``handbook demo``, tests).

The migrations live in ``portal/migrations/versions`` as one linear chain;
feature packages (the forms desk) add their revisions to the same chain.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData

MIGRATIONS = Path(__file__).parent / "migrations"


def target_metadata() -> MetaData:
    """Every model imported, so that autogenerate sees the whole schema."""
    import portal.acks.models
    import portal.api.models
    import portal.assignments.models
    import portal.audit.models
    import portal.auth.identities
    import portal.auth.models
    import portal.conflicts.models
    import portal.duties.models
    import portal.formsdesk.models
    import portal.lifecycle.models
    import portal.releases.models
    import portal.reminders.models
    import portal.search_page.models
    import portal.sequences
    import portal.signing_status.models
    import portal.tasks.models
    import portal.tasks.runs  # noqa: F401
    from portal.extensions import Base

    return Base.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Upgrade to every head: should two feature packages ever branch the chain, both still apply."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def head_revisions() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
