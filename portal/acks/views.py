"""The signer's own records (the list of signatures, each receipt) and the administrators' chain check.

Signing itself is posted from the reading page and handled there (``reading.sign``).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import Role, requires, signed_in
from portal.acks import tasks
from portal.acks.inputs import VerifyForm
from portal.acks.models import Acknowledgement
from portal.acks.services import receipt_for
from portal.assignments.services import my_handbook
from portal.releases.models import RegulationVersion
from portal.tasks import state
from portal.tasks.models import STATUS_LABELS
from portal.tasks.queue import queue_for
from portal.web import deps, loads, me

bp = Blueprint("acks", __name__, template_folder="templates")


@bp.route("/my/signatures")
@signed_in
def mine() -> str:
    d = deps()
    rows = d.session.execute(
        select(Acknowledgement, RegulationVersion)
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .where(Acknowledgement.user_id == me().id)
        .order_by(Acknowledgement.id.desc())
    ).all()
    return render_template("acks/mine.html", rows=rows)


@bp.route("/my/signatures/<int:ack_id>")
@signed_in
@loads("ack", receipt_for)
def receipt(ack: Acknowledgement) -> str:
    """The signer's receipt: what was signed, when, and the hashes that prove it."""
    d = deps()
    user = me()
    version = d.session.get(RegulationVersion, ack.version_id)
    # After signing, point the signer at what is still open on their list.
    waiting = [i for i in my_handbook(d.session, user, d.clock.today()) if i.state != "done"] if ack.user_id == user.id else []
    return render_template("acks/receipt.html", ack=ack, version=version, waiting=waiting)


@bp.route("/admin/verify", methods=["GET", "POST"])
@requires(Role.ADMIN)
def verify() -> str | WerkzeugResponse:
    """The full walk is a job (a large chain takes longer than a request may): start it, show the last ones."""
    d = deps()
    form = VerifyForm()
    if form.validate_on_submit():
        job_id = queue_for(current_app).enqueue(d.session, d.clock, tasks.KIND, {}, me().id)
        return redirect(url_for("acks.verify_job", task_id=job_id))
    return render_template("acks/verify.html", form=form, jobs=_recent_jobs(d.session), labels=STATUS_LABELS,
                           total=tasks.chain_length(d.session))


def _recent_jobs(session: Session) -> list[state.JobView]:
    return state.recent(session, 10, kind=tasks.KIND)


def _job_or_404(task_id: int) -> state.JobView:
    view = state.view(deps().session, task_id, kind=tasks.KIND)
    if view is None:
        abort(404)
    return view


@bp.route("/admin/verify/jobs/<int:task_id>")
@requires(Role.ADMIN)
def verify_job(task_id: int) -> str:
    return render_template("acks/verify_job.html", job=_job_or_404(task_id), labels=STATUS_LABELS)


@bp.route("/admin/verify/jobs/<int:task_id>.json")
@requires(Role.ADMIN)
def verify_job_status(task_id: int) -> Response:
    job = _job_or_404(task_id)
    return jsonify(status=job.status, label=job.status_label, progress=job.progress, message=job.message)
