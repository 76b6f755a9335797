"""The signer's own records (the list of signatures, each receipt) and the administrators' chain check.

Signing itself is posted from the reading page and handled there (``reading.sign``).
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from portal.access import Role, requires, signed_in
from portal.acks.inputs import VerifyForm
from portal.acks.keys import SigningKeyMissing, SigningKeyUnsafe
from portal.acks.models import Acknowledgement
from portal.acks.services import receipt_for, verifier_for, verify_chain
from portal.assignments.services import my_handbook
from portal.releases.models import RegulationVersion
from portal.web import attempt, deps, loads, me

bp = Blueprint("acks", __name__, template_folder="templates")


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
@loads("ack", receipt_for)
def receipt(ack: Acknowledgement) -> str:
    """The signer's receipt: what was signed, when, and the hashes that prove it."""
    d = deps()
    user = me()
    version = d.session.get(RegulationVersion, ack.version_id)
    # After signing, point the signer at what is still open on their list.
    waiting = [i for i in my_handbook(d.session, user, d.clock.today()) if i.state != "done"] if ack.user_id == user.id else []
    return render_template("acks/receipt.html", ack=ack, version=version, waiting=waiting)


@bp.route("/admin/verify", methods=["GET", "POST"])
@requires(Role.ADMIN)
def verify() -> str:
    d = deps()
    form = VerifyForm()
    report, key_id = None, None
    if form.validate_on_submit():
        with attempt(catch=(SigningKeyMissing, SigningKeyUnsafe)):
            verifier = verifier_for(d.session, d.settings.signing_key_path)
            key_id = verifier.key_id if verifier else None
            report = verify_chain(d.session, verifier)
    return render_template("acks/verify.html", form=form, report=report, key_id=key_id)
