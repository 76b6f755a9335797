"""/hr/conflicts (HR): the candidates side by side, each with HR's mark; POST marks one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.access import Role, requires
from portal.conflicts.services import ATTRIBUTE_LABELS, STATUS_LABELS, MarkRequest, candidates, mark
from portal.web import attempt, client_ip, deps, me

bp = Blueprint("conflicts", __name__, template_folder="templates")


@bp.route("/hr/conflicts")
@requires(Role.HR)
def index() -> str:
    d = deps()
    shown = request.args.get("status", "open")
    shown = shown if shown in STATUS_LABELS or shown == "all" else "open"
    every = candidates(d.session)
    counts = {status: sum(c.status == status for c in every) for status in STATUS_LABELS}
    listed = [c for c in every if shown == "all" or c.status == shown]
    return render_template("conflicts/index.html", candidates=listed, counts=counts, total=len(every), shown=shown,
                           status_labels=STATUS_LABELS, attribute_labels=ATTRIBUTE_LABELS)


@bp.route("/hr/conflicts/mark", methods=["POST"])
@requires(Role.HR)
def mark_one() -> Response:
    d = deps()
    form = MarkRequest(request.form.get("candidate", ""), request.form.get("status", ""), request.form.get("note", ""))
    with attempt() as outcome:
        mark(d.session, d.clock, form, me(), client_ip())
    if outcome.error is None:
        flash(f"已标记为“{STATUS_LABELS[form.status]}”。", "success")
    shown = request.form.get("shown", "open")
    return redirect(url_for("conflicts.index", status=shown if shown in STATUS_LABELS or shown == "all" else "open")
                    + f"#c-{form.candidate_id[:12]}")
