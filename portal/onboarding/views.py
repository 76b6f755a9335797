"""/my/onboarding (everyone: one's own list in reading order) and /hr/onboarding (HR: every recent hire)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.access import Role, requires, signed_in
from portal.assignments.services import is_new_hire
from portal.onboarding.services import onboarding_of, recent_hires
from portal.web import deps, me

bp = Blueprint("onboarding", __name__, template_folder="templates")

WINDOWS = (30, 60, 90, 180)


@bp.route("/my/onboarding")
@signed_in
def mine() -> str:
    d = deps()
    today = d.clock.today()
    plan = onboarding_of(d.session, me(), today)
    return render_template("onboarding/mine.html", plan=plan, today=today,
                           new_hire=is_new_hire(me(), today, d.settings.new_hire_due_days))


@bp.route("/hr/onboarding")
@requires(Role.HR)
def new_hires() -> str:
    d = deps()
    text = request.args.get("days", "")
    days = int(text) if text in {str(w) for w in WINDOWS} else WINDOWS[0]
    plans = recent_hires(d.session, d.clock.today(), days)
    return render_template("onboarding/new_hires.html", plans=plans, days=days, windows=WINDOWS)
