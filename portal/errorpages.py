"""Error pages in Chinese, and a health check."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from domain.errors import NotFound, PermissionDenied
from portal.access import Role, public
from portal.extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("errorpages", __name__)

MESSAGES: dict[int, tuple[str, str]] = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页重试。"),
    403: ("没有权限", "您没有权限访问此页面。如需开通，请联系人力资源部。"),
    404: ("页面不存在", "您访问的页面不存在或已被移除。"),
    405: ("请求方式不正确", "该页面不支持这种操作。"),
    413: ("文件过大", "上传的文件超过了大小限制。"),
    429: ("请求过于频繁", "请稍后再试。"),
    500: ("服务器出错了", "服务器遇到意外错误，我们已记录此问题。请稍后重试。"),
}


# HR is who others are sent to for access; HR and admins themselves are sent to the administrator.
FORBIDDEN_FOR_STAFF = "您没有权限访问此页面。如需开通，请联系系统管理员。"


def _forbidden_message(user: Any) -> str:
    """Pure: the 403 text for ``user`` (HR must not be told to contact HR)."""
    staff = user is not None and user.is_authenticated and (user.has_role(Role.HR) or user.has_role(Role.ADMIN))
    return FORBIDDEN_FOR_STAFF if staff else MESSAGES[403][1]


def error_page(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 403 and detail is None:
        message = _forbidden_message(current_user)
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


@bp.app_errorhandler(CSRFError)
def csrf_failed(_error: CSRFError) -> tuple[str, int]:
    return error_page(400, "页面已过期或表单校验失败，请刷新页面后重新提交。")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int]:
    return error_page(error.code or 500)


@bp.app_errorhandler(NotFound)
def not_found(_error: NotFound) -> tuple[str, int]:
    return error_page(404)


@bp.app_errorhandler(PermissionDenied)
def forbidden(_error: PermissionDenied) -> tuple[str, int]:
    return error_page(403)


@bp.app_errorhandler(Exception)
def unexpected(error: Exception) -> tuple[str, int]:
    log.exception("unhandled error", exc_info=error)
    db.session.rollback()
    return error_page(500)


_ICON = (Path(__file__).parent / "static" / "favicon.ico").read_bytes()


@bp.route("/favicon.ico")
@public
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links; answer with the portal's icon."""
    response = Response(_ICON, mimetype="image/vnd.microsoft.icon")
    response.cache_control.max_age = 86400
    return response


@bp.route("/healthz")
@public
def health() -> dict[str, str]:
    return {"status": "ok"}
