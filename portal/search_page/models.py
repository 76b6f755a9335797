"""What staff ask the search, kept anonymous, and what HR does about the questions that fail.

No row names a user, a session, an address or a time of day: a query is
stored with its local day only, so that it cannot be joined with the login
or audit records to find who asked.  Long digit runs (telephone, ID and
employee numbers) are masked before a query is stored (services.anonymised).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base


class SearchQuery(Base):
    """One search as typed (masked), the day it was asked, and what it found."""

    __tablename__ = "search_queries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    query: Mapped[str] = mapped_column(String(100), index=True)
    release: Mapped[str] = mapped_column(String(40), default="")
    total: Mapped[int] = mapped_column(Integer, default=0)
    asks: Mapped[str] = mapped_column(String(60), default="")  # what a question asked (search.asking)


class SearchClick(Base):
    """A hit opened from a result page: which search, and at which rank."""

    __tablename__ = "search_clicks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_id: Mapped[int] = mapped_column(ForeignKey("search_queries.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)


class SearchSynonym(Base):
    """A synonym HR added (often from a failed query): ``word`` also finds each of ``alternatives``."""

    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    word: Mapped[str] = mapped_column(String(40), unique=True)
    alternatives: Mapped[str] = mapped_column(String(200))  # space-separated, as in search/synonyms.txt
    added_on: Mapped[dt.date] = mapped_column(Date)


class HandbookGap(Base):
    """A question the handbook does not answer, noted by HR for the next revision."""

    __tablename__ = "search_gaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    noted_on: Mapped[dt.date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
