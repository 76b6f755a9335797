"""Firing parallel requests at a real served portal (a threaded werkzeug server on loopback) and counting."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from flask.testing import FlaskClient


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: str


def session_cookie(client: FlaskClient, name: str = "handbook_session") -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, "not signed in"
    return f"{name}={cookie.value}"


def post(base: str, path: str, data: Mapping[str, str], cookie: str = "", ip: str = "") -> Answer:
    """One POST on a connection of its own, as a browser tab would send it."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    if ip:
        headers["X-Forwarded-For"] = ip
    try:
        connection.request("POST", path, body=urlencode(data), headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.getheader("Location") or "", response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def at_once(count: int, send: Callable[[int], Answer]) -> list[Answer]:
    """``send(0) … send(count - 1)`` from ``count`` threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(i: int) -> Answer:
        barrier.wait(timeout=30)
        return send(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
