"""Who may use a view, declared once per view with a decorator.

Every endpoint carries an :class:`Access` (``view.__access__``); the factory
refuses to start if one does not (:func:`check_every_view_declares_access`),
and the route-walk test reads the same declaration to know the right answer.

* ``@public`` - anyone, signed in or not (login page, error pages).
* ``@signed_in`` - any signed-in user.
* ``@requires(Role.HR)`` - signed-in users with one of the roles; admins pass every check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

if TYPE_CHECKING:
    from werkzeug.wrappers import Response


class Role(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR = "hr"
    APPROVER = "approver"  # approves drafts of revised regulations (the second pair of eyes)
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.EMPLOYEE: "员工",
    Role.MANAGER: "部门经理",
    Role.HR: "人力资源",
    Role.APPROVER: "制度审批人",
    Role.ADMIN: "管理员",
}


class HasRoles(Protocol):
    @property
    def is_authenticated(self) -> bool: ...

    def has_role(self, role: Role) -> bool: ...


@dataclass(frozen=True)
class Access:
    """The declaration: anonymous allowed, or the roles needed (empty = any signed-in user)."""

    anonymous: bool = False
    roles: frozenset[Role] = frozenset()

    def allows(self, user: HasRoles | None) -> bool:
        if self.anonymous:
            return True
        if user is None or not user.is_authenticated:
            return False
        if not self.roles or user.has_role(Role.ADMIN):
            return True
        return any(user.has_role(role) for role in self.roles)


F = TypeVar("F", bound=Callable[..., Any])


def _declare(access: Access) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        if access.anonymous:
            view.__access__ = access  # type: ignore[attr-defined]
            return view

        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _to_login()
            if not access.allows(current_user):
                abort(403)
            return view(*args, **kwargs)

        guarded.__access__ = access  # type: ignore[attr-defined]
        return cast(F, guarded)

    return decorate


def _to_login() -> Response:
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def public(view: F) -> F:
    return _declare(Access(anonymous=True))(view)


def signed_in(view: F) -> F:
    return _declare(Access())(view)


def requires(*roles: Role) -> Callable[[F], F]:
    if not roles:
        raise ValueError("requires() needs at least one role; use @signed_in for any user")
    return _declare(Access(roles=frozenset(roles)))


def access_of(view: Callable[..., Any]) -> Access | None:
    return cast(Access | None, getattr(view, "__access__", None))


def check_every_view_declares_access(app: Flask) -> None:
    """Fail at start-up, not in production, when a view forgot its declaration."""
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if not endpoint.endswith("static") and access_of(view) is None
    ]
    if undeclared:
        raise RuntimeError(f"views without an access declaration: {', '.join(sorted(undeclared))}")
