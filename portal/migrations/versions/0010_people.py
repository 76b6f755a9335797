"""People in the browser (issue 11): fixed-date rules, the onboarding order, and the history of
assignments that no longer apply (a transfer, a removed rule).

Revision ID: 0010_people
Revises: 0009_ack_signatures
Create Date: 2026-12-04 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_people"
down_revision = "0009_ack_signatures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignment_rules") as batch:
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("read_order", sa.Integer(), nullable=True))
    op.create_table(
        "assignment_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("regulation_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assignment_history_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["regulation_id"], ["regulations.id"], name=op.f("fk_assignment_history_regulation_id_regulations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_history")),
    )
    op.create_index(op.f("ix_assignment_history_user_id"), "assignment_history", ["user_id"])
    op.create_index(op.f("ix_assignment_history_regulation_id"), "assignment_history", ["regulation_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_assignment_history_regulation_id"), table_name="assignment_history")
    op.drop_index(op.f("ix_assignment_history_user_id"), table_name="assignment_history")
    op.drop_table("assignment_history")
    with op.batch_alter_table("assignment_rules") as batch:
        batch.drop_column("read_order")
        batch.drop_column("due_on")
