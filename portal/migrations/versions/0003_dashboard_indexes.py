"""Indexes for the HR dashboard at 10,000 people × 30 regulations × 3 versions.

Revision ID: 0003_dashboard_indexes
Revises: 0002_formsdesk
Create Date: 2026-11-27 08:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0003_dashboard_indexes"
down_revision = "0002_formsdesk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_acknowledgements_user_regulation_version", "acknowledgements", ["user_id", "regulation_id", "version_id"]
    )
    op.create_index("ix_assignments_user_regulation_due", "assignments", ["user_id", "regulation_id", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_assignments_user_regulation_due", table_name="assignments")
    op.drop_index("ix_acknowledgements_user_regulation_version", table_name="acknowledgements")
