"""Server signatures of acknowledgement records, and a guard that every new record extends the chain.

``ack_signatures`` holds the Ed25519 signature of each record's hash (portal.acks.keys); like the records
it is insert-only.  A new acknowledgement must name the last record's hash as its ``prev_hash`` and come
after it: a record slipped into the middle, or a second branch, is refused by the database itself.

Revision ID: 0009_ack_signatures
Revises: 0008_number_sequences
Create Date: 2026-12-04 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_ack_signatures"
down_revision = "0008_number_sequences"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

GUARDS: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER ack_signatures_no_update BEFORE UPDATE ON ack_signatures "
        "BEGIN SELECT RAISE(ABORT, 'ack_signatures are append-only'); END",
        "CREATE TRIGGER ack_signatures_no_delete BEFORE DELETE ON ack_signatures "
        "BEGIN SELECT RAISE(ABORT, 'ack_signatures are append-only'); END",
        # NEW.id is -1 here when the id is left to SQLite (it then becomes max + 1); any other id must come last.
        "CREATE TRIGGER acknowledgements_extend_chain BEFORE INSERT ON acknowledgements "
        "WHEN NEW.prev_hash IS NOT COALESCE("
        f"(SELECT record_hash FROM acknowledgements ORDER BY id DESC LIMIT 1), '{GENESIS}') "
        "OR NEW.id < -1 OR (NEW.id >= 0 AND NEW.id <= COALESCE((SELECT MAX(id) FROM acknowledgements), 0)) "
        "BEGIN SELECT RAISE(ABORT, 'an acknowledgement must extend the chain (prev_hash = the last record''s hash)'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION ack_signatures_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'ack_signatures are append-only'; END $$",
        "CREATE TRIGGER ack_signatures_no_update_delete BEFORE UPDATE OR DELETE ON ack_signatures "
        "FOR EACH ROW EXECUTE FUNCTION ack_signatures_append_only()",
        "CREATE TRIGGER ack_signatures_no_truncate BEFORE TRUNCATE ON ack_signatures "
        "FOR EACH STATEMENT EXECUTE FUNCTION ack_signatures_append_only()",
        "CREATE FUNCTION acknowledgements_extend_chain() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE last_id integer; last_hash varchar; "
        "BEGIN "
        "SELECT id, record_hash INTO last_id, last_hash FROM acknowledgements ORDER BY id DESC LIMIT 1; "
        f"IF NEW.prev_hash IS DISTINCT FROM COALESCE(last_hash, '{GENESIS}') OR NEW.id <= COALESCE(last_id, 0) THEN "
        "RAISE EXCEPTION 'an acknowledgement must extend the chain (prev_hash = the last record''s hash)'; "
        "END IF; RETURN NEW; END $$",
        "CREATE TRIGGER acknowledgements_extend_chain BEFORE INSERT ON acknowledgements "
        "FOR EACH ROW EXECUTE FUNCTION acknowledgements_extend_chain()",
    ),
}
DROP_GUARDS: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "DROP TRIGGER IF EXISTS ack_signatures_no_update",
        "DROP TRIGGER IF EXISTS ack_signatures_no_delete",
        "DROP TRIGGER IF EXISTS acknowledgements_extend_chain",
    ),
    "postgresql": (
        "DROP TRIGGER IF EXISTS ack_signatures_no_update_delete ON ack_signatures",
        "DROP TRIGGER IF EXISTS ack_signatures_no_truncate ON ack_signatures",
        "DROP FUNCTION IF EXISTS ack_signatures_append_only()",
        "DROP TRIGGER IF EXISTS acknowledgements_extend_chain ON acknowledgements",
        "DROP FUNCTION IF EXISTS acknowledgements_extend_chain()",
    ),
}


def upgrade() -> None:
    op.create_table(
        "ack_signatures",
        sa.Column("ack_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=88), nullable=False),
        sa.ForeignKeyConstraint(["ack_id"], ["acknowledgements.id"], name=op.f("fk_ack_signatures_ack_id_acknowledgements")),
        sa.PrimaryKeyConstraint("ack_id", name=op.f("pk_ack_signatures")),
    )
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table("ack_signatures")
