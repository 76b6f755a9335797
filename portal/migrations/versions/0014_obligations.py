"""Duties and conflicts (issue 13): a person's calendar feed token (hashed), the duty reminders sent, the
daily reminder runs, and HR's marks on candidate conflicts.

Revision ID: 0014_obligations
Revises: 0012_followup
Create Date: 2026-12-04 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_obligations"
down_revision = "0013_completion_counters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_duty_feeds_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_duty_feeds")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_duty_feeds_token_sha256")),
    )
    op.create_table(
        "duty_reminders",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("duty_key", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_duty_reminders_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "duty_key", "due_on", name=op.f("pk_duty_reminders")),
    )
    op.create_table(
        "duty_reminder_runs",
        sa.Column("run_day", sa.Date(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("run_day", name=op.f("pk_duty_reminder_runs")),
    )
    op.create_table(
        "conflict_marks",
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["marked_by_id"], ["users.id"], name=op.f("fk_conflict_marks_marked_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("key_sha256", name=op.f("pk_conflict_marks")),
    )


def downgrade() -> None:
    op.drop_table("conflict_marks")
    op.drop_table("duty_reminder_runs")
    op.drop_table("duty_reminders")
    op.drop_table("duty_feeds")
