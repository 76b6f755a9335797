"""Who may call an API endpoint: a bearer token with the endpoint's scope, whose owner has one of its roles.

Each endpoint is declared once with :func:`endpoint`; the declaration is what the OpenAPI document
(portal/api/openapi.py) describes and what the scope walk in the tests reads.  For the factory's access
check the views are ``public`` (no session cookie is involved); the token is checked here, before the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, jsonify, request
from werkzeug.wrappers import Response

from portal.access import Access, Role
from portal.api.models import ApiToken
from portal.api.tokens import Scope, token_for
from portal.web import deps

F = TypeVar("F", bound=Callable[..., Any])
_TOKEN = "portal_api_token"


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "integer" | "string"
    description: str
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Endpoint:
    """An API endpoint's declaration: the scope it needs, the owner roles it serves (empty: any), its doc."""

    path: str
    summary: str
    scope: Scope
    roles: frozenset[Role] = frozenset()
    parameters: tuple[Parameter, ...] = ()
    item: dict[str, Any] = field(default_factory=dict)
    """JSON Schema of one element of ``items`` in the answer."""

    def serves(self, owner_roles: frozenset[Role]) -> bool:
        return not self.roles or Role.ADMIN in owner_roles or bool(self.roles & owner_roles)


ENDPOINTS: list[Endpoint] = []


def problem(status: int, code: str, message: str) -> Response:
    """An error answer: ``{"error": {"code", "message"}}`` (the message in Chinese, for people)."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="handbook"'
    return response


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def endpoint(declaration: Endpoint) -> Callable[[F], F]:
    ENDPOINTS.append(declaration)

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            d = deps()
            token = token_for(d.session, d.clock, _bearer())
            if token is None:
                return problem(401, "unauthorized", "缺少有效的接口令牌（已吊销、已过期或账号已停用）。")
            if declaration.scope not in token.scope_set:
                return problem(403, "insufficient_scope", f"该令牌没有“{declaration.scope}”权限。")
            if not declaration.serves(token.user.roles):
                return problem(403, "forbidden", "令牌所属账号的角色无权访问该接口。")
            setattr(g, _TOKEN, token)
            return view(*args, **kwargs)

        guarded.__access__ = Access(anonymous=True)  # type: ignore[attr-defined]
        guarded.__api__ = declaration  # type: ignore[attr-defined]
        return cast(F, guarded)

    return decorate


def current_token() -> ApiToken:
    token = g.get(_TOKEN)
    assert isinstance(token, ApiToken), "current_token() outside an API endpoint"
    return token
