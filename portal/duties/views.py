"""职责日历 (/duties, everyone: any department and position), 我的职责 (/my/duties: one's own duties and the
calendar feed's address), and the feed itself (/duties/feed/<token>.ics: the token is the only key)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from knowledge.obligations import Schedule, describe
from portal.access import Role, public, requires, signed_in
from portal.duties.feed import calendar_of
from portal.duties.models import DutyFeed
from portal.duties.services import (
    KIND_LABELS,
    WEEKDAY_LABELS,
    Duty,
    choices,
    duties_in_force,
    duties_of,
    duties_of_person,
    feed_of,
    issue_feed_token,
    month_of,
    parse_month,
    person_of_token,
    revoke_feed,
    upcoming,
    whose,
)
from portal.releases.models import Regulation, RegulationVersion
from portal.web import deps, me

bp = Blueprint("duties", __name__, template_folder="templates")


def clause_path(duty: Duty) -> str:
    return url_for("reading.regulation", slug=duty.slug) + (f"#{duty.anchor}" if duty.anchor else "")


@bp.app_template_global("regulation_duties")
def _regulation_duties(regulation: Regulation, version: RegulationVersion) -> list[Duty]:
    """The duties of the version a reading page shows (its own template includes the list)."""
    return duties_of(regulation, version)


@bp.app_template_filter("duty_when")
def _duty_when(schedule: Schedule) -> str:
    return describe(schedule)


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {"duty_kinds": KIND_LABELS, "duty_link": clause_path}


@bp.route("/duties")
@signed_in
def calendar_page() -> str:
    d = deps()
    today = d.clock.today()
    options = choices(d.session)
    # First visit: one's own department and position; the form then sends both (empty = all).
    department = request.args.get("department", me().department)
    position = request.args.get("position", me().position)
    department = department if department in options.departments else ""
    position = position if position in options.positions else ""
    duties = whose(duties_in_force(d.session), department, position)
    month = month_of(duties, parse_month(request.args.get("month", ""), today), today)
    return render_template("duties/calendar.html", month=month, options=options, department=department,
                           position=position, weekdays=WEEKDAY_LABELS, count=len(duties), today=today)


@bp.route("/my/duties")
@signed_in
def mine() -> str:
    d = deps()
    today = d.clock.today()
    duties = duties_of_person(duties_in_force(d.session), me())
    return render_template("duties/mine.html", duties=duties, soon=upcoming(duties, today), today=today,
                           feed=feed_of(d.session, me().id), new_url=session.pop(NEW_FEED_KEY, None))


# The new address travels to the page in the person's own session cookie, once: only its hash is stored.
NEW_FEED_KEY = "duties.new_feed_url"


@bp.route("/my/duties/feed", methods=["POST"])
@signed_in
def new_feed() -> BaseResponse:
    """A new address (the old one stops working), shown once on the page it redirects to."""
    d = deps()
    session[NEW_FEED_KEY] = feed_url(issue_feed_token(d.session, d.clock, me().id))
    return redirect(url_for("duties.mine") + "#feed")


@bp.route("/my/duties/feed/revoke", methods=["POST"])
@signed_in
def revoke() -> BaseResponse:
    if revoke_feed(deps().session, me().id):
        flash("订阅地址已停用，已订阅的日历将不再更新。", "success")
    return redirect(url_for("duties.mine"))


@bp.app_template_global("duty_feed_of")
def _duty_feed_of(user_id: int) -> DutyFeed | None:
    return feed_of(deps().session, user_id)


@bp.route("/hr/duties/feeds/<int:user_id>/revoke", methods=["POST"])
@requires(Role.HR)
def revoke_for(user_id: int) -> BaseResponse:
    """HR stops a person's feed (a lost phone, a leaver); the person may make a new one."""
    if revoke_feed(deps().session, user_id):
        flash("已停用此人的职责日历订阅地址。", "success")
    return redirect(url_for("admin.edit_user", user_id=user_id) + "#duty-feed")


def feed_url(token: str) -> str:
    return deps().settings.portal_base_url.rstrip("/") + url_for("duties.feed", token=token)


@bp.route("/duties/feed/<token>.ics")
@public
def feed(token: str) -> Response:
    d = deps()
    person = person_of_token(d.session, token)
    if person is None:
        abort(404)
    duties = duties_of_person(duties_in_force(d.session), person)
    base = d.settings.portal_base_url.rstrip("/")
    body = calendar_of(person.name, duties, d.clock.today(), d.clock.now(), lambda duty: base + clause_path(duty))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=duties.ics"
    response.headers["Cache-Control"] = "private, max-age=900"
    return response
