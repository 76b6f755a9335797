"""Proof-of-acknowledgement PDFs: one's own, a person's, a version's signers; the bulk export for an audit.

Who gets what: everyone their own records; a manager the people of their own department (another
department's person does not exist for them: 404, as a receipt); HR and administrators everyone.
Every download is audited.  The bulk export runs as a task (portal.proofs.exports).
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from portal.access import Role, requires, signed_in
from portal.acks.models import Acknowledgement
from portal.acks.services import receipt_for
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.errors import NotFound
from portal.proofs import exports
from portal.proofs.documents import ProofContext, ProofDocument, build_document, proof_pdf
from portal.proofs.inputs import ExportForm
from portal.proofs.records import ProofScope, title_marks
from portal.reading.services import regulation_by_slug, version_by_label
from portal.releases.models import Regulation, RegulationVersion
from portal.tasks import state
from portal.tasks.models import STATUS_LABELS
from portal.tasks.queue import queue_for
from portal.web import attempt, client_ip, deps, loads, me, options

bp = Blueprint("proofs", __name__, template_folder="templates")

PDF = "application/pdf"


def _context() -> ProofContext:
    d = deps()
    return ProofContext(d.settings.signing_key_path, d.settings.zone, d.settings.time_zone, d.clock.now())


def _answer(document: ProofDocument, file_name: str, target: str) -> Response:
    d = deps()
    data = proof_pdf([document])
    audit(d.session, d.clock, "export", actor=me(), ip=client_ip(), target=target,
          detail=f"签署证明 {len(document.records)} 条记录，打印时校验通过 {document.verified} 条")
    response = send_file(io.BytesIO(data), mimetype=PDF, as_attachment=True, download_name=file_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _printed_by() -> str:
    user = me()
    return f"{user.name}（工号 {user.employee_no}）"


def person_in_scope(session: Session, viewer: User, user_id: int) -> User:
    """A person whose proofs ``viewer`` may print: HR everyone, a manager their own department's people."""
    person = session.get(User, user_id)
    if person is None or not (viewer.is_hr or person.id == viewer.id or _same_department(viewer, person)):
        raise NotFound(f"person {user_id} not visible to user {viewer.id}", "找不到该员工。")
    return person


def _same_department(viewer: User, person: User) -> bool:
    return viewer.has_role(Role.MANAGER) and bool(viewer.department) and person.department == viewer.department


def _department_scope(viewer: User) -> ProofScope:
    """What narrows a version's signers for the viewer: nothing for HR, the department for a manager."""
    if viewer.is_hr:
        return ProofScope()
    if not viewer.department:
        return ProofScope(nobody=True)
    return ProofScope(department=viewer.department)


@bp.route("/my/signatures/proof.pdf")
@signed_in
def mine() -> Response:
    user = me()
    document = build_document(deps().session, _context(), ProofScope(user_id=user.id),
                              f"员工 {user.name}（工号 {user.employee_no}）的全部签署记录", _printed_by())
    return _answer(document, f"签署证明-{user.employee_no}.pdf", f"签署证明（本人 {user.employee_no}）")


@bp.route("/my/signatures/<int:ack_id>/proof.pdf")
@signed_in
@loads("ack", receipt_for)
def one(ack: Acknowledgement) -> Response:
    d = deps()
    person = d.session.get(User, ack.user_id)
    assert person is not None
    document = build_document(d.session, _context(), ProofScope(user_id=ack.user_id, version_id=ack.version_id),
                              f"员工 {person.name}（工号 {person.employee_no}）", _printed_by())
    return _answer(document, f"签署证明-{person.employee_no}-{ack.id}.pdf", f"签署证明（记录 {ack.id}）")


@bp.route("/hr/proofs/people/<int:user_id>.pdf")
@requires(Role.HR, Role.MANAGER)
@loads("person", person_in_scope, arg="user_id")
def person(person: User) -> Response:
    document = build_document(deps().session, _context(), ProofScope(user_id=person.id),
                              f"员工 {person.name}（工号 {person.employee_no}），{person.department or '（未分配部门）'}",
                              _printed_by())
    return _answer(document, f"签署证明-{person.employee_no}.pdf", f"签署证明（员工 {person.employee_no}）")


@bp.route("/hr/proofs/regulations/<slug>/<label>.pdf")
@requires(Role.HR, Role.MANAGER)
def version(slug: str, label: str) -> Response:
    d = deps()
    regulation = regulation_by_slug(d.session, slug)
    item = version_by_label(d.session, regulation, label)
    scope = _department_scope(me())
    narrowed = ProofScope(version_id=item.id, department=scope.department, nobody=scope.nobody)
    title = title_marks(d.session).name(item.title, item.regulation_id)
    where = f"，{scope.department}" if scope.department else ""
    document = build_document(d.session, _context(), narrowed, f"《{title}》版本 {item.label} 的签署记录{where}", _printed_by())
    return _answer(document, f"签署证明-{slug}-{item.label}.pdf", f"签署证明（{slug}@{item.label}）")


