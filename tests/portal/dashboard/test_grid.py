"""The dashboard table laid out in Python (portal/dashboard/grid.py) links exactly where the template's
per-cell ``qs(...)`` calls did, for every filter shape, and its totals are the matrix's."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.dashboard.grid import build_grid
from portal.dashboard.views import _query_string
from portal.reading.titles import same_title_marks
from portal.signing_status.queries import Cell, DashboardFilter, Matrix

PEOPLE = "/hr/dashboard/people"


def _matrix() -> Matrix:
    cells = {
        ("销售部", 1): Cell("销售部", 1, 4, 3, 1),
        ("", 1): Cell("", 1, 2, 0, 2),
        ("市场 & 品牌", 2): Cell("市场 & 品牌", 2, 5, 5, 0),
    }
    return Matrix(("", "市场 & 品牌", "销售部"), ((1, "销售管理制度", "2026.1"), (2, "销售管理制度", "2026.2")), cells)


@pytest.mark.parametrize("criteria", [
    DashboardFilter(),
    DashboardFilter(department="销售部"),
    DashboardFilter(regulation_id=2, release="2026.1"),
    DashboardFilter(department="市场 & 品牌", hired_from=dt.date(2026, 1, 1), hired_to=dt.date(2026, 3, 1)),
])
def test_links_and_totals_match_the_template_helpers(criteria: DashboardFilter) -> None:
    matrix = _matrix()
    marks = same_title_marks([(1, "a", "销售管理制度"), (2, "b", "销售管理制度")])
    grid = build_grid(matrix, criteria, marks, PEOPLE)
    for column in grid.columns:
        assert column.href == f"{PEOPLE}?{_query_string(criteria, department=column.department, only='unsigned')}"
        assert column.totals == matrix.by_department(column.department)
    for row in grid.rows:
        assert row.href == f"{PEOPLE}?{_query_string(criteria, regulation_id=row.regulation_id, only='unsigned')}"
        assert row.totals == matrix.by_regulation(row.regulation_id)
        assert row.name == marks.name(row.title, row.regulation_id) and row.name.endswith("）")  # 之一/之二
        for column, cell in zip(grid.columns, row.cells, strict=True):
            found = matrix.cell(column.department, row.regulation_id)
            if found is None:
                assert cell is None
                continue
            assert cell is not None
            expected = _query_string(criteria, department=column.department, regulation_id=row.regulation_id, only="unsigned")
            assert cell.href == f"{PEOPLE}?{expected}"
            assert (cell.signed, cell.assigned, cell.overdue, cell.percent) == (
                found.signed, found.assigned, found.overdue, f"{found.percent:.0f}")
