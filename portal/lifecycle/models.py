"""Who owns each regulation and how often it is reviewed and re-attested; every review and its outcome."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base

DEFAULT_REVIEW_MONTHS = 12
OUTCOME_LABELS = {"open": "待复审", "unchanged": "确认无需修订", "revising": "修订中"}


class RegulationCare(Base):
    """One row per regulation HR has set up; a regulation without a row has no owner and the default cycle."""

    __tablename__ = "regulation_care"

    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id", ondelete="CASCADE"), primary_key=True)
    owner_department: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    review_months: Mapped[int] = mapped_column(Integer, default=DEFAULT_REVIEW_MONTHS)
    reattest_months: Mapped[int] = mapped_column(Integer, default=0)
    """Ask every assigned person to sign again this many months after their last signature; 0: never."""
    reading_check: Mapped[bool] = mapped_column(Boolean, default=False)
    """Sign only after the text was scrolled to its end and the minimum reading time has passed."""
    min_reading_seconds: Mapped[int] = mapped_column(Integer, default=0)
    """The minimum reading time; 0: proportional to the text's length (portal/lifecycle/reading_gate.py)."""
    quiz_pass_percent: Mapped[int] = mapped_column(Integer, default=80)
    """The share of quiz questions to answer right before signing (the quiz is on while questions exist)."""
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    """The (local) day the owner last confirmed the text unchanged; the next cycle runs from it."""
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Review(Base):
    """One review cycle of a regulation: opened as the owner's task before it is due, closed by the owner.

    Unique per regulation and due date, so two hosts' daily runs open (and mail) it once.
    """

    __tablename__ = "regulation_reviews"
    __table_args__ = (UniqueConstraint("regulation_id", "due_on", name="uq_regulation_reviews_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("regulation_versions.id"), nullable=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), default="open", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    mailed: Mapped[bool] = mapped_column(Boolean, default=False)


class LifecycleSettings(Base):
    """One row (id 1), edited by HR on the review page; the defaults apply until then."""

    __tablename__ = "lifecycle_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_days: Mapped[int] = mapped_column(Integer, default=30)
    """The owner's review task opens this many days before the review is due."""
    grace_days: Mapped[int] = mapped_column(Integer, default=30)
    """After the due date plus these days, every reader sees 本制度已超过复审期限."""
    reattest_due_days: Mapped[int] = mapped_column(Integer, default=30)
    """Days a person has to sign again once a re-attestation round opens."""
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class LifecycleRun(Base):
    """The local day the daily lifecycle run was queued: unique, so several consumers queue it once."""

    __tablename__ = "lifecycle_runs"

    run_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReadingStart(Base):
    """When a person first opened the version they are to sign (in the current round): the reading clock."""

    __tablename__ = "reading_starts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("regulation_versions.id", ondelete="CASCADE"), primary_key=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AckReading(Base):
    """How the signer read, stored beside the acknowledgement (which is insert-only and hash-chained:
    a table of its own, written once in the signature's transaction)."""

    __tablename__ = "ack_readings"

    ack_id: Mapped[int] = mapped_column(ForeignKey("acknowledgements.id"), primary_key=True)
    seconds: Mapped[int] = mapped_column(Integer)
    required_seconds: Mapped[int] = mapped_column(Integer)
    read_to_end: Mapped[bool] = mapped_column(Boolean)


class QuizQuestion(Base):
    """A question HR or the owner wrote on one clause of a regulation.

    ``clause_text`` is the clause as it read when the question was written or last confirmed: when a
    revision changes the clause, the two differ and the question is flagged for review (and left out of
    the quiz) until someone confirms or rewrites it — no hook into publishing is needed.
    """

    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("regulation_versions.id"))
    clause_anchor: Mapped[str] = mapped_column(String(100))
    clause_text: Mapped[str] = mapped_column(Text)
    prompt: Mapped[str] = mapped_column(Text)
    options_json: Mapped[str] = mapped_column(Text)  # ["…", "…"]
    correct_json: Mapped[str] = mapped_column(Text)  # [0, 2]: indexes into the options
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class QuizAttempt(Base):
    """One try at a regulation's quiz; a passed one (in the current round) lets the person sign."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("regulation_versions.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    score: Mapped[int] = mapped_column(Integer)  # percent of questions right
    passed: Mapped[bool] = mapped_column(Boolean)


class QuizAnswer(Base):
    """Each question of an attempt, right or wrong: the per-question results HR reads."""

    __tablename__ = "quiz_answers"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"), primary_key=True, index=True)
    correct: Mapped[bool] = mapped_column(Boolean)


class RuleReattestation(Base):
    """Re-attestation by assignment rule: everyone the rule assigns signs again every ``months`` months
    (e.g. the rule giving 销售部 the confidentiality rules).  With a regulation's own cycle too, the shorter wins."""

    __tablename__ = "rule_reattestation"

    rule_id: Mapped[int] = mapped_column(ForeignKey("assignment_rules.id", ondelete="CASCADE"), primary_key=True)
    months: Mapped[int] = mapped_column(Integer)


class AckClauseSet(Base):
    """Which clause versions one signature acknowledged: per clause of the signed text, its SHA-256 and the
    acknowledgement that covers it — this one for the clauses changed since the signer's last signature,
    the earlier one for the rest.  ``digest`` binds the list to the record's hash, ``signature`` is the server
    key's over the digest, so ``handbook acks verify-clauses`` notices any edit (portal/lifecycle/clause_acks.py)."""

    __tablename__ = "ack_clause_sets"

    ack_id: Mapped[int] = mapped_column(ForeignKey("acknowledgements.id"), primary_key=True)
    clauses_json: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(88))
