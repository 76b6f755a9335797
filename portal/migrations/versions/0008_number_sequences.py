"""Counters for numbers handed out one by one (form documents), seeded from the numbers already taken.

Revision ID: 0008_number_sequences
Revises: 0006_sessions
Create Date: 2026-12-03 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_number_sequences"
down_revision = "0006_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sequences = op.create_table(
        "number_sequences",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False, server_default="0"),
    )
    # HY-2026-0003 → the counter form:HY-2026 starts at 3, so the next minutes are HY-2026-0004.
    taken: dict[str, int] = {}
    for (number,) in op.get_bind().execute(sa.text("SELECT number FROM form_documents")):
        prefix, _, sequence = str(number).rpartition("-")
        if sequence.isdigit():
            taken[f"form:{prefix}"] = max(taken.get(f"form:{prefix}", 0), int(sequence))
    if taken:
        op.bulk_insert(sequences, [{"name": name, "last": last} for name, last in sorted(taken.items())])


def downgrade() -> None:
    op.drop_table("number_sequences")
