"""Acknowledgement records and the chain head.

``acknowledgements`` rows are never updated or deleted: the code has no such
path, and the migration installs database triggers that refuse both.  The
one-row ``ack_chain_head`` is updated by every signature first, which
serialises signers (a write lock in SQLite, a row lock in PostgreSQL) so the
chain cannot fork, and remembers the last hash so truncation is noticed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base

GENESIS_HASH = "0" * 64


class Acknowledgement(Base):
    __tablename__ = "acknowledgements"
    __table_args__ = (
        Index("ix_acknowledgements_user_version", "user_id", "version_id"),
        # The dashboard's "has this person signed this regulation's target text" probe.
        Index("ix_acknowledgements_user_regulation_version", "user_id", "regulation_id", "version_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("regulation_versions.id"), index=True)
    text_sha256: Mapped[str] = mapped_column(String(64))
    signed_name: Mapped[str] = mapped_column(String(100))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(400))
    prev_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AckChainHead(Base):
    __tablename__ = "ack_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_ack_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AckSignature(Base):
    """The server key's Ed25519 signature over one record's hash (portal.acks.keys).

    A table of its own, insert-only like the records, so that records written before signing existed can
    be signed later (``handbook acks keygen``) without ever updating an acknowledgement.
    """

    __tablename__ = "ack_signatures"

    ack_id: Mapped[int] = mapped_column(ForeignKey("acknowledgements.id"), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(88))
