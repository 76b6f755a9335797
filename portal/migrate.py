"""Running the Alembic migrations programmatically (start-up, ``handbook demo``, tests).

The migrations live in ``portal/migrations/versions`` as one linear chain;
feature packages (the forms desk) add their revisions to the same chain.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData

MIGRATIONS = Path(__file__).parent / "migrations"
MODEL_MODULES = (
    "portal.auth.models",
    "portal.tasks.runs",
    "portal.audit.models",
    "portal.releases.models",
    "portal.acks.models",
    "portal.assignments.models",
    "portal.jobs.models",
)
OPTIONAL_MODEL_MODULES = ("portal.formsdesk.models",)


def target_metadata() -> MetaData:
    """Every model imported, so that autogenerate sees the whole schema."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    for module in OPTIONAL_MODEL_MODULES:
        if importlib.util.find_spec(module.rpartition(".")[0]) and importlib.util.find_spec(module):
            importlib.import_module(module)
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


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
