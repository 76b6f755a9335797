"""The dashboard pages and exports.  Managers see their own department; HR sees all."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from portal.access import Role, requires
from portal.audit.services import record as audit
from portal.config import Settings
from portal.converters import page_number
from portal.dashboard.grid import build_grid
from portal.dashboard.inputs import FilterForm, RemindForm
from portal.exports import Cell, csv_chunks, xlsx_bytes
from portal.reading.titles import TitleMarks, load_marks
from portal.releases.models import Regulation
from portal.reminders.services import SmtpSettings, send_reminders
from portal.signing_status.queries import (
    DashboardFilter,
    Matrix,
    StatusRow,
    completion_matrix,
    count_status_rows,
    departments,
    releases,
    status_rows,
)
from portal.web import client_ip, deps, me, options, own_session, refuse, save_now

bp = Blueprint("dashboard", __name__, template_folder="templates", url_prefix="/hr/dashboard")

STATUS_HEADER = ("工号", "姓名", "部门", "岗位", "入职日期", "邮箱", "制度", "版本", "截止日期", "状态", "签署时间")
MATRIX_HEADER = ("部门", "制度", "版本", "应签人数", "已签人数", "未签人数", "逾期人数", "完成率(%)")


def _filter_form() -> tuple[FilterForm, DashboardFilter]:
    d = deps()
    form = FilterForm(request.args)
    user = me()
    forced = None if user.is_hr else user.department
    form.department.choices = options([("", "全部部门"), *((x, x or "（未分配部门）") for x in departments(d.session))])
    if forced is not None:
        form.department.choices = options([(forced, forced or "（未分配部门）")])
    regulations = d.session.execute(
        select(Regulation.id, Regulation.title).where(Regulation.retired.is_(False)).order_by(Regulation.position)
    ).all()
    marks = load_marks(d.session)
    form.regulation_id.choices = options([(0, "全部制度"), *((i, marks.name(t, i)) for i, t in regulations)])
    form.release.choices = options([("", "现行版本"), *((v, v) for v in releases(d.session))])
    return form, form.criteria(forced)


EXPORT_LABELS = {"matrix": "完成情况", "all": "全部", "unsigned": "未签署", "overdue": "逾期", "signed": "已签署"}


def _query_string(criteria: DashboardFilter, **extra: object) -> str:
    values: dict[str, object] = {
        "department": criteria.department,
        "regulation_id": criteria.regulation_id or "",
        "release": criteria.release,
        "hired_from": criteria.hired_from.isoformat() if criteria.hired_from else "",
        "hired_to": criteria.hired_to.isoformat() if criteria.hired_to else "",
        **extra,
    }
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


@bp.route("/")
@requires(Role.HR, Role.MANAGER)
def index() -> str:
    d = deps()
    form, criteria = _filter_form()
    matrix = completion_matrix(d.session, criteria, d.clock.today())
    grid = build_grid(matrix, criteria, load_marks(d.session), url_for("dashboard.people"))
    return render_template(
        "dashboard/index.html", form=form, matrix=matrix, grid=grid, criteria=criteria,
        query=_query_string(criteria), remind_form=RemindForm(), qs=_query_string,
    )


def _page() -> int:
    return page_number(request.args)


@bp.route("/people")
@requires(Role.HR, Role.MANAGER)
def people() -> str:
    """Drill-down: who has (not) signed, for a department and/or regulation."""
    d = deps()
    form, criteria = _filter_form()
    only = request.args.get("only", "unsigned")
    if only not in ("all", "unsigned", "overdue", "signed"):
        only = "unsigned"
    size = d.settings.page_size
    today = d.clock.today()
    rows = list(status_rows(d.session, criteria, today, only=only, limit=size, offset=(_page() - 1) * size))
    total = count_status_rows(d.session, criteria, today, only)
    return render_template(
        "dashboard/people.html", form=form, rows=rows, total=total, page=_page(), size=size, only=only,
        today=today, criteria=criteria, qs=_query_string,
    )


def _matrix_rows(matrix: Matrix, marks: TitleMarks) -> Iterable[Sequence[Cell]]:
    for department in matrix.departments:
        for regulation_id, title, label in matrix.regulations:
            cell = matrix.cell(department, regulation_id)
            if cell is not None:
                yield (department, marks.name(title, regulation_id), label, cell.assigned, cell.signed, cell.pending, cell.overdue, round(cell.percent, 1))


def _status_table(rows: Iterable[StatusRow], today: dt.date, marks: TitleMarks) -> Iterable[Sequence[Cell]]:
    for r in rows:
        yield (r.employee_no, r.name, r.department, r.position, r.hire_date, r.email, marks.name(r.regulation, r.regulation_id), r.version,
               r.due_on, r.state(today), r.signed_at)


def _closing(session: Session, rows: Iterable[Sequence[Cell]]) -> Iterator[Sequence[Cell]]:
    with session:
        yield from rows


@bp.route("/export.<fmt>")
@requires(Role.HR, Role.MANAGER)
def export(fmt: str) -> BaseResponse:
    if fmt not in ("csv", "xlsx"):
        return redirect(url_for("dashboard.index"))
    d = deps()
    _form, criteria = _filter_form()
    kind = request.args.get("kind", "matrix")
    if kind not in ("matrix", "all", "unsigned", "overdue", "signed"):
        kind = "matrix"
    today = d.clock.today()
    stamp = today.strftime("%Y%m%d")
    audit(d.session, d.clock, "export", actor=me(), ip=client_ip(), target=f"签署情况（{EXPORT_LABELS[kind]}）.{fmt}", detail=_query_string(criteria))
    save_now()  # the rows are read by their own session
    stream_session = own_session()
    marks = load_marks(d.session)  # same-title regulations get 之一/之二 in the files too
    if kind == "matrix":
        header: Sequence[str] = MATRIX_HEADER
        rows: Iterable[Sequence[Cell]] = list(_matrix_rows(completion_matrix(d.session, criteria, today), marks))
    else:
        header, rows = STATUS_HEADER, _closing(stream_session, _status_table(status_rows(stream_session, criteria, today, only=kind), today, marks))
    name = f"signatures-{kind}-{stamp}.{fmt}"
    disposition = {"Content-Disposition": f"attachment; filename={name}"}
    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(header, rows, d.settings.zone)), mimetype="text/csv; charset=utf-8", headers=disposition)
    if kind == "matrix":
        overdue = _status_table(status_rows(d.session, criteria, today, only="overdue"), today, marks)
        sheets = [("完成情况", header, rows), ("逾期名单", STATUS_HEADER, overdue)]
    else:
        sheets = [("签署明细", header, rows)]
    return Response(
        xlsx_bytes(sheets, d.settings.zone),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=disposition,
    )


def _smtp(settings: Settings) -> SmtpSettings:
    return SmtpSettings(
        host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user or "", password=settings.smtp_password or "",
        starttls=settings.smtp_starttls, timeout=settings.smtp_timeout, sender=settings.mail_from,
    )


@bp.route("/remind", methods=["POST"])
@requires(Role.HR)
def remind() -> BaseResponse:
    d = deps()
    _form, criteria = _filter_form()
    if RemindForm().validate_on_submit():
        try:
            outcome = send_reminders(
                d.session, d.clock, _smtp(d.settings), d.settings.portal_base_url, criteria,
                actor=me(),
            )
        except (OSError, smtplib.SMTPException) as error:
            refuse()
            current_app.logger.warning("SMTP failed: %s", error)
            flash("邮件服务器连接失败，提醒未发送。请检查 SMTP 配置。", "error")
        else:
            message = f"已向 {outcome.sent} 人发送提醒邮件"
            if outcome.skipped_no_email:
                message += f"，{outcome.skipped_no_email} 人没有登记邮箱"
            if outcome.failed:
                message += f"，{len(outcome.failed)} 人发送失败"
            flash(message + "。", "success" if not outcome.failed else "error")
    return redirect(url_for("dashboard.index") + "?" + _query_string(criteria))
