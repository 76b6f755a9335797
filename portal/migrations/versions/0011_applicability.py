"""Applicable departments at publish (issue 15 D6): the departments each regulation version applies to,
and the draft's choice of them.

Revision ID: 0011_applicability
Revises: 0012_followup
Create Date: 2026-12-04 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_applicability"
down_revision = "0012_followup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regulation_version_departments",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["regulation_versions.id"],
            name=op.f("fk_regulation_version_departments_version_id_regulation_versions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "department", name=op.f("pk_regulation_version_departments")),
    )
    with op.batch_alter_table("release_drafts") as batch:
        batch.add_column(sa.Column("departments_json", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("release_drafts") as batch:
        batch.drop_column("departments_json")
    op.drop_table("regulation_version_departments")
