"""GET /search?q=… for everyone; HR's 检索分析 (/search/insights): what staff ask, what fails, and fixes."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.access import Role, requires, signed_in
from portal.audit.services import record as audit
from portal.releases.current import current_release
from portal.search_page import services
from portal.search_page.adapter import SearchResult, query_words, run_search
from portal.search_page.inputs import CsrfOnly, parse_synonym
from portal.web import client_ip, deps, me, safe_next

bp = Blueprint("search_page", __name__, template_folder="templates")

EXPIRED = "页面已过期，请刷新后重试。"


@bp.route("/search")
@signed_in
def search() -> str:
    query = request.args.get("q", "").strip()[:100]
    result = SearchResult((), 0)
    log_id = 0
    if query:
        d = deps()
        release = current_release(d.session)
        result = run_search(
            query, d.settings.handbook_root, release=release, synonyms=services.hr_synonyms(d.session)
        )
        if result.searched:
            log_id = services.record_search(
                d.session, d.clock.today(), query, release=result.release, total=result.total, asks=result.asks
            )
    has_forms = "formsdesk.index" in current_app.view_functions  # form hits open the forms page
    return render_template(
        "search_page/search.html", query=query, result=result, has_forms=has_forms, log_id=log_id
    )


@bp.route("/search/open/<int:log_id>/<int:rank>")
@signed_in
def open_hit(log_id: int, rank: int) -> Response:
    """Count the opened hit (anonymously), then go to it: only a local path is followed."""
    services.record_click(deps().session, log_id, rank)
    return redirect(safe_next(request.args.get("to"), url_for("search_page.search")))


def _insights(errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    d = deps()
    today = d.clock.today()
    chosen = _week(request.args.get("week"), today)
    since, until = services.week_of(chosen)
    recent = today - dt.timedelta(days=30)
    tomorrow = today + dt.timedelta(days=1)
    html = render_template(
        "search_page/insights.html",
        week=since,
        week_end=until - dt.timedelta(days=1),
        weeks=services.weeks_with_queries(d.session),
        top=services.query_counts(d.session, since, until, limit=30),
        failed=services.query_counts(d.session, recent, tomorrow, zero_results=True),
        unclicked=services.query_counts(d.session, recent, tomorrow, zero_results=False, clicked=False),
        synonyms=services.synonym_rows(d.session),
        gaps=services.open_gaps(d.session),
        retention=services.RETENTION_DAYS,
        form=CsrfOnly(),
        errors=errors or {},
    )
    return html, status


def _week(raw: str | None, today: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return today


@bp.route("/search/insights")
@requires(Role.HR)
def insights() -> tuple[str, int]:
    return _insights()


@bp.route("/search/synonyms", methods=["POST"])
@requires(Role.HR)
def add_synonym() -> Response | tuple[str, int]:
    if not CsrfOnly().validate_on_submit():
        flash(EXPIRED, "error")
        return redirect(url_for("search_page.insights"))
    d = deps()
    value, error = parse_synonym(request.form, lambda text: query_words(d.settings.handbook_root, text))
    if value is None:
        return _insights({"synonym": error, "synonym_word": request.form.get("word", "")}, 400)
    row = services.save_synonym(d.session, d.clock.today(), value.word, value.alternatives)
    audit(d.session, d.clock, "search_synonym", actor=me(), ip=client_ip(), target=row.word,
          detail=f"{row.word} → {row.alternatives}")
    flash(f"已添加同义词：检索“{row.word}”时也查找“{' '.join(value.alternatives)}”。", "success")
    return redirect(url_for("search_page.insights"))


@bp.route("/search/synonyms/<int:synonym_id>/delete", methods=["POST"])
@requires(Role.HR)
def delete_synonym(synonym_id: int) -> Response:
    if not CsrfOnly().validate_on_submit():
        flash(EXPIRED, "error")
        return redirect(url_for("search_page.insights"))
    d = deps()
    row = services.remove_synonym(d.session, synonym_id)
    if row is None:
        abort(404)
    audit(d.session, d.clock, "search_synonym_removed", actor=me(), ip=client_ip(), target=row.word)
    flash(f"已删除同义词“{row.word}”。", "success")
    return redirect(url_for("search_page.insights"))


@bp.route("/search/gaps", methods=["POST"])
@requires(Role.HR)
def add_gap() -> Response | tuple[str, int]:
    if not CsrfOnly().validate_on_submit():
        flash(EXPIRED, "error")
        return redirect(url_for("search_page.insights"))
    query = " ".join((request.form.get("query") or "").split())
    if not query:
        return _insights({"gap": "请填写未能解答的问题。"}, 400)
    d = deps()
    gap = services.note_gap(d.session, d.clock.today(), query, request.form.get("note") or "")
    audit(d.session, d.clock, "search_gap", actor=me(), ip=client_ip(), target=gap.query)
    flash(f"已记为制度缺口：“{gap.query}”。", "success")
    return redirect(url_for("search_page.insights"))


@bp.route("/search/gaps/<int:gap_id>/close", methods=["POST"])
@requires(Role.HR)
def close_gap(gap_id: int) -> Response:
    if not CsrfOnly().validate_on_submit():
        flash(EXPIRED, "error")
        return redirect(url_for("search_page.insights"))
    if services.close_gap(deps().session, gap_id) is None:
        abort(404)
    flash("已标记为已处理。", "success")
    return redirect(url_for("search_page.insights"))
