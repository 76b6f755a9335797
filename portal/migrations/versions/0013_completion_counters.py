"""Completion counters per (department, regulation version, due date): the dashboard without a scan
(issue 16 D2).  The table is filled from the existing rows, so an upgraded database reads right at once.

Revision ID: 0013_completion_counters
Revises: 0012_followup
Create Date: 2026-12-04 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_completion_counters"
down_revision = "0011_applicability"
branch_labels = None
depends_on = None

# The same counting as portal.signing_status.counters.count (kept here as SQL: a migration must not
# change when the application code does).
FILL = """
INSERT INTO completion_counters (department, regulation_id, version_id, due_on, n)
SELECT u.department, a.regulation_id, 0, a.due_on, count(*)
  FROM assignments a JOIN users u ON u.id = a.user_id
 WHERE u.active
 GROUP BY u.department, a.regulation_id, a.due_on
UNION ALL
SELECT u.department, a.regulation_id, k.version_id, a.due_on, count(*)
  FROM assignments a JOIN users u ON u.id = a.user_id
  JOIN acknowledgements k ON k.user_id = a.user_id AND k.regulation_id = a.regulation_id
 WHERE u.active
 GROUP BY u.department, a.regulation_id, k.version_id, a.due_on
"""


def upgrade() -> None:
    op.create_table(
        "completion_counters",
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("regulation_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("department", "regulation_id", "version_id", "due_on", name=op.f("pk_completion_counters")),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("completion_counters")
