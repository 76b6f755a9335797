"""The search log and HR's answers to it: record, count, add synonyms, note gaps.

Every function takes the session (and the day, when it writes) as arguments;
the views are thin.  See models.py for what is stored and why it is anonymous.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from portal.search_page.models import HandbookGap, SearchClick, SearchQuery, SearchSynonym

RETENTION_DAYS = 180  # queries older than this are deleted when the first search of a day is logged
MAX_QUERY = 100
_DIGITS_RE = re.compile(r"\d{5,}")
_EMAIL_RE = re.compile(r"\S+@\S+")
MASK = "＊"


@dataclass(frozen=True)
class QueryCount:
    """One query as typed, how often it was asked in the period, and what it found."""

    query: str
    count: int
    results: int  # hits of its most recent search
    clicks: int
    last_day: dt.date


def anonymised(query: str) -> str:
    """The query as stored: whitespace collapsed, e-mail addresses and digit runs of 5 or more masked."""
    text = " ".join(query.split())[:MAX_QUERY]
    return _DIGITS_RE.sub(MASK, _EMAIL_RE.sub(MASK, text))


def record_search(
    session: Session, today: dt.date, query: str, *, release: str, total: int, asks: tuple[str, ...] = ()
) -> int:
    """Log one search (no user, no time of day); returns its id for the click links."""
    if session.scalar(select(exists().where(SearchQuery.day == today))) is False:
        prune(session, today)
    row = SearchQuery(day=today, query=anonymised(query), release=release[:40], total=total, asks=",".join(asks)[:60])
    session.add(row)
    session.flush()
    return row.id


def prune(session: Session, today: dt.date, days: int = RETENTION_DAYS) -> int:
    """Delete the queries (and their clicks) older than ``days``."""
    old = select(SearchQuery.id).where(SearchQuery.day < today - dt.timedelta(days=days))
    session.execute(delete(SearchClick).where(SearchClick.query_id.in_(old)))
    result = session.execute(delete(SearchQuery).where(SearchQuery.day < today - dt.timedelta(days=days)))
    return int(getattr(result, "rowcount", 0) or 0)


def record_click(session: Session, query_id: int, rank: int) -> bool:
    """Count an opened hit; False (nothing stored) for an unknown search or a rank out of range."""
    if not 1 <= rank <= 100 or session.get(SearchQuery, query_id) is None:
        return False
    session.add(SearchClick(query_id=query_id, rank=rank))
    return True


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and the next Monday of the week holding ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=7)


def query_counts(
    session: Session, since: dt.date, until: dt.date, *, zero_results: bool | None = None, clicked: bool | None = None,
    limit: int = 50,
) -> list[QueryCount]:
    """Queries asked in ``[since, until)``, most asked first.

    ``zero_results`` True: only searches that found nothing; False: only those that found something.
    ``clicked`` False: only queries none of whose searches had a hit opened.
    """
    clicks = (
        select(SearchClick.query_id, func.count().label("n")).group_by(SearchClick.query_id).subquery()
    )
    q = (
        select(
            SearchQuery.query,
            func.count(SearchQuery.id),
            func.max(SearchQuery.total),
            func.coalesce(func.sum(clicks.c.n), 0),
            func.max(SearchQuery.day),
        )
        .outerjoin(clicks, clicks.c.query_id == SearchQuery.id)
        .where(SearchQuery.day >= since, SearchQuery.day < until)
        .group_by(SearchQuery.query)
    )
    if zero_results is True:
        q = q.where(SearchQuery.total == 0)
    elif zero_results is False:
        q = q.where(SearchQuery.total > 0)
    if clicked is False:
        q = q.having(func.coalesce(func.sum(clicks.c.n), 0) == 0)
    q = q.order_by(func.count(SearchQuery.id).desc(), func.max(SearchQuery.day).desc(), SearchQuery.query)
    return [QueryCount(str(a), int(b), int(c or 0), int(d or 0), e) for a, b, c, d, e in session.execute(q.limit(limit))]


def weeks_with_queries(session: Session, limit: int = 12) -> list[dt.date]:
    """The Mondays of the most recent weeks that have logged queries, newest first."""
    days = session.scalars(select(SearchQuery.day).distinct().order_by(SearchQuery.day.desc()).limit(400)).all()
    return sorted({week_of(day)[0] for day in days}, reverse=True)[:limit]


# --- HR's synonyms ---------------------------------------------------------------------------------------


def hr_synonyms(session: Session) -> dict[str, tuple[str, ...]]:
    """HR's synonyms in search.synonyms' form: word → alternatives."""
    rows = session.scalars(select(SearchSynonym).order_by(SearchSynonym.word)).all()
    return {row.word: tuple(row.alternatives.split()) for row in rows if row.alternatives.split()}


def synonym_rows(session: Session) -> list[SearchSynonym]:
    return list(session.scalars(select(SearchSynonym).order_by(SearchSynonym.added_on.desc(), SearchSynonym.word)))


def save_synonym(session: Session, today: dt.date, word: str, alternatives: tuple[str, ...]) -> SearchSynonym:
    """Add the word's alternatives (merged into an existing line for the same word)."""
    row = session.scalar(select(SearchSynonym).where(SearchSynonym.word == word))
    if row is None:
        row = SearchSynonym(word=word, alternatives="", added_on=today)
        session.add(row)
    merged = tuple(dict.fromkeys((*row.alternatives.split(), *alternatives)))
    row.alternatives = " ".join(merged)[:200]
    session.flush()
    return row


def remove_synonym(session: Session, synonym_id: int) -> SearchSynonym | None:
    row = session.get(SearchSynonym, synonym_id)
    if row is not None:
        session.delete(row)
    return row


# --- gaps in the handbook --------------------------------------------------------------------------------


def note_gap(session: Session, today: dt.date, query: str, note: str) -> HandbookGap:
    gap = HandbookGap(query=anonymised(query), note=note.strip()[:1000], noted_on=today, closed=False)
    session.add(gap)
    session.flush()
    return gap


def open_gaps(session: Session) -> list[HandbookGap]:
    return list(
        session.scalars(select(HandbookGap).where(HandbookGap.closed.is_(False)).order_by(HandbookGap.noted_on.desc()))
    )


def close_gap(session: Session, gap_id: int) -> HandbookGap | None:
    gap = session.get(HandbookGap, gap_id)
    if gap is not None:
        gap.closed = True
    return gap
