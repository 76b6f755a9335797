"""Server-side sessions: every copy of a session ends with it (issue 9, finding 2 and deliverable 2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "correct-horse-42"
COOKIE = "handbook_session"


def _signed_in(app: Flask, user: Any, **kwargs: Any) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD}, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _copy_of(app: Flask, original: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of the first one's session cookie (a stolen cookie)."""
    cookie = original.get_cookie(COOKIE)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def test_a_copied_session_cookie_stops_working_after_logout(make_app: Callable[..., Flask], make_user: Callable[..., Any]) -> None:
    app = make_app()
    user = make_user("张三")
    owner = _signed_in(app, user)
    thief = _copy_of(app, owner)
    assert thief.get("/my").status_code == 200  # the copy works while the session lives
    assert owner.post("/logout").status_code == 302
    answer = thief.get("/my")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
