"""The audit log pages (/admin/audit): the filtered list and its CSV export; administrators only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context

from portal.access import Role, requires
from portal.audit.services import ACTION_LABELS, AuditFilter, filtered_query, page_of_events
from portal.audit.services import record as audit
from portal.converters import page_number
from portal.exports import csv_chunks
from portal.web import client_ip, deps, me, own_session, save_now

bp = Blueprint("audit", __name__, template_folder="templates", url_prefix="/admin")


def _audit_filter() -> AuditFilter:
    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    action = request.args.get("action", "")
    return AuditFilter(action if action in ACTION_LABELS else "", request.args.get("actor", "").strip()[:50], day("since"), day("until"),
                       deps().settings.zone)


@bp.route("/audit")
@requires(Role.ADMIN)
def audit_log() -> str:
    d = deps()
    criteria = _audit_filter()
    page = page_number(request.args)
    events, total = page_of_events(d.session, criteria, page, d.settings.page_size)
    return render_template(
        "audit/audit.html", events=events, total=total, page=page, size=d.settings.page_size, criteria=criteria,
        labels=ACTION_LABELS, args=request.args,
    )


@bp.route("/audit.csv")
@requires(Role.ADMIN)
def audit_export() -> Response:
    d = deps()
    criteria = _audit_filter()
    audit(d.session, d.clock, "export", actor=me(), ip=client_ip(), target="审计日志")
    save_now()  # the rows are streamed by their own session
    stream_session = own_session()

    def rows() -> Iterator[tuple[Any, ...]]:
        with stream_session:
            for e in stream_session.scalars(filtered_query(criteria).execution_options(yield_per=2000)):
                yield (e.id, e.at, e.actor_label, ACTION_LABELS.get(e.action, e.action), e.target, e.detail, e.ip)

    header = ("编号", "时间", "操作人", "操作", "对象", "详情", "IP")
    return Response(
        stream_with_context(csv_chunks(header, rows(), d.settings.zone)), mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )
