"""/api/v1: read-only JSON for other systems (thin: parse the query, call a row function, answer)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.access import Role, public, signed_in
from portal.api import rows
from portal.api.guard import ENDPOINTS, Endpoint, Parameter, current_token, endpoint, problem
from portal.api.inputs import NewTokenForm, RevokeTokenForm
from portal.api.openapi import document
from portal.api.tokens import SCOPE_LABELS, IssuedToken, Scope, issue_token, revoke_token, tokens_of
from portal.errors import NotFound, ValidationFailed
from portal.web import attempt, client_ip, deps, me

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
pages = Blueprint("api_tokens", __name__, template_folder="templates")

_STR: dict[str, Any] = {"type": "string"}
_INT: dict[str, Any] = {"type": "integer"}
_NULLABLE_STR: dict[str, Any] = {"type": ["string", "null"]}
MAX_PAGE = 500


def _object(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": sorted(properties), "properties": properties}


def _int_arg(name: str, default: int, low: int, high: int) -> int | Response:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or not low <= int(raw) <= high:
        return problem(400, "bad_parameter", f"参数 {name} 应为 {low} 至 {high} 之间的整数。")
    return int(raw)


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(document(ENDPOINTS, PREFIX))


@bp.route("/regulations")
@endpoint(Endpoint("/regulations", "现行制度及其版本", Scope.REGULATIONS, item=_object(
    slug=_STR, title=_STR, kind=_STR, version=_STR, effective=_STR, content_sha256=_STR, clauses=_INT, url=_STR)))
def regulations() -> Response:
    d = deps()
    return jsonify({"items": rows.regulations(d.session, d.settings.portal_base_url), "next_after_id": None})


@bp.route("/acknowledgements")
@endpoint(Endpoint(
    "/acknowledgements", "签署记录及其哈希链数据（按令牌所属账号可见范围）", Scope.ACKNOWLEDGEMENTS,
    parameters=(Parameter("after_id", "integer", "只返回编号大于此值的记录（上一页最后一条的编号）", 0, 10**12),
                Parameter("limit", "integer", f"每页条数，最多 {MAX_PAGE}", 1, MAX_PAGE)),
    item=_object(id=_INT, employee_no=_STR, name=_STR, department=_STR, regulation=_STR, version=_STR,
                 signed_name=_STR, signed_at=_STR, text_sha256=_STR, prev_hash=_STR, record_hash=_STR,
                 key_id=_NULLABLE_STR, signature=_NULLABLE_STR),
))
def acknowledgements() -> Response:
    after = _int_arg("after_id", 0, 0, 10**12)
    limit = _int_arg("limit", 100, 1, MAX_PAGE)
    if isinstance(after, Response):
        return after
    if isinstance(limit, Response):
        return limit
    d = deps()
    items = rows.acknowledgements(d.session, current_token().user, after, limit)
    return jsonify({"items": items, "next_after_id": items[-1]["id"] if len(items) == limit else None})


@bp.route("/completion")
@endpoint(Endpoint(
    "/completion", "各部门各制度的完成情况（人力资源看全公司，部门经理看本部门）", Scope.COMPLETION,
    roles=frozenset({Role.HR, Role.MANAGER}),
    item=_object(department=_STR, regulation=_STR, assigned=_INT, signed=_INT, overdue=_INT, percent={"type": "number"}),
))
def completion() -> Response:
    d = deps()
    return jsonify({"items": rows.completion(d.session, current_token().user, d.clock.today()), "next_after_id": None})


@pages.route("/account/tokens", methods=["GET", "POST"], endpoint="index")
@signed_in
def tokens_page() -> str:
    d = deps()
    form = NewTokenForm()
    issued: IssuedToken | None = None
    if form.validate_on_submit():
        with attempt(form, catch=(ValidationFailed,)) as outcome:
            issued = issue_token(d.session, d.clock, me(), form.name.data, form.chosen_scopes(), days=form.days.data,
                                 ip=client_ip())
        if outcome.ok:
            form = NewTokenForm(formdata=None)
    return render_template("api/tokens.html", tokens=tokens_of(d.session, me()), form=form, issued=issued,
                           revoke_form=RevokeTokenForm(), scope_labels={s.value: label for s, label in SCOPE_LABELS.items()})


@pages.route("/account/tokens/revoke", methods=["POST"], endpoint="revoke")
@signed_in
def revoke() -> Response:
    form = RevokeTokenForm()
    chosen = form.chosen() if form.validate_on_submit() else None
    if chosen is None:
        flash("请选择要吊销的令牌。", "error")
    else:
        d = deps()
        with attempt(catch=(NotFound,)) as outcome:
            revoke_token(d.session, d.clock, me(), chosen, ip=client_ip())
        if outcome.ok:
            flash("令牌已吊销，使用它的系统将无法再访问。", "success")
    return redirect(url_for("api_tokens.index"))
