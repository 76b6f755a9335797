"""The life of a regulation (issue 12): owners and review cycles, reviews, re-attestation rounds, reading checks.

Revision ID: 0015_lifecycle
Revises: 0012_followup
Create Date: 2026-12-04 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_lifecycle"
down_revision = "0014_obligations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regulation_care",
        sa.Column("regulation_id", sa.Integer(), nullable=False),
        sa.Column("owner_department", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("review_months", sa.Integer(), nullable=False),
        sa.Column("reattest_months", sa.Integer(), nullable=False),
        sa.Column("reading_check", sa.Boolean(), nullable=False),
        sa.Column("min_reading_seconds", sa.Integer(), nullable=False),
        sa.Column("quiz_pass_percent", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["regulation_id"], ["regulations.id"], name=op.f("fk_regulation_care_regulation_id_regulations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_regulation_care_owner_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("regulation_id", name=op.f("pk_regulation_care")),
    )
    op.create_index(op.f("ix_regulation_care_owner_id"), "regulation_care", ["owner_id"])
    op.create_table(
        "regulation_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regulation_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("mailed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["regulation_id"], ["regulations.id"], name=op.f("fk_regulation_reviews_regulation_id_regulations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["regulation_versions.id"],
                                name=op.f("fk_regulation_reviews_version_id_regulation_versions")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_regulation_reviews_owner_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_regulation_reviews_decided_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulation_reviews")),
        sa.UniqueConstraint("regulation_id", "due_on", name="uq_regulation_reviews_due"),
    )
    op.create_index(op.f("ix_regulation_reviews_regulation_id"), "regulation_reviews", ["regulation_id"])
    op.create_index(op.f("ix_regulation_reviews_outcome"), "regulation_reviews", ["outcome"])
    op.create_table(
        "lifecycle_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("reattest_due_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_settings")),
    )
    op.create_table(
        "lifecycle_runs",
        sa.Column("run_day", sa.Date(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("run_day", name=op.f("pk_lifecycle_runs")),
    )
    op.create_table(
        "reading_starts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reading_starts_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["regulation_versions.id"],
                                name=op.f("fk_reading_starts_version_id_regulation_versions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "version_id", name=op.f("pk_reading_starts")),
    )
    op.create_table(
        "ack_readings",
        sa.Column("ack_id", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("required_seconds", sa.Integer(), nullable=False),
        sa.Column("read_to_end", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["ack_id"], ["acknowledgements.id"], name=op.f("fk_ack_readings_ack_id_acknowledgements")),
        sa.PrimaryKeyConstraint("ack_id", name=op.f("pk_ack_readings")),
    )
    op.create_table(
        "quiz_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regulation_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("clause_anchor", sa.String(length=100), nullable=False),
        sa.Column("clause_text", sa.Text(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("correct_json", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["regulation_id"], ["regulations.id"], name=op.f("fk_quiz_questions_regulation_id_regulations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["regulation_versions.id"],
                                name=op.f("fk_quiz_questions_version_id_regulation_versions")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_quiz_questions_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_questions")),
    )
    op.create_index(op.f("ix_quiz_questions_regulation_id"), "quiz_questions", ["regulation_id"])
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("regulation_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_quiz_attempts_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["regulation_id"], ["regulations.id"], name=op.f("fk_quiz_attempts_regulation_id_regulations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["regulation_versions.id"],
                                name=op.f("fk_quiz_attempts_version_id_regulation_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempts")),
    )
    op.create_index(op.f("ix_quiz_attempts_user_id"), "quiz_attempts", ["user_id"])
    op.create_index(op.f("ix_quiz_attempts_regulation_id"), "quiz_attempts", ["regulation_id"])
    op.create_table(
        "quiz_answers",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["quiz_attempts.id"], name=op.f("fk_quiz_answers_attempt_id_quiz_attempts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["quiz_questions.id"], name=op.f("fk_quiz_answers_question_id_quiz_questions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("attempt_id", "question_id", name=op.f("pk_quiz_answers")),
    )
    op.create_index(op.f("ix_quiz_answers_question_id"), "quiz_answers", ["question_id"])
    op.create_table(
        "rule_reattestation",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["rule_id"], ["assignment_rules.id"], name=op.f("fk_rule_reattestation_rule_id_assignment_rules"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("rule_id", name=op.f("pk_rule_reattestation")),
    )
    op.create_table(
        "ack_clause_sets",
        sa.Column("ack_id", sa.Integer(), nullable=False),
        sa.Column("clauses_json", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=88), nullable=False),
        sa.ForeignKeyConstraint(["ack_id"], ["acknowledgements.id"], name=op.f("fk_ack_clause_sets_ack_id_acknowledgements")),
        sa.PrimaryKeyConstraint("ack_id", name=op.f("pk_ack_clause_sets")),
    )
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.add_column(sa.Column("signed_since", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_column("signed_since")
    op.drop_table("ack_clause_sets")
    op.drop_table("rule_reattestation")
    op.drop_table("quiz_answers")
    op.drop_table("quiz_attempts")
    op.drop_table("quiz_questions")
    op.drop_table("ack_readings")
    op.drop_table("reading_starts")
    op.drop_table("lifecycle_runs")
    op.drop_table("lifecycle_settings")
    op.drop_index(op.f("ix_regulation_reviews_outcome"), table_name="regulation_reviews")
    op.drop_index(op.f("ix_regulation_reviews_regulation_id"), table_name="regulation_reviews")
    op.drop_table("regulation_reviews")
    op.drop_index(op.f("ix_regulation_care_owner_id"), table_name="regulation_care")
    op.drop_table("regulation_care")