def _versions_overview(session: Session, viewer: User) -> list[tuple[Regulation, RegulationVersion, int]]:
    """Each regulation's current version with the number of its signers the viewer may see."""
    scope = _department_scope(viewer)
    counted = select(Acknowledgement.version_id, func.count().label("n")).join(User, User.id == Acknowledgement.user_id)
    if scope.department is not None:
        counted = counted.where(User.department == scope.department)
    counts = {} if scope.nobody else dict(session.execute(counted.group_by(Acknowledgement.version_id)).all())
    rows = session.execute(
        select(Regulation, RegulationVersion).join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id)
        .where(Regulation.retired.is_(False)).order_by(Regulation.position, Regulation.id)
    ).all()
    return [(regulation, item, int(counts.get(item.id, 0))) for regulation, item in rows]


def _export_form(session: Session) -> ExportForm:
    form = ExportForm()
    marks = title_marks(session)
    regulations = session.execute(select(Regulation.id, Regulation.title).order_by(Regulation.position, Regulation.id)).all()
    form.regulation_id.choices = options([(0, "请选择制度"), *((i, marks.name(t, i)) for i, t in regulations)])
    form.department.choices = options([("", "请选择部门"), *((x, x or "（未分配部门）") for x in exports.departments_with_records(session))])
    return form


@bp.route("/hr/proofs")
@requires(Role.HR, Role.MANAGER)
def index() -> str:
    d = deps()
    return _index_page(d.session, _export_form(d.session) if me().is_hr else None)


def _index_page(session: Session, form: ExportForm | None) -> str:
    user = me()
    query = request.args.get("employee_no", "").strip()[:100]
    return render_template("proofs/index.html", form=form, versions=_versions_overview(session, user),
                           recent=_recent_exports(session) if user.is_hr else [], labels=STATUS_LABELS,
                           query=query, people=_people_matching(session, user, query) if query else [],
                           zone_name=deps().settings.time_zone)


def _people_matching(session: Session, viewer: User, query: str) -> list[tuple[User, int]]:
    """People the viewer may print, by exact employee number or part of the name, with their record counts."""
    scope = _department_scope(viewer)
    if scope.nobody:
        return []
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = select(User).where((User.employee_no == query) | User.name.like(pattern, escape="\\"))
    if scope.department is not None:
        found = found.where(User.department == scope.department)
    people = list(session.scalars(found.order_by(User.employee_no).limit(20)))
    counts = dict(session.execute(
        select(Acknowledgement.user_id, func.count()).where(Acknowledgement.user_id.in_([p.id for p in people]))
        .group_by(Acknowledgement.user_id)).all()) if people else {}
    return [(person, int(counts.get(person.id, 0))) for person in people]


@bp.route("/hr/proofs/exports", methods=["POST"])
@requires(Role.HR)
def start_export() -> WerkzeugResponse | str:
    """Queue the bulk export; its page shows the progress and then the download."""
    d = deps()
    form = _export_form(d.session)
    if not form.validate_on_submit():
        return _index_page(d.session, form)
    with attempt(form) as outcome:
        wanted = exports.validated(d.session, form.request(), exports.departments_with_records(d.session))
    if not outcome.ok:
        return _index_page(d.session, form)
    what = exports.describe(d.session, wanted)
    audit(d.session, d.clock, "export", actor=me(), ip=client_ip(), target="签署证明（审计导出）", detail=what)
    job_id = queue_for(current_app).enqueue(d.session, d.clock, exports.KIND,
                                            {**wanted.payload(), "printed_by": _printed_by(), "what": what}, me().id)
    return redirect(url_for("proofs.export", task_id=job_id))


def _recent_exports(session: Session) -> list[state.JobView]:
    return state.recent(session, 20, kind=exports.KIND)


def _export_or_404(task_id: int) -> state.JobView:
    view = state.view(deps().session, task_id, kind=exports.KIND)
    if view is None:
        abort(404)
    return view


@bp.route("/hr/proofs/exports/<int:task_id>")
@requires(Role.HR)
def export(task_id: int) -> str:
    return render_template("proofs/export.html", job=_export_or_404(task_id), labels=STATUS_LABELS)


@bp.route("/hr/proofs/exports/<int:task_id>/file")
@requires(Role.HR)
def export_file(task_id: int) -> Response:
    d = deps()
    job = _export_or_404(task_id)
    fmt = str(job.payload.get("fmt", ""))
    path = exports.export_path(d.settings.handbook_root, job.id, fmt) if fmt in exports.FORMATS else None
    if job.status != "done" or path is None or not path.is_file():
        abort(404)
    audit(d.session, d.clock, "export", actor=me(), ip=client_ip(), target=f"签署证明（审计导出 {job.id}）",
          detail=str(job.payload.get("what", "")))
    mimetype = PDF if fmt == "pdf" else "application/zip"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=f"签署证明-审计导出-{job.id}.{fmt}")
