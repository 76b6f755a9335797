"""Reading pages: the list, one regulation (with the signing panel and its POST), its history, the static site."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from domain.errors import ValidationFailed
from domain.urls import clause_url
from portal.access import public, signed_in
from portal.acks.inputs import SignForm
from portal.acks.keys import SigningKeyMissing, SigningKeyUnsafe
from portal.acks.services import SignRequest, sign, signer_for, statement
from portal.errors import AlreadySigned, NotFound
from portal.lifecycle.clause_acks import record_clauses
from portal.lifecycle.reading_gate import check_reading, open_gate, record_reading
from portal.lifecycle.views import read_to_end_posted
from portal.reading.services import (
    ReadingPage,
    reading_page,
    regulation_by_slug,
    regulation_index,
    version_history,
)
from portal.reading.titles import TitleMark, load_marks
from portal.releases.applicability import departments_of
from portal.releases.models import RegulationVersion
from portal.web import attempt, client_ip, deps, me, user_agent

bp = Blueprint("reading", __name__, template_folder="templates")


@bp.app_template_global("title_mark")
def _title_mark(key: int | str | None) -> TitleMark | None:
    """The 之二 mark of a regulation whose title another one shares (see :mod:`portal.reading.titles`)."""
    return load_marks(deps().session).get(key)


@bp.app_template_global("regulation_name")
def _regulation_name(title: str, key: int | str | None) -> str:
    return load_marks(deps().session).name(title, key)


@bp.route("/")
@public
def home() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("assignments.mine"))
    return redirect(url_for("auth.login"))


@bp.route("/regulations")
@signed_in
def index() -> str:
    d = deps()
    return render_template("reading/index.html", entries=regulation_index(d.session, me().id))


def render_reading(page: ReadingPage, form: SignForm | None = None, status: int = 200) -> tuple[str, int]:
    """The reading page; the signing view re-renders it with the form's errors."""
    d = deps()
    if form is None:
        form = SignForm(version_id=str(page.version.id))
    document = page.version.document()
    signable = page.is_current and page.standing.counting_signature is None
    gate = open_gate(d.session, d.clock, me().id, page.version) if signable else None  # portal/lifecycle
    site_url = clause_url(document, "", page.version.label, base=d.settings.site_url_prefix)
    return (
        render_template(
            "reading/regulation.html",
            page=page,
            form=form,
            statement=statement(page.version.title, page.version.label),
            require_password=d.settings.sign_requires_password,
            today=d.clock.today(),
            site_url=site_url if _site_has(page.version.label) else None,
            departments=departments_of(d.session, page.version.id),
            gate=gate,
        ),
        status,
    )


def _site_root() -> Path:
    return deps().settings.handbook_root / "site"


def _site_has(version: str) -> bool:
    return (_site_root() / version).is_dir()


@bp.route("/regulations/<slug>")
@signed_in
def regulation(slug: str) -> tuple[str, int]:
    d = deps()
    return render_reading(reading_page(d.session, me().id, slug))


@bp.route("/regulations/<slug>/versions/<label>")
@signed_in
def version(slug: str, label: str) -> tuple[str, int]:
    d = deps()
    return render_reading(reading_page(d.session, me().id, slug, label))


@bp.route("/regulations/<slug>/history")
@signed_in
def history(slug: str) -> str:
    d = deps()
    regulation = regulation_by_slug(d.session, slug)
    return render_template("reading/history.html", regulation=regulation, versions=version_history(d.session, regulation))


@bp.route("/site/")
@bp.route("/site/<path:path>")
@signed_in
def site(path: str = "") -> Response:
    """The versioned MkDocs site, behind the portal's login (it is internal)."""
    root = _site_root()
    if not root.is_dir():
        abort(404)
    if path == "" or path.endswith("/"):
        path += "index.html"
    response = send_from_directory(root, path)
    # MkDocs Material ships inline scripts and styles: a looser policy for the site's own pages.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'"
    )
    return response


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
    with attempt(form, catch=(ValidationFailed, SigningKeyMissing, SigningKeyUnsafe)) as checked, \
            attempt(catch=(AlreadySigned,), category="info") as first:
        reading = check_reading(d.session, d.clock, me().id, request.version_id, read_to_end_posted())
        signer = signer_for(d.session, d.settings.signing_key_path)
        version = d.session.get(RegulationVersion, request.version_id)
        if version is None or version.regulation.slug != slug:
            raise NotFound(f"version {request.version_id} is not of {slug}")
        title, label = version.title, version.label  # read now: the commit in sign() expires them
        ack = sign(d.session, d.clock, request, signer=signer, require_password=d.settings.sign_requires_password)
        record_reading(d.session, ack, reading)  # committed with the request's unit of work
        record_clauses(d.session, ack, signer)  # which clause versions this signature covers (portal/lifecycle)
    if not first.ok:
        return redirect(url_for("reading.regulation", slug=slug))
    if not checked.ok:
        unavailable = isinstance(checked.error, (SigningKeyMissing, SigningKeyUnsafe))
        return render_reading(reading_page(d.session, me().id, slug), form, 503 if unavailable else 422)
    flash(f"签署成功：《{title}》（版本 {label}）。", "success")
    return redirect(url_for("acks.receipt", ack_id=ack.id))
