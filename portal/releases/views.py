"""Publishing a new release (/admin/publish) and the progress page of its background task; HR only."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, url_for
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from portal.access import Role, requires
from portal.releases.inputs import PublishForm
from portal.releases.publishing import publish_file, summary
from portal.tasks.models import STATUS_LABELS, Task
from portal.tasks.services import Progress, create_task, start_in_thread
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
        task = create_task(d.session, d.clock, "publish", me().id)
        d.session.commit()
        version, effective, title, editorial = form.version.data.strip(), form.effective.data, form.title.data or "", bool(form.editorial.data)
        actor_id, due_days, clock = me().id, d.config["REVISION_DUE_DAYS"], d.clock

        def work(session: Session, progress: Progress) -> str:
            outcome = publish_file(
                session, clock, path, version=version, effective=effective, title=title, editorial=editorial,
                revision_due_days=due_days, actor_id=actor_id, progress=progress,
            )
            return summary(outcome)

        start_in_thread(d.session_factory(), clock, task.id, work)
        return redirect(url_for("releases.task", task_id=task.id))
    return render_template("releases/publish.html", form=form)


def _upload_root() -> Path:
    root = Path(current_app.config["HANDBOOK_ROOT"]) / "var" / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _task_or_404(task_id: int) -> Task:
    task = deps().session.get(Task, task_id)
    if task is None:
        abort(404)
    return task


# The task pages keep their first URLs (/admin/jobs/...), so bookmarks and links stay valid.
@bp.route("/jobs/<int:task_id>")
@requires(Role.HR)
def task(task_id: int) -> str:
    return render_template("releases/task.html", task=_task_or_404(task_id), labels=STATUS_LABELS)


@bp.route("/jobs/<int:task_id>.json")
@requires(Role.HR)
def task_status(task_id: int) -> Response:
    task = _task_or_404(task_id)
    return jsonify(status=task.status, label=STATUS_LABELS.get(task.status, task.status), progress=task.progress, message=task.message)
