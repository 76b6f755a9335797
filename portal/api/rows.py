"""What each API endpoint returns: the same rows the owner's role sees on the web.

* regulations: everybody signed in reads the regulations in force;
* acknowledgements: HR and administrators every record, a manager their department's (none without a
  department), anybody else their own (the web's 我的签署);
* completion: HR the whole company, a manager their department (the dashboard's matrix).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.models import Acknowledgement, AckSignature
from portal.auth.models import User
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord
from portal.signing_status.queries import DashboardFilter, completion_matrix


def _iso(moment: dt.datetime) -> str:
    """Stored times are naive UTC; the API says so."""
    return moment.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def regulations(session: Session, base_url: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Regulation.slug, Regulation.title, Regulation.kind, ReleaseRecord.version, ReleaseRecord.effective,
               RegulationVersion.content_sha256, RegulationVersion.clause_count)
        .join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id)
        .join(ReleaseRecord, ReleaseRecord.id == RegulationVersion.release_id)
        .where(Regulation.retired.is_(False))
        .order_by(Regulation.position, Regulation.id)
    ).all()
    return [
        {"slug": slug, "title": title, "kind": kind, "version": version, "effective": effective.isoformat(),
         "content_sha256": sha, "clauses": clauses, "url": f"{base_url.rstrip('/')}/regulations/{slug}"}
        for slug, title, kind, version, effective, sha, clauses in rows
    ]


def _people_seen_by(owner: User) -> ColumnElement[bool]:
    if owner.is_hr:
        return true()
    if owner.has_role(Role.MANAGER):
        return User.department == owner.department if owner.department else false()
    return User.id == owner.id


def acknowledgements(session: Session, owner: User, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Records in chain order after ``after_id`` (a cursor: the last id of the previous page)."""
    rows = session.execute(
        select(Acknowledgement, User.employee_no, User.name, User.department, Regulation.slug, ReleaseRecord.version,
               AckSignature.key_id, AckSignature.signature)
        .join(User, User.id == Acknowledgement.user_id)
        .join(Regulation, Regulation.id == Acknowledgement.regulation_id)
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .join(ReleaseRecord, ReleaseRecord.id == RegulationVersion.release_id)
        .outerjoin(AckSignature, AckSignature.ack_id == Acknowledgement.id)
        .where(_people_seen_by(owner), Acknowledgement.id > after_id)
        .order_by(Acknowledgement.id)
        .limit(limit)
    ).all()
    return [
        {"id": ack.id, "employee_no": no, "name": name, "department": department, "regulation": slug,
         "version": version, "signed_name": ack.signed_name, "signed_at": _iso(ack.signed_at),
         "text_sha256": ack.text_sha256, "prev_hash": ack.prev_hash, "record_hash": ack.record_hash,
         "key_id": key_id, "signature": signature}
        for ack, no, name, department, slug, version, key_id, signature in rows
    ]


def completion(session: Session, owner: User, today: dt.date) -> list[dict[str, Any]]:
    """Per department and regulation: assigned, signed, overdue (the dashboard's matrix, same scope)."""
    scope = None if owner.is_hr else owner.department
    matrix = completion_matrix(session, DashboardFilter(department=scope or "", scope=scope), today)
    slugs = {regulation_id: slug for regulation_id, slug in session.execute(select(Regulation.id, Regulation.slug))}
    rows = []
    for (department, regulation_id), cell in sorted(matrix.cells.items()):
        rows.append({"department": department, "regulation": slugs.get(regulation_id, ""),
                     "assigned": cell.assigned, "signed": cell.signed, "overdue": cell.overdue,
                     "percent": round(cell.percent, 1)})
    return rows
