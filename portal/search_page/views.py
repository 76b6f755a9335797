"""GET /search?q=…"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from portal.access import signed_in
from portal.releases.current import current_release
from portal.search_page.adapter import SearchResult, run_search
from portal.web import deps

bp = Blueprint("search_page", __name__, template_folder="templates")


@bp.route("/search")
@signed_in
def search() -> str:
    query = request.args.get("q", "").strip()[:100]
    result = SearchResult((), 0)
    if query:
        release = current_release(deps().session)
        result = run_search(query, deps().settings.handbook_root, release=release)
    has_forms = "formsdesk.index" in current_app.view_functions  # form hits open the forms page
    return render_template("search_page/search.html", query=query, result=result, has_forms=has_forms)
