"""The forms desk's pages: thin views over :mod:`portal.formsdesk` services (drafts, filing, minutes, pages) and the ``forms`` stage.

URLs (all below ``/forms``): the list, blank and filled .docx downloads, the
web form with drafts, the documents of a department, a document's page and
the minutes workflow steps.  A document is addressed by its number
(``HY-2026-0003``), the ``label`` in the URL.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from werkzeug.wrappers import Response

from domain.errors import HandbookError, NotFound, PermissionDenied, ValidationFailed
from domain.model import ClauseRef, FormTemplate
from forms.declarations import ALL_FORMS, MINUTES, form_by_slug
from forms.display import as_text
from forms.render import render_blank, render_filled
from forms.validation import compact, key_label, validate
from portal.access import signed_in
from portal.formsdesk import drafts, filing, minutes, pages, people
from portal.formsdesk.inputs import display_value, input_attributes, raw_from_post, rows_for_display
from portal.formsdesk.models import FormDocument
from portal.web import attempt, client_ip, deps, loads, me

bp = Blueprint("formsdesk", __name__, url_prefix="/forms", template_folder="templates")
ASSETS = Path(__file__).parent / "static"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.app_template_global("formsdesk_attributes")
def _attributes(spec: Any) -> dict[str, Any]:
    return input_attributes(spec)


@bp.route("/")
@signed_in
def index() -> str:
    d = deps()
    user = me()
    return render_template(
        "formsdesk/index.html",
        forms=ALL_FORMS,
        clause_links={form.slug: _clause_links(form) for form in ALL_FORMS},
        drafts=drafts.drafts_of(d.session, user),
        tasks=pages.tasks_for(d.session, user),
        titles={form.slug: form.title for form in ALL_FORMS},
        status_label=pages.status_label,
    )


@bp.route("/<slug>/blank.docx")
@signed_in
def blank(slug: str) -> Response:
    template = _form_or_404(slug)
    return _docx(render_blank(template), f"{template.title}（空白）.docx")


@bp.route("/<slug>/fill", methods=["GET"])
@signed_in
def fill(slug: str) -> str | tuple[str, int]:
    template = _form_or_404(slug)
    d = deps()
    draft_id = request.args.get("draft", type=int)
    raw: dict[str, Any] = {}
    rework = None
    if draft_id is not None:
        try:
            draft = drafts.own_draft(d.session, me(), draft_id)
        except NotFound:
            abort(404)
        if draft.form_slug != template.slug:
            abort(404)
        raw = drafts.draft_values(draft)
        rework = d.session.get(FormDocument, draft.document_id) if draft.document_id else None
    return _fill_page(template, raw, draft_id=draft_id, rework=rework)


@bp.route("/<slug>/fill", methods=["POST"])
@signed_in
def fill_post(slug: str) -> Response | str | tuple[str, int]:
    template = _form_or_404(slug)
    d = deps()
    user = me()
    action = request.form.get("action", "submit")
    draft_id = request.form.get("draft_id", type=int)
    raw = compact(template, raw_from_post(template, request.form))
    with attempt(unless=(NotFound,), show=False) as outcome:
        if action == "discard" and draft_id is not None:
            drafts.discard_draft(d.session, user, draft_id)
            flash("草稿已删除。", "success")
            return redirect(url_for("formsdesk.index"))
        if action == "save":
            draft = drafts.save_draft(d.session, d.clock, user, template, raw, draft_id)
            flash("草稿已保存，可随时回来继续填写。", "success")
            return redirect(url_for("formsdesk.fill", slug=slug, draft=draft.id))
        if action == "download":
            filled = validate(template, raw, people.directory(d.session))
            return _docx(render_filled(filled), f"{template.title}.docx")
        submitted = filing.submit(d.session, d.clock, user, template, raw, draft_id, ip=client_ip())
    error = outcome.error
    if isinstance(error, ValidationFailed):
        return _fill_page(template, raw, draft_id=draft_id, errors=error.field_errors, message=error.user_message, status=422)
    if error is not None:
        return _fill_page(template, raw, draft_id=draft_id, message=error.user_message, status=409)
    flash(f"已提交：{submitted.document.number} {submitted.document.title}", "success")
    for key, warning in submitted.warnings.items():
        flash(f"提醒（{key_label(template, key)}）：{warning}", "info")
    return redirect(url_for("formsdesk.document", label=submitted.document.number))


@bp.route("/documents")
@signed_in
def documents() -> str:
    d = deps()
    user = me()
    departments = filing.departments_visible_to(d.session, user)
    department = request.args.get("department") or (departments[0] if departments else "")
    try:
        rows = filing.documents_of_department(d.session, user, department) if department else []
    except PermissionDenied:
        abort(403)
    return render_template(
        "formsdesk/documents.html",
        department=department,
        departments=departments,
        rows=rows,
        titles={form.slug: form.title for form in ALL_FORMS},
        status_label=pages.status_label,
    )


@bp.route("/documents/<label>")
@signed_in
@loads("found", filing.viewable_document, arg="label")
def document(found: FormDocument) -> str:
    d = deps()
    template = form_by_slug(found.form_slug)
    user = me()
    try:
        filled = filing.filled_document(d.session, found)
        summary = _summary(template, filled.values)
    except HandbookError as error:
        summary, filled = [], None
        flash(error.user_message, "error")
    rework_draft = None
    if found.status == "returned" and found.author_id == user.id:
        rework_draft = next((draft for draft in drafts.drafts_of(d.session, user) if draft.document_id == found.id), None)
    recipients = pages.recipients_of(d.session, found)
    return render_template(
        "formsdesk/document.html",
        doc=found,
        form=template,
        is_minutes=template.slug == MINUTES.slug,
        summary=summary,
        docx_ok=filled is not None,
        timeline=pages.timeline(d.session, found),
        recipients=recipients,
        status=pages.status_label(found),
        can_review=found.chair_id == user.id and found.status == "submitted",
        can_distribute=user.id in (found.author_id, found.chair_id) and found.status == "signed",
        can_confirm=any(r.user_id == user.id and r.confirmed_at is None for r, _ in recipients),
        rework_draft=rework_draft,
        author=_name(found.author_id),
        chair=_name(found.chair_id),
        errors={},
    )


@bp.route("/documents/<label>.docx")
@signed_in
@loads("found", filing.viewable_document, arg="label")
def document_docx(found: FormDocument) -> Response:
    d = deps()
    try:
        data = filing.document_docx(d.session, found)
    except HandbookError:
        abort(409)
    return _docx(data, f"{found.number} {form_by_slug(found.form_slug).title}.docx")


def _workflow_step(found: FormDocument, step: Callable[[FormDocument], str]) -> Response:
    """Run one minutes-workflow step on a document and flash its message; a refusal stores nothing.

    Refusals by role become 403; any other rule the step breaks is flashed in
    Chinese.  Every step returns to the document's page.
    """
    with attempt(unless=(PermissionDenied,), show=False) as outcome:
        message = step(found)
    error = outcome.error
    if error is None:
        flash(message, "success")
    else:
        comment = error.field_errors.get("comment") if isinstance(error, ValidationFailed) else None
        flash(comment or error.user_message, "error")
    return redirect(url_for("formsdesk.document", label=found.number))


@bp.route("/documents/<label>/review", methods=["POST"])
@signed_in
@loads("found", filing.viewable_document, arg="label")
def review(found: FormDocument) -> Response:
    approve = request.form.get("decision") == "sign"

    def step(found: FormDocument) -> str:
        d = deps()
        minutes.review(d.session, d.clock, me(), found, approve=approve, comment=request.form.get("comment", ""),
                       ip=client_ip())
        return "已审核签署。记录人或主持人现在可以分发给参会人员。" if approve else "已退回记录人修改。"

    return _workflow_step(found, step)


@bp.route("/documents/<label>/distribute", methods=["POST"])
@signed_in
@loads("found", filing.viewable_document, arg="label")
def distribute(found: FormDocument) -> Response:
    def step(found: FormDocument) -> str:
        d = deps()
        recipients = minutes.distribute(d.session, d.clock, me(), found, client_ip())
        return f"已分发给 {len(recipients)} 位参会人员。"

    return _workflow_step(found, step)


@bp.route("/documents/<label>/confirm", methods=["POST"])
@signed_in
@loads("found", filing.viewable_document, arg="label")
def confirm(found: FormDocument) -> Response:
    def step(found: FormDocument) -> str:
        d = deps()
        minutes.confirm_receipt(d.session, d.clock, me(), found, client_ip())
        return "已确认收到会议纪要。"

    return _workflow_step(found, step)


@bp.route("/formsdesk.js")
@signed_in
def script() -> Response:
    return send_from_directory(ASSETS, "formsdesk.js", mimetype="text/javascript", max_age=300)


@bp.route("/formsdesk.css")
@signed_in
def stylesheet() -> Response:
    return send_from_directory(ASSETS, "formsdesk.css", mimetype="text/css", max_age=300)


# --- helpers ---------------------------------------------------------------------------------------------


def _form_or_404(slug: str) -> FormTemplate:
    try:
        return form_by_slug(slug)
    except NotFound:
        abort(404)


def _name(user_id: int | None) -> str:
    from portal.auth.models import User

    user = deps().session.get(User, user_id) if user_id is not None else None
    return user.name if user else ""


def _clause_links(template: FormTemplate) -> list[tuple[pages.ClauseLink, str | None]]:
    """Each clause that requires the form, with the URL of its place in the reading page (if published)."""
    links = pages.clause_links(deps().session, template.required_by)
    return [(link, _clause_url(link.ref) if link.published else None) for link in links]


def _clause_url(ref: ClauseRef) -> str:
    url = url_for("reading.regulation", slug=ref.document_slug)
    return f"{url}#{quote(ref.anchor)}" if ref.anchor else url


def _fill_page(
    template: FormTemplate,
    raw: dict[str, Any],
    *,
    draft_id: int | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
    rework: FormDocument | None = None,
) -> tuple[str, int]:
    d = deps()
    roster = people.directory(d.session)
    if rework is None and draft_id is not None:
        rework = _rework_of(draft_id)  # a re-rendered rework draft keeps its notice
    page = render_template(
        "formsdesk/fill.html",
        form=template,
        raw=raw,
        errors=errors or {},
        message=message,
        draft_id=draft_id,
        rework=rework,
        rework_comment=_return_comment(rework),
        people=sorted(roster.people or ()),
        departments=sorted(roster.departments or ()),
        clause_links=_clause_links(template),
        rows_for=lambda spec: rows_for_display(spec, raw),
        value_of=display_value,
    )
    return page, status


def _rework_of(draft_id: int) -> FormDocument | None:
    """The returned minutes a draft reworks, if any (the draft is the user's own, or nothing)."""
    d = deps()
    try:
        draft = drafts.own_draft(d.session, me(), draft_id)
    except NotFound:
        return None
    return d.session.get(FormDocument, draft.document_id) if draft.document_id else None


def _return_comment(document: FormDocument | None) -> str:
    """The chair's latest comment on returned minutes, shown above the form being reworked."""
    if document is None:
        return ""
    returns = [e for e in pages.timeline(deps().session, document) if e.kind == "returned" and e.comment]
    return returns[-1].comment if returns else ""


def _summary(template: FormTemplate, values: Any) -> list[tuple[str, Any]]:
    """(label, shown value or table) pairs for the document page."""
    out: list[tuple[str, Any]] = []
    # Tables shown as one joined line (参会人员: 赵志强、王建国) are not repeated as tables.
    joined = {(s.computed or "").partition(":")[2].split(".")[0] for s in template.fields if (s.computed or "").startswith("join")}
    for spec in template.fields:
        value = values.get(spec.name)
        if spec.type == "table":
            if value and spec.name not in joined:
                headers = [c.label for c in spec.columns]
                rows = [[as_text(c, row.get(c.name), in_table=True) for c in spec.columns] for row in value]
                out.append((spec.label, {"headers": headers, "rows": rows}))
        elif value not in (None, ""):
            out.append((spec.label, as_text(spec, value)))
    return out


def _docx(data: bytes, file_name: str) -> Response:
    return send_file(io.BytesIO(data), mimetype=DOCX_MIME, as_attachment=True, download_name=file_name)
