"""Drafts of revisions: uploaded, imported, reviewed and approved before they are published.

Revision ID: 0005_release_drafts
Revises: 0004_task_runs
Create Date: 2026-12-03 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_release_drafts"
down_revision = "0004_task_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "release_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("title", sa.String(300), nullable=False, server_default=""),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="importing"),
        sa.Column("editorial", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("release_json", sa.Text(), nullable=False, server_default=""),
        sa.Column("matches_json", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("report_json", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_release_drafts_status", "release_drafts", ["status"])


def downgrade() -> None:
    op.drop_index("ix_release_drafts_status", table_name="release_drafts")
    op.drop_table("release_drafts")
