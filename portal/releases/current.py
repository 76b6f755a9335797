"""Which release is in force: the database says, so that every host and every stage agree."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.releases.models import ReleaseRecord


def current_release(session: Session) -> str | None:
    """The version of the newest published release, or None before the first one.

    Search asks for this release's index, so an index built for a release that
    is still being published (or that failed) is never what people search.
    """
    return session.scalar(
        select(ReleaseRecord.version).order_by(ReleaseRecord.published_at.desc(), ReleaseRecord.id.desc()).limit(1)
    )
