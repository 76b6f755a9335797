"""Small helpers the thin views share: the unit of work, the service dependencies, client address, safe redirects.

One unit of work per request, as indico's request handlers: a view loads, checks
access (its declaration in :mod:`portal.access`), calls services and answers; it
never commits or rolls back.  The factory wraps every view in
:func:`unit_of_work` (:func:`install_unit_of_work`): when the view returns, the
request's session is committed, unless the view's work was refused; when it
raises (``abort``, a domain error mapped to an error page, a bug), it is rolled
back.  A service's refusal inside a view is caught by :func:`attempt`, which rolls
the unit back at once and shows the Chinese message (field errors or a flash).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, request
from flask_login import current_user
from sqlalchemy.orm import Session, sessionmaker
from wtforms import SelectChoice

from domain.errors import HandbookError, ValidationFailed
from portal.auth.models import User
from portal.clock import Clock
from portal.config import Settings, settings_of
from portal.extensions import db

CLOCK_KEY = "portal.clock"
_REFUSED = "portal_unit_refused"  # flag on flask.g: this request's work was refused, nothing is committed

V = TypeVar("V", bound=Callable[..., Any])


def unit_of_work(view: V) -> V:
    """Run ``view`` as one unit of work: commit when it returns, roll back when it raises or was refused."""

    @wraps(view)
    def unit(*args: Any, **kwargs: Any) -> Any:
        session = db.session()
        try:
            answer = view(*args, **kwargs)
        except BaseException:
            session.rollback()
            raise
        if g.pop(_REFUSED, False):
            session.rollback()
        else:
            session.commit()
        return answer

    return cast(V, unit)


def install_unit_of_work(app: Flask) -> None:
    """Wrap every view of ``app`` (but the static files) in :func:`unit_of_work`; the factory calls it once."""
    for endpoint, view in list(app.view_functions.items()):
        if not endpoint.endswith("static"):
            app.view_functions[endpoint] = unit_of_work(view)


def refuse() -> None:
    """Roll the request's work back now, and commit nothing of it when the view returns."""
    db.session.rollback()
    setattr(g, _REFUSED, True)


def save_now() -> None:
    """Commit the request's work so far: before a response read by another session (a streamed export)."""
    db.session.commit()


@dataclass
class Outcome:
    """What :func:`attempt` saw: the refusal (``None`` when the work went through)."""

    error: HandbookError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextmanager
def attempt(
    form: Any = None,
    *,
    catch: tuple[type[HandbookError], ...] = (HandbookError,),
    unless: tuple[type[HandbookError], ...] = (),
    category: str = "error",
    show: bool = True,
) -> Iterator[Outcome]:
    """Run services; a refusal of a kind in ``catch`` rolls the unit back and is shown in Chinese.

    A :class:`ValidationFailed` goes to the fields of ``form`` when there is one;
    its message, or any other refusal's, is flashed (``show=False``: the view
    shows ``outcome.error`` itself).  Other errors, and the kinds in ``unless``
    (e.g. ``NotFound`` for a 404 page), propagate to the error pages.
    """
    outcome = Outcome()
    try:
        yield outcome
    except catch as error:
        if isinstance(error, unless):
            raise
        refuse()
        outcome.error = error
        placed = form is not None and isinstance(error, ValidationFailed) and apply_field_errors(form, error)
        if show and not placed:
            flash(error.user_message, category)


@dataclass(frozen=True)
class Deps:
    """What a service call needs from the request's app."""

    session: Session
    clock: Clock
    settings: Settings

    def session_factory(self) -> sessionmaker[Session]:
        """A factory for sessions outside the request (background jobs)."""
        return sessionmaker(bind=db.engine, expire_on_commit=False)


def deps() -> Deps:
    return Deps(session=db.session(), clock=cast(Clock, current_app.extensions[CLOCK_KEY]), settings=settings_of(current_app))


def own_session() -> Session:
    """A session independent of the request's, for streamed responses that outlive the view."""
    return sessionmaker(bind=db.engine, expire_on_commit=False)()


def me() -> User:
    """The signed-in user (views behind an access declaration only)."""
    return cast(User, current_user._get_current_object())


def client_ip() -> str:
    return request.remote_addr or ""


def user_agent() -> str:
    return request.headers.get("User-Agent", "")[:400]


def safe_next(target: str | None, default: str) -> str:
    """Only a local path may be a redirect target: no scheme, no host, no ``//`` or ``\\``."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return default
    return target


def apply_field_errors(form: Any, error: ValidationFailed) -> bool:
    """Attach a service's field errors to a WTForms form; False when some had no field."""
    unplaced = False
    for name, message in error.field_errors.items():
        field = getattr(form, name, None)
        if field is None:
            unplaced = True
            continue
        field.errors = [*list(field.errors or []), message]
    return not unplaced and bool(error.field_errors)


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


# A loader: (the request's session, the signed-in user, the URL value) → the object the handler acts on.
# It raises NotFound or PermissionDenied (the error pages answer 404 / 403) when the user may not have it.
Loader = Callable[[Session, User, Any], Any]


def loads(name: str, loader: Loader, *, arg: str | None = None) -> Callable[[V], V]:
    """Declare, once per handler, the object it acts on and who may have it (indico's "load, check").

    ``@loads("ack", receipt_for)`` below the role declaration turns the URL's ``ack_id`` into
    ``ack=receipt_for(session, me(), ack_id)`` before the view runs, so no view can forget the check.
    """
    source = arg or f"{name}_id"

    def decorate(view: V) -> V:
        @wraps(view)
        def loading(*args: Any, **kwargs: Any) -> Any:
            kwargs[name] = loader(deps().session, me(), kwargs.pop(source))
            return view(*args, **kwargs)

        loading.__loads__ = (name, loader)  # type: ignore[attr-defined]
        return cast(V, loading)

    return decorate
