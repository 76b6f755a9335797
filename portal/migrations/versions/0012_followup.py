"""Follow-up that runs itself (issue 11): settings, scheduled runs, the mails sent and what they covered.

Revision ID: 0012_followup
Revises: 0010_people
Create Date: 2026-12-04 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_followup"
down_revision = "0010_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("run_hour", sa.Integer(), nullable=False),
        sa.Column("quiet_weekdays", sa.String(length=20), nullable=False),
        sa.Column("holidays", sa.Text(), nullable=False),
        sa.Column("before_days", sa.Integer(), nullable=False),
        sa.Column("after_days", sa.Integer(), nullable=False),
        sa.Column("escalate_days", sa.Integer(), nullable=False),
        sa.Column("summary_weekday", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_settings")),
    )
    op.create_table(
        "followup_runs",
        sa.Column("run_day", sa.Date(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("run_day", name=op.f("pk_followup_runs")),
    )
    op.create_table(
        "followup_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name=op.f("fk_followup_mails_recipient_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_mails")),
    )
    op.create_index(op.f("ix_followup_mails_at"), "followup_mails", ["at"])
    op.create_table(
        "followup_claims",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["mail_id"], ["followup_mails.id"], name=op.f("fk_followup_claims_mail_id_followup_mails"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_followup_claims")),
    )
    op.create_index(op.f("ix_followup_claims_mail_id"), "followup_claims", ["mail_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_followup_claims_mail_id"), table_name="followup_claims")
    op.drop_table("followup_claims")
    op.drop_index(op.f("ix_followup_mails_at"), table_name="followup_mails")
    op.drop_table("followup_mails")
    op.drop_table("followup_runs")
    op.drop_table("followup_settings")
