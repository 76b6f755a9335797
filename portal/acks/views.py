"""Signing (POST from the reading page) and the signer's own records."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from domain.errors import ValidationFailed
from portal.access import signed_in
from portal.acks.inputs import SignForm
from portal.acks.models import Acknowledgement
from portal.acks.services import SignRequest, sign
from portal.assignments.services import my_handbook
from portal.errors import AlreadySigned, NotFound
from portal.reading.services import reading_page
from portal.reading.views import render_reading
from portal.releases.models import RegulationVersion
from portal.web import apply_field_errors, client_ip, deps, me, user_agent

bp = Blueprint("acks", __name__, template_folder="templates")


@bp.route("/regulations/<slug>/sign", methods=["POST"], endpoint="sign")
@signed_in
def sign_view(slug: str) -> Response | tuple[str, int]:
    """Sign the current version.  The reading page is rendered again only when the form fails."""
    d = deps()
    form = SignForm()
    if not form.validate_on_submit():
        return render_reading(reading_page(d.session, me().id, slug), form, 422)
    request = SignRequest(
        user_id=me().id,
        version_id=int(form.version_id.data or 0),
        confirmed=bool(form.confirm.data),
        typed_name=form.full_name.data or "",
        password=form.password.data,
        ip=client_ip(),
        user_agent=user_agent(),
    )
    try:
        ack = sign(d.session, d.clock, request, require_password=current_app.config["SIGN_REQUIRES_PASSWORD"])
        version = d.session.get(RegulationVersion, ack.version_id)
        if version is None or version.regulation.slug != slug:
            raise NotFound(f"version {ack.version_id} is not of {slug}")
    except AlreadySigned as error:
        d.session.rollback()
        flash(error.user_message, "info")
        return redirect(url_for("reading.regulation", slug=slug))
    except ValidationFailed as error:
        d.session.rollback()
        if not apply_field_errors(form, error):
            flash(error.user_message, "error")
        return render_reading(reading_page(d.session, me().id, slug), form, 422)
    d.session.commit()
    flash(f"签署成功：《{version.title}》（版本 {version.label}）。", "success")
    return redirect(url_for("acks.receipt", ack_id=ack.id))


@bp.route("/my/signatures")
@signed_in
def mine() -> str:
    d = deps()
    rows = d.session.execute(
        select(Acknowledgement, RegulationVersion)
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .where(Acknowledgement.user_id == me().id)
        .order_by(Acknowledgement.id.desc())
    ).all()
    return render_template("acks/mine.html", rows=rows)


@bp.route("/my/signatures/<int:ack_id>")
@signed_in
def receipt(ack_id: int) -> str:
    """The signer's receipt: what was signed, when, and the hashes that prove it."""
    d = deps()
    ack = d.session.get(Acknowledgement, ack_id)
    user = me()
    if ack is None or (ack.user_id != user.id and not user.is_hr):
        abort(404)
    version = d.session.get(RegulationVersion, ack.version_id)
    # After signing, point the signer at what is still open on their list.
    waiting = [i for i in my_handbook(d.session, user, d.clock.today()) if i.state != "done"] if ack.user_id == user.id else []
    return render_template("acks/receipt.html", ack=ack, version=version, waiting=waiting)
