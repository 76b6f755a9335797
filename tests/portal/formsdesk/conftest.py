"""Fixtures of the forms desk tests: the people of the example forms, signed-in clients, posted data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.access import Role
from portal.auth.models import User

EXAMPLES = Path(__file__).resolve().parents[3] / "forms" / "examples"
PASSWORD = "correct-horse-42"

# Everyone the example forms name, with their department and portal role.
PEOPLE: dict[str, tuple[str, Role]] = {
    "李晓梅": ("销售管理部", Role.MANAGER),
    "王建国": ("营销管理中心", Role.MANAGER),
    "赵志强": ("营销管理中心", Role.MANAGER),
    "周敏": ("营销管理中心", Role.EMPLOYEE),
    "陈立": ("销售管理部", Role.EMPLOYEE),
    "刘芳": ("销售管理部", Role.EMPLOYEE),
    "孙浩": ("销售管理部", Role.EMPLOYEE),
    "钱多多": ("财务部", Role.EMPLOYEE),
}


def example(slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{slug}.json").read_text(encoding="utf-8"))
    return data


def as_post(raw: dict[str, Any], **extra: str) -> dict[str, str]:
    """Form data as the browser posts it: ``table-row-column`` for cells."""
    data: dict[str, str] = {}
    for name, value in raw.items():
        if isinstance(value, list):
            for i, row in enumerate(value):
                for column, cell in row.items():
                    data[f"{name}-{i}-{column}"] = str(cell)
        else:
            data[name] = str(value)
    return data | extra


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {name: make_user(name, roles={role}, department=dep) for name, (dep, role) in PEOPLE.items()}


@pytest.fixture
def login(app: Flask, people: dict[str, User]) -> Callable[[str], FlaskClient]:
    """A client signed in as the named person."""

    def sign_in(name: str) -> FlaskClient:
        client = app.test_client()
        response = client.post("/login", data={"employee_no": people[name].employee_no, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return sign_in
