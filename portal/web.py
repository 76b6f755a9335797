"""Small helpers the thin views share: the service dependencies, client address, safe redirects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from flask import current_app, request
from flask_login import current_user
from sqlalchemy.orm import Session, sessionmaker
from wtforms import SelectChoice

from domain.errors import ValidationFailed
from portal.auth.models import User
from portal.clock import Clock
from portal.extensions import db

CLOCK_KEY = "portal.clock"


@dataclass(frozen=True)
class Deps:
    """What a service call needs from the request's app."""

    session: Session
    clock: Clock
    config: dict[str, Any]

    def session_factory(self) -> sessionmaker[Session]:
        """A factory for sessions outside the request (background jobs)."""
        return sessionmaker(bind=db.engine, expire_on_commit=False)


def deps() -> Deps:
    return Deps(session=db.session(), clock=cast(Clock, current_app.extensions[CLOCK_KEY]), config=current_app.config)


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
