"""Publishing pages: upload → draft (preview, diff, match) → submit → approve → publish; task progress.

HR uploads; the import runs as a task and leaves a *draft*.  The draft page
shows, per document, which regulation it revises, the suggested
classification and the clause-by-clause diff against the version in force,
and the importer's report.  An approver (a second person) approves it, which
queues the publishing task; nothing is in force before that task succeeds.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from domain.diff import diff_documents
from domain.errors import ValidationFailed
from portal.access import Role, requires
from portal.assignments.services import known_targets
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.releases import drafts, history
from portal.releases.applicability import Applicability, choosable
from portal.releases.inputs import (
    DecisionForm,
    EmptyForm,
    PublishForm,
    RollbackForm,
    SubmitForm,
    WithdrawForm,
)
from portal.releases.models import Draft, Regulation, RegulationVersion
from portal.releases.services import STATUS_LABELS as DOCUMENT_STATUS
from portal.releases.services import withdraw_regulation
from portal.tasks.models import STATUS_LABELS, Task
from portal.tasks.queue import queue_for
from portal.web import attempt, deps, loads, me

bp = Blueprint("releases", __name__, template_folder="templates", url_prefix="/admin")


@bp.route("/publish", methods=["GET", "POST"])
@requires(Role.HR)
def publish() -> Response | str:
    form = PublishForm()
    if form.validate_on_submit():
        d = deps()
        with attempt(form, catch=(ValidationFailed,)) as outcome:
            draft = drafts.create_draft(
                d.session, d.clock,
                drafts.NewDraft(form.version.data.strip(), form.effective.data, form.title.data or ""), me(),
            )
        if not outcome.ok:
            return render_template("releases/publish.html", form=form, drafts=_recent_drafts())
        files = _save_uploads(form.files.data)
        task_id = queue_for(current_app).enqueue(
            d.session, d.clock, "import_draft", {"draft_id": draft.id, "files": [str(f) for f in files]}, me().id
        )
        draft.task_id = task_id
        return redirect(url_for("releases.draft", draft_id=draft.id))
    return render_template("releases/publish.html", form=form, drafts=_recent_drafts())


def _recent_drafts() -> list[Draft]:
    return list(deps().session.scalars(select(Draft).order_by(Draft.id.desc()).limit(20)))


def _save_uploads(uploads: list[object]) -> list[Path]:
    root = deps().settings.handbook_root / "var" / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="draft-", dir=root))
    saved = []
    for index, upload in enumerate(uploads):
        original = getattr(upload, "filename", "") or f"upload-{index}"
        # secure_filename drops Chinese; the importer names documents by title, the file name is a fallback.
        name = secure_filename(original) or f"upload-{index}"
        path = folder / name
        if path.suffix == "":
            path = path.with_suffix(Path(original).suffix.lower())
        upload.save(path)  # type: ignore[attr-defined]
        saved.append(path)
    return saved


def _draft_or_404(draft_id: int) -> Draft:
    draft = deps().session.get(Draft, draft_id)
    if draft is None:
        abort(404)
    return draft


@bp.route("/drafts/<int:draft_id>")
@requires(Role.HR, Role.APPROVER)
@loads("item", drafts.draft_for, arg="draft_id")
def draft(item: Draft) -> str:
    d = deps()
    task = d.session.get(Task, item.task_id) if item.task_id else None
    scopes = drafts.applicability(d.session, item) if item.release_json else {}
    documents = _preview(item, scopes) if item.release_json else []
    broken = drafts.broken_references(d.session, item) if item.release_json else []
    counts = known_targets(d.session)[0]
    departments = choosable(counts, [*(a.in_force for a in scopes.values()), *(a.departments for a in scopes.values())])
    submit_form = SubmitForm(data={"summary": item.summary, "editorial": item.editorial})
    author = d.session.get(User, item.created_by_id) if item.created_by_id else None
    approver = d.session.get(User, item.approved_by_id) if item.approved_by_id else None
    regulations = d.session.execute(
        select(Regulation.slug, Regulation.title).where(Regulation.retired.is_(False)).order_by(Regulation.position)
    ).all()
    return render_template(
        "releases/draft.html", draft=item, task=task, task_labels=STATUS_LABELS, documents=documents,
        report=json.loads(item.report_json or "{}"), submit_form=submit_form, decision_form=DecisionForm(),
        empty_form=EmptyForm(), labels=drafts.STATUS_LABELS, document_labels=DOCUMENT_STATUS,
        may_approve=drafts.may_approve(me(), item, allow_self=d.settings.allow_self_approval),
        author=author, approver=approver, regulations=regulations, editable=item.status in drafts.EDITABLE,
        departments=departments, counts=counts, broken=broken,
    )


def _preview(item: Draft, scopes: dict[str, Applicability]) -> list[dict[str, object]]:
    """Per document: what it revises, its status, the diff against the version in force, its outline,
    and whom it will apply to."""
    session = deps().session
    matches: dict[str, str] = json.loads(item.matches_json)
    uploaded = list(json.loads(item.release_json)["documents"])
    rows = []
    for original, planned in zip(uploaded, drafts.plan_of(session, item), strict=True):
        current = session.scalar(
            select(RegulationVersion)
            .join(Regulation, Regulation.current_version_id == RegulationVersion.id)
            .where(Regulation.slug == planned.document.slug)
        )
        diff = planned.diff or (diff_documents(current.document(), planned.document) if current else None)
        rows.append({
            "uploaded_slug": original["slug"], "document": planned.document, "status": planned.status,
            "match": matches.get(original["slug"], ""), "current": current, "diff": diff,
            "outline": [(s.level, s.label) for s in planned.document.walk() if s.number or s.title][:80],
            "applicability": scopes[original["slug"]],
        })
    return rows


def _act(draft_id: int, action: str) -> Response:
    """Run one draft action with its message; a refusal is a flash in Chinese, never a 500."""
    d = deps()
    item = _draft_or_404(draft_id)
    allow_self = d.settings.allow_self_approval
    with attempt() as outcome:
        if action == "match":
            drafts.set_match(d.session, item, request.form.get("slug", ""), request.form.get("target", ""))
            message = "已更新对应的现行制度。"
        elif action == "departments":
            choice = drafts.parse_choice(request.form.get("scope", ""), request.form.getlist("department"))
            known = set(known_targets(d.session)[0])
            drafts.set_departments(d.session, d.clock, item, request.form.get("slug", ""), choice, known, me())
            message = "已保存适用部门。"
        elif action == "submit":
            form = SubmitForm()
            drafts.submit(d.session, d.clock, item, form.summary.data or "", bool(form.editorial.data), me())
            message = "已提交审批，等待另一位审批人批准。"
        elif action == "approve":
            drafts.approve(d.session, d.clock, item, me(), allow_self=allow_self)
            if item.status == "scheduled":
                flash(f"已批准：现行版本继续有效，{item.effective} 生效时将自动发布。", "success")
                return redirect(url_for("releases.draft", draft_id=draft_id))
            d.session.flush()
            task_id = queue_for(current_app).enqueue(d.session, d.clock, "publish_draft", {"draft_id": item.id}, me().id)
            item.task_id = task_id
            return redirect(url_for("releases.task", task_id=task_id))
        elif action == "reject":
            drafts.reject(d.session, d.clock, item, me(), DecisionForm().comment.data or "", allow_self=allow_self)
            message = "已退回，并附上审批意见。"
        else:
            drafts.delete(d.session, d.clock, item, me())
            flash("草稿已删除。", "success")
            return redirect(url_for("releases.publish"))
    if not outcome.ok:
        return redirect(url_for("releases.draft", draft_id=draft_id))
    flash(message, "success")
    return redirect(url_for("releases.draft", draft_id=draft_id))


@bp.route("/drafts/<int:draft_id>/match", methods=["POST"])
@requires(Role.HR)
def draft_match(draft_id: int) -> Response:
    return _act(draft_id, "match")


@bp.route("/drafts/<int:draft_id>/departments", methods=["POST"])
@requires(Role.HR)
def draft_departments(draft_id: int) -> Response:
    return _act(draft_id, "departments")


@bp.route("/drafts/<int:draft_id>/submit", methods=["POST"])
@requires(Role.HR)
def draft_submit(draft_id: int) -> Response:
    return _act(draft_id, "submit")


@bp.route("/drafts/<int:draft_id>/approve", methods=["POST"])
@requires(Role.APPROVER)
def draft_approve(draft_id: int) -> Response:
    return _act(draft_id, "approve")


@bp.route("/drafts/<int:draft_id>/reject", methods=["POST"])
@requires(Role.APPROVER)
def draft_reject(draft_id: int) -> Response:
    return _act(draft_id, "reject")


@bp.route("/drafts/<int:draft_id>/delete", methods=["POST"])
@requires(Role.HR)
def draft_delete(draft_id: int) -> Response:
    return _act(draft_id, "delete")


def _task_or_404(task_id: int) -> Task:
    task = deps().session.get(Task, task_id)
    if task is None:
        abort(404)
    return task


# The task pages keep their first URLs (/admin/jobs/...), so bookmarks and links stay valid.
@bp.route("/jobs/<int:task_id>")
@requires(Role.HR, Role.APPROVER)
def task(task_id: int) -> str:
    return render_template("releases/task.html", task=_task_or_404(task_id), labels=STATUS_LABELS)


@bp.route("/jobs/<int:task_id>.json")
@requires(Role.HR, Role.APPROVER)
def task_status(task_id: int) -> Response:
    task = _task_or_404(task_id)
    return jsonify(status=task.status, label=STATUS_LABELS.get(task.status, task.status), progress=task.progress, message=task.message)


@bp.route("/regulations/<slug>/versions")
@requires(Role.HR, Role.APPROVER)
def versions(slug: str) -> str:
    """Every version of one regulation: publisher, approver, summary, signatures; compare; roll back."""
    d = deps()
    regulation = history.regulation_or_none(d.session, slug)
    if regulation is None:
        abort(404)
    entries = history.versions_of(d.session, regulation)
    diff, old_id, new_id = None, request.args.get("old", type=int), request.args.get("new", type=int)
    if old_id is not None and new_id is not None:
        with attempt():
            diff = history.compare(d.session, regulation, old_id, new_id)
    return render_template("releases/versions.html", regulation=regulation, entries=entries, diff=diff,
                           old_id=old_id, new_id=new_id, form=RollbackForm(), withdraw_form=WithdrawForm(),
                           today=d.clock.today())


@bp.route("/regulations/<slug>/rollback", methods=["POST"])
@requires(Role.HR)
def rollback(slug: str) -> Response:
    d = deps()
    regulation = history.regulation_or_none(d.session, slug)
    if regulation is None:
        abort(404)
    form = RollbackForm()
    if not form.validate_on_submit():
        flash("请填写新的版本号和生效日期。", "error")
        return redirect(url_for("releases.versions", slug=slug))
    with attempt(form) as outcome:
        draft = history.rollback_draft(d.session, d.clock, regulation, request.form.get("version_id", 0, type=int) or 0,
                                       form.version.data.strip(), form.effective.data, me())
    if not outcome.ok:
        return redirect(url_for("releases.versions", slug=slug))
    flash("已生成恢复草稿：请填写摘要并提交审批，批准后作为新版本发布。", "success")
    return redirect(url_for("releases.draft", draft_id=draft.id))


@bp.route("/regulations/<slug>/withdraw", methods=["POST"])
@requires(Role.HR)
def withdraw(slug: str) -> Response:
    """Take one regulation out of force, with a reason; every other regulation stays (same service as the CLI)."""
    d = deps()
    regulation = history.regulation_or_none(d.session, slug)
    if regulation is None:
        abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash("停用制度必须填写原因。", "error")
        return redirect(url_for("releases.versions", slug=slug))
    reason = form.reason.data.strip()
    with attempt(form) as outcome:
        withdraw_regulation(d.session, slug, reason)
        audit(d.session, d.clock, "withdraw", actor=me(), target=regulation.title, detail=f"停用原因：{reason}")
    if outcome.ok:
        flash(f"已停用《{regulation.title}》，其他制度不受影响。", "success")
    return redirect(url_for("releases.versions", slug=slug))
