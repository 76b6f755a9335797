"""Publishing a new release (/admin/publish) and the progress page of its background task; HR only."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, url_for
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from portal.access import Role, requires
from portal.jobs.models import STATUS_LABELS, Job
from portal.jobs.services import Progress, create_job, start_in_thread
from portal.releases.inputs import PublishForm
from portal.releases.publishing import publish_file, summary
from portal.web import deps, me

bp = Blueprint("releases", __name__, template_folder="templates", url_prefix="/admin")


@bp.route("/publish", methods=["GET", "POST"])
@requires(Role.HR)
def publish() -> Response | str:
    form = PublishForm()
    if form.validate_on_submit():
        d = deps()
        upload_dir = Path(tempfile.mkdtemp(prefix="publish-", dir=_upload_root()))
        path = upload_dir / (secure_filename(form.file.data.filename) or "upload")
        if path.suffix == "":
            path = path.with_suffix(Path(form.file.data.filename).suffix.lower())
        form.file.data.save(path)
        job = create_job(d.session, d.clock, "publish", me().id)
        d.session.commit()
        version, effective, title, editorial = form.version.data.strip(), form.effective.data, form.title.data or "", bool(form.editorial.data)
        actor_id, due_days, clock = me().id, d.config["REVISION_DUE_DAYS"], d.clock

        def work(session: Session, progress: Progress) -> str:
            outcome = publish_file(
                session, clock, path, version=version, effective=effective, title=title, editorial=editorial,
                revision_due_days=due_days, actor_id=actor_id, progress=progress,
            )
            return summary(outcome)

        start_in_thread(d.session_factory(), clock, job.id, work)
        return redirect(url_for("releases.job", job_id=job.id))
    return render_template("releases/publish.html", form=form)


def _upload_root() -> Path:
    root = Path(current_app.config["HANDBOOK_ROOT"]) / "var" / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _job_or_404(job_id: int) -> Job:
    job = deps().session.get(Job, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@requires(Role.HR)
def job(job_id: int) -> str:
    return render_template("releases/job.html", job=_job_or_404(job_id), labels=STATUS_LABELS)


@bp.route("/jobs/<int:job_id>.json")
@requires(Role.HR)
def job_status(job_id: int) -> Response:
    job = _job_or_404(job_id)
    return jsonify(status=job.status, label=STATUS_LABELS.get(job.status, job.status), progress=job.progress, message=job.message)
