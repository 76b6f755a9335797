"""Finding 9 of the trust review: numbers out of range or not numbers answered 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from portal.access import Role
from portal.converters import LARGEST_ID, bounded_int

HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [f"/my/signatures/{HUGE}", f"/admin/users/{HUGE}", f"/admin/users/{LARGEST_ID + 1}",
                                 "/admin/users/0", "/admin/users/-1", "/admin/users/abc", f"/admin/drafts/{HUGE}",
                                 f"/admin/jobs/{HUGE}.json", "/forms/documents/%00.docx", "/regulations/a%00b"])
def test_an_id_no_row_can_have_is_no_page(client: Any, login: Callable[..., Any], make_user: Callable[..., Any],
                                          url: str) -> None:
    login(make_user("管理员", roles={Role.ADMIN}))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", [HUGE, "-5", "abc", "1e9", "%FF"])
def test_a_page_out_of_range_shows_the_first(client: Any, login: Callable[..., Any], make_user: Callable[..., Any],
                                             page: str) -> None:
    login(make_user("管理员", roles={Role.ADMIN}))
    for url in ("/admin/users", "/admin/audit", "/hr/dashboard/people"):
        answer = client.get(f"{url}?page={page}")
        assert answer.status_code == 200, url


def test_signing_a_version_that_is_not_a_number_is_refused_in_chinese(client: Any, login: Callable[..., Any],
                                                                      make_user: Callable[..., Any], publish: Any,
                                                                      document: Any) -> None:
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    login(make_user("员工"))
    for value in ("abc", HUGE, "-1", ""):
        answer = client.post("/regulations/sales/sign", data={"version_id": value, "confirm": "y", "full_name": "员工"})
        assert answer.status_code == 422
        assert "表单已过期" in answer.get_data(as_text=True)


def test_nul_characters_never_reach_the_database(client: Any, make_user: Callable[..., Any]) -> None:
    user = make_user("员工")
    answer = client.post("/login", data={"employee_no": user.employee_no + "\x00", "password": "correct-horse-42"})
    assert answer.status_code == 302


def test_bounded_int() -> None:
    values = MultiDict({"a": "7", "b": HUGE, "c": "x", "d": "-3", "e": " 12 ", "f": "١٢"})
    assert [bounded_int(values, k, 1) for k in "abcdef"] == [7, 1, 1, 1, 12, 1]
    assert bounded_int(values, "missing", 5) == 5
    assert bounded_int(values, "d", 0, low=-10) == -3
