"""Search log (issue 17): anonymous queries and clicks, HR's synonyms and noted handbook gaps.

Revision ID: 0016_search_log
Revises: 0012_followup
Create Date: 2026-12-04 21:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_search_log"
down_revision = "0015_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_queries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("release", sa.String(length=40), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("asks", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_queries")),
    )
    op.create_index(op.f("ix_search_queries_day"), "search_queries", ["day"])
    op.create_index(op.f("ix_search_queries_query"), "search_queries", ["query"])
    op.create_table(
        "search_clicks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["query_id"], ["search_queries.id"],
                                name=op.f("fk_search_clicks_query_id_search_queries"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_clicks")),
    )
    op.create_index(op.f("ix_search_clicks_query_id"), "search_clicks", ["query_id"])
    op.create_table(
        "search_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=40), nullable=False),
        sa.Column("alternatives", sa.String(length=200), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonyms")),
        sa.UniqueConstraint("word", name=op.f("uq_search_synonyms_word")),
    )
    op.create_table(
        "search_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_gaps")),
    )


def downgrade() -> None:
    op.drop_table("search_gaps")
    op.drop_table("search_synonyms")
    op.drop_index(op.f("ix_search_clicks_query_id"), table_name="search_clicks")
    op.drop_table("search_clicks")
    op.drop_index(op.f("ix_search_queries_query"), table_name="search_queries")
    op.drop_index(op.f("ix_search_queries_day"), table_name="search_queries")
    op.drop_table("search_queries")
